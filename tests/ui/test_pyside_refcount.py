"""Guards the PySide6 pin in pyproject.toml: 6.12.0 under CPython 3.11 drops a reference to
None on every void method call, so a tray app running for hours dies with "Fatal Python
error: none_dealloc" (found by this suite crashing at exit)."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton


def test_void_qt_calls_keep_none_alive(qtbot: Any) -> None:
    label, button = QLabel(), QPushButton()
    qtbot.addWidget(label)
    qtbot.addWidget(button)
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("x")
        button.setEnabled(True)
    assert sys.getrefcount(None) - before > -50, (
        "this PySide6 build loses a reference to None per call: use the pinned version")
