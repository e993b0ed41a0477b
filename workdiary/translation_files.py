"""The tray app's compiled Qt catalogs: named after their source, built by pyside6-lrelease.

``resources/translations/workdiary_<code>.ts`` is the source of one language. Its compiled form
is ``workdiary_<code>-<digest>.qm``, where the digest is the first 16 hex digits of the ``.ts``'s
SHA-256: a catalog compiled from an older ``.ts`` has another name, so it is never loaded by
mistake (no file times involved, which wheels and bundles do not keep). The build compiles
them next to the sources (setup.py, packaging/workdiary.spec); a source checkout has none, and
the app compiles the missing one into the user's cache at start (workdiary.ui.translations).

No Qt import here: setup.py and the PyInstaller spec use this module before Qt is loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

PREFIX = "workdiary_"
LRELEASE_TIMEOUT = 60.0


def language_of(path: Path) -> str | None:
    """``es`` for ``workdiary_es.ts`` and ``workdiary_es-<digest>.qm``; None for other files."""
    if not path.name.startswith(PREFIX) or path.suffix not in (".ts", ".qm"):
        return None
    return path.stem[len(PREFIX):].split("-")[0] or None


def source_digest(ts: Path) -> str:
    return hashlib.sha256(ts.read_bytes()).hexdigest()[:16]


def compiled_name(ts: Path) -> str:
    """``workdiary_es-<digest>.qm``: the compiled catalog's name for this very source."""
    return f"{ts.stem}-{source_digest(ts)}.qm"


def lrelease_path() -> Path:
    """The lrelease program that ships inside the PySide6 package (no Qt import needed)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("PySide6 is not installed, so there is no lrelease to compile with")
    name = "lrelease.exe" if sys.platform == "win32" else "lrelease"
    return Path(next(iter(spec.submodule_search_locations))) / name


def compile_ts(ts: Path, qm: Path) -> None:
    """``ts`` -> ``qm`` with lrelease, written whole (a temporary name, then renamed); OSError
    with lrelease's own words on failure."""
    qm.parent.mkdir(parents=True, exist_ok=True)
    partial = qm.with_name(f"{qm.name}.{os.getpid()}.part")
    try:
        done = subprocess.run([os.fspath(lrelease_path()), "-silent", os.fspath(ts), "-qm",
                               os.fspath(partial)], capture_output=True, text=True,
                              timeout=LRELEASE_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OSError(f"could not run lrelease to compile {ts.name}: {exc}") from exc
    if done.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise OSError(f"lrelease could not compile {ts.name}: "
                      f"{(done.stderr or done.stdout).strip()}")
    os.replace(partial, qm)


def build_catalogs(sources: Path, target: Path) -> list[Path]:
    """Compile every ``.ts`` in ``sources`` into ``target`` (the build step); the ``.qm`` files."""
    built = []
    for ts in sorted(sources.glob(f"{PREFIX}*.ts")):
        qm = target / compiled_name(ts)
        compile_ts(ts, qm)
        built.append(qm)
    return built
