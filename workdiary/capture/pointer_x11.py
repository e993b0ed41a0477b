"""Where the mouse pointer is, on X11: picks the monitor for the ``active`` capture mode."""

from __future__ import annotations

from typing import Any

from workdiary.capture.x11_connection import X11Connection


class X11Pointer:
    """The pointer's root-window position, or None when the X server cannot tell."""

    def __init__(self, display_name: str | None = None) -> None:
        self._connection = X11Connection(display_name)

    def position(self) -> tuple[int, int] | None:
        """(x, y) in root-window (virtual desktop) pixels, or None if unknown."""
        return self._connection.query(_query_pointer)

    @property
    def last_error(self) -> str | None:
        return self._connection.last_error

    def close(self) -> None:
        self._connection.close()


def _query_pointer(display: Any) -> tuple[int, int] | None:
    reply = display.screen().root.query_pointer()
    # same_screen is false when the pointer is on another X screen (classic multi-screen):
    # its coordinates then mean nothing for this screen's monitors.
    if not reply.same_screen:
        return None
    return int(reply.root_x), int(reply.root_y)
