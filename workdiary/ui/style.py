"""The application's Qt stylesheet, shipped in workdiary/resources/qss."""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[1] / "resources" / "qss" / "workdiary.qss"


def load_stylesheet(path: Path = STYLESHEET) -> str:
    """The stylesheet text, or "" (Qt's own look) when the file is not installed."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
