"""The active application and window title on X11 (for the ``window_titles`` policy).

Reads ``_NET_ACTIVE_WINDOW`` (set by EWMH window managers); without a window manager, or when it
names no window, falls back to the X input focus. The window found may be an inner window of the
application, so the tree is walked up to the first window that carries ``WM_CLASS``.
"""

from __future__ import annotations

from typing import Any

from workdiary.capture.base import ActiveWindow
from workdiary.capture.x11_connection import X11Connection

MAX_TREE_DEPTH = 16  # toplevel wrappers are 1-3 levels up; this only bounds a broken tree


class X11WindowProbe:
    """Answers "which application and title has the focus?"; None when unknown, never raises."""

    def __init__(self, display_name: str | None = None) -> None:
        self._connection = X11Connection(display_name)

    def active_window(self) -> ActiveWindow | None:
        """The focused application (WM_CLASS class) and title, or None if unknown."""
        return self._connection.query(_active_window)

    @property
    def last_error(self) -> str | None:
        """Why the latest lookup gave None because of an X problem (None if it did not)."""
        return self._connection.last_error

    def close(self) -> None:
        self._connection.close()


def _active_window(display: Any) -> ActiveWindow | None:
    root = display.screen().root
    window = _net_active_window(display, root) or _input_focus(display, root)
    if window is None:
        return None
    for _ in range(MAX_TREE_DEPTH):
        wm_class = window.get_wm_class()
        if wm_class:
            app = wm_class[1] or wm_class[0]
            return ActiveWindow(app=app, title=_title(display, window) or "")
        parent = window.query_tree().parent
        if not parent or parent.id == root.id:
            return None
        window = parent
    return None


def _net_active_window(display: Any, root: Any) -> Any | None:
    atom = display.intern_atom("_NET_ACTIVE_WINDOW", only_if_exists=True)
    if not atom:
        return None
    from Xlib import X

    prop = root.get_full_property(atom, X.AnyPropertyType)
    if prop is None or not len(prop.value) or not prop.value[0]:
        return None
    return display.create_resource_object("window", int(prop.value[0]))


def _input_focus(display: Any, root: Any) -> Any | None:
    focus = display.get_input_focus().focus
    # The focus may be None (X.NONE), PointerRoot (an int) or the root itself: no application.
    if not hasattr(focus, "id") or focus.id == root.id:
        return None
    return focus


def _title(display: Any, window: Any) -> str | None:
    utf8 = display.intern_atom("UTF8_STRING")
    net_name = window.get_full_property(display.intern_atom("_NET_WM_NAME"), utf8)
    if net_name is not None and net_name.value:
        value = net_name.value
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    name = window.get_wm_name()
    if isinstance(name, bytes):
        return name.decode("latin-1")
    return name or None
