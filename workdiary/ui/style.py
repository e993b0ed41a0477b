"""The application's Qt stylesheet, shipped in resources/qss (see workdiary.resource_files)."""

from __future__ import annotations

from pathlib import Path

from workdiary.resource_files import ResourcesMissing, resource_path


def stylesheet_path() -> Path | None:
    """Where the stylesheet is, or None when the resources are not installed."""
    try:
        return resource_path("qss", "workdiary.qss")
    except ResourcesMissing:
        return None


def load_stylesheet(path: Path | None = None) -> str:
    """The stylesheet text, or "" (Qt's own look) when the file is not installed."""
    path = path or stylesheet_path()
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
