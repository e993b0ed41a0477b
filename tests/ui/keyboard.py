"""Helpers for the keyboard tests: walk a window with Tab, read what a screen reader reads."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget


def accessible_text(widget: QWidget, kind: QAccessible.Text) -> str:
    """What assistive technology reads for ``widget`` (Qt's accessibility interface)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return "" if interface is None else interface.text(kind).strip()


def name_of(widget: QWidget) -> str:
    return accessible_text(widget, QAccessible.Text.Name)


def description_of(widget: QWidget) -> str:
    return accessible_text(widget, QAccessible.Text.Description)


def focusable(window: QWidget) -> list[QWidget]:
    """The controls Tab should reach: shown, enabled, taking focus by Tab."""
    return [widget for widget in window.findChildren(QWidget)
            if widget.isVisibleTo(window) and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None]


def activate(window: QWidget, qtbot: Any) -> None:
    window.show()
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    if QApplication.focusWidget() is None:
        window.focusNextChild()


def tab_walk(window: QWidget, qtbot: Any, limit: int = 60) -> list[QWidget]:
    """Every widget that holds the focus while Tab is pressed, until it comes round again."""
    activate(window, qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    seen: list[QWidget] = []
    for _ in range(limit):
        widget = QApplication.focusWidget()
        if widget in seen:
            break
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return seen


def press(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    """A key press where the focus is, as a user's keyboard sends it."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)
