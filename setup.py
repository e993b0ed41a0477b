"""Only what pyproject.toml cannot say: the package list and the catalogs' build step.

``find_packages`` finds every package under workdiary/ (new ones too); ``workdiary.resources``
is added by name because its folder is the top-level resources/ (mapped in pyproject.toml).

``build_py`` also compiles the tray app's Qt catalogs (resources/translations/*.ts) with the
pyside6-lrelease of the build environment, into the built package beside their sources. A build
without PySide6 (an isolated one) ships the sources only; the app then compiles them into the
user's cache at its first start (workdiary/translation_files.py, docs/translating.md).
"""

import importlib.util
import sys
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workdiary.translation_files import build_catalogs


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode or importlib.util.find_spec("PySide6") is None:
            return  # an editable install reads the checkout (compiled at start)
        sources = Path(__file__).resolve().parent / "resources" / "translations"
        target = Path(self.build_lib) / "workdiary" / "resources" / "translations"
        for qm in build_catalogs(sources, target):
            self.announce(f"compiled {qm.name}", level=2)


setup(packages=[*find_packages(include=["workdiary", "workdiary.*"]), "workdiary.resources"],
      cmdclass={"build_py": BuildWithCatalogs})
