"""Where the shipped resources are: icons, the Qt stylesheet and their SVG sources.

They live in the repository's top-level ``resources/`` folder, which the build ships inside the
package as ``workdiary/resources`` (setup.py and pyproject.toml map ``workdiary.resources`` to
it; ``packaging/workdiary.spec`` copies it to the same place in a frozen build). So one rule,
relative to this very package, finds them however workdiary runs:

- inside the package folder: an installed wheel, a PyInstaller build;
- beside the package folder: a source checkout, run with PYTHONPATH=<checkout> or through an
  editable install (which imports the checkout's own ``workdiary/``).

Never through another copy of workdiary on the path: the folder is always this package's own.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_MARKER = "__init__.py"  # what makes the folder the package workdiary.resources


class ResourcesMissing(FileNotFoundError):
    """Neither place holds the resources: a broken install or a partial checkout."""


def resources_dir(package: Path = _PACKAGE) -> Path:
    """The resources folder of the workdiary package in ``package`` (default: this one)."""
    for candidate in (package / "resources", package.parent / "resources"):
        if (candidate / _MARKER).is_file():
            return candidate
    raise ResourcesMissing(
        f"workdiary's resources (icons, stylesheet) are missing: looked in {package / 'resources'}"
        f" and {package.parent / 'resources'}. Reinstall workdiary, or restore resources/ in "
        "the checkout."
    )


def resource_path(*parts: str) -> Path:
    """A file inside the resources folder, e.g. ``resource_path("qss", "workdiary.qss")``."""
    return resources_dir().joinpath(*parts)
