"""The shipped resources (icons, stylesheet) are found the same way however workdiary runs.

Each case runs in a fresh interpreter from a folder outside the checkout: the source checkout
on PYTHONPATH with no site-packages at all, an editable install and an installed wheel, each in
a throwaway virtual environment. The wheel is built offline (no build isolation) from a copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import workdiary
from workdiary.resource_files import ResourcesMissing, resource_path, resources_dir
from workdiary.translation_files import compiled_name
from workdiary.ui.style import load_stylesheet

CHECKOUT = Path(workdiary.__file__).resolve().parent.parent
SHIPPED = ("icons/workdiary.svg", "qss/workdiary.qss", "translations/workdiary_es.ts")
QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")  # every Qt .qm file starts so
# What each interpreter prints: where the resources are, and that importlib agrees.
PROBE = """
import importlib.resources, workdiary.resource_files as r
folder = r.resources_dir()
print(folder)
try:
    print(importlib.resources.files("workdiary.resources").joinpath("qss/workdiary.qss").is_file())
except ModuleNotFoundError:
    print("absent")
print(r.resource_path("qss", "workdiary.qss").read_text(encoding="utf-8") ==
      open(folder / "qss" / "workdiary.qss", encoding="utf-8").read())
"""


def clean_env() -> dict[str, str]:
    """This environment without PYTHONPATH: the checkout on it would stand in for the install."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def probe(python: str | Path, cwd: Path, *flags: str, pythonpath: Path | None = None) -> list[str]:
    env = clean_env()
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run([str(python), *flags, "-c", PROBE], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def project_copy(target: Path) -> Path:
    """What a build reads: the project files, workdiary/ and resources/ (not tests, not .git)."""
    target.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(CHECKOUT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("workdiary", "resources"):
        shutil.copytree(CHECKOUT / folder, target / folder, ignore=ignore)
    return target


def fresh_venv(folder: Path) -> Path:
    venv.EnvBuilder(with_pip=False).create(folder)
    return folder / "bin" / "python"


def pip(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          env=clean_env(), capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_checkout_keeps_the_resources_at_the_top_level() -> None:
    assert resources_dir() == CHECKOUT / "resources"
    assert not (CHECKOUT / "workdiary" / "resources").exists()
    for name in SHIPPED:
        assert resource_path(*name.split("/")).is_file()
    assert "QWidget" in load_stylesheet()  # the app's stylesheet, not Qt's empty default


def test_a_package_without_resources_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "workdiary").mkdir()
    with pytest.raises(ResourcesMissing, match="Reinstall workdiary"):
        resources_dir(tmp_path / "workdiary")


@pytest.mark.slow
def test_found_from_a_bare_source_checkout_on_pythonpath(tmp_path: Path) -> None:
    # -S: no site-packages, so no installed or editable workdiary can answer instead.
    folder, by_importlib, same_text = probe(sys.executable, tmp_path, "-S", pythonpath=CHECKOUT)
    assert Path(folder) == CHECKOUT / "resources"
    # Without an install nothing maps the package name: the lookup does not need it.
    assert (by_importlib, same_text) == ("absent", "True")


@pytest.mark.slow
def test_found_in_an_installed_wheel(tmp_path: Path) -> None:
    source = project_copy(tmp_path / "source")
    pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
        str(source))
    (wheel,) = (tmp_path / "dist").glob("workdiary-*.whl")
    python = fresh_venv(tmp_path / "venv")
    pip("--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel))
    shutil.rmtree(source)  # the installed copy must stand alone

    folder, by_importlib, same_text = probe(python, tmp_path)
    assert Path(folder).parent.parent.name == "site-packages"
    assert Path(folder).is_relative_to(tmp_path / "venv")
    assert (by_importlib, same_text) == ("True", "True")
    for name in SHIPPED:
        assert (Path(folder) / name).read_bytes() == (CHECKOUT / "resources" / name).read_bytes()
    # The build step compiled the tray app's catalog beside its source, under the source's name.
    source = CHECKOUT / "resources" / "translations" / "workdiary_es.ts"
    compiled = Path(folder) / "translations" / compiled_name(source)
    assert compiled.is_file() and compiled.read_bytes().startswith(QM_MAGIC)


@pytest.mark.slow
def test_found_in_an_editable_install(tmp_path: Path) -> None:
    source = project_copy(tmp_path / "source")
    # What `pip install -e` does, with this interpreter's setuptools (the new venv has none).
    build = subprocess.run(
        [sys.executable, "-c", "import setuptools.build_meta as backend; "
         f"print(backend.build_editable({str(tmp_path / 'dist')!r}))"],
        cwd=source, env=clean_env(), capture_output=True, text=True, timeout=300, check=False)
    assert build.returncode == 0, build.stderr
    python = fresh_venv(tmp_path / "venv")
    wheel = tmp_path / "dist" / build.stdout.splitlines()[-1]
    pip("--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel))

    folder, by_importlib, same_text = probe(python, tmp_path)
    assert Path(folder) == source / "resources"
    assert (by_importlib, same_text) == ("True", "True")
