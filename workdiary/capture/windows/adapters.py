"""The capture interfaces on Windows, built on the typed ``Win32`` surface (real or fake)."""

from __future__ import annotations

import ntpath

from workdiary.capture.base import ActiveWindow
from workdiary.capture.windows.api import Win32

TICK_WRAP = 2**32  # GetTickCount is a 32-bit millisecond counter


class WindowsWindowProbe:
    """The foreground window's application (its executable's name) and title.

    A title that cannot be read is recorded as "" with the application still named; an
    elevated or protected process, whose image name is refused, is named by its title alone.
    """

    def __init__(self, api: Win32) -> None:
        self._api = api

    def active_window(self) -> ActiveWindow | None:
        hwnd = self._api.foreground_window()
        if hwnd is None:
            return None  # the desktop, a lock screen or a UAC prompt has the focus
        title = self._api.window_text(hwnd) or ""
        pid = self._api.window_process_id(hwnd)
        path = self._api.process_image_path(pid) if pid is not None else None
        app = _app_name(path) if path else ""
        if not app and not title:
            return None
        return ActiveWindow(app=app, title=title)


def _app_name(path: str) -> str:
    """``C:\\Program Files\\Mozilla Firefox\\firefox.exe`` -> ``firefox``."""
    name = ntpath.basename(path)
    stem, extension = ntpath.splitext(name)
    return stem if extension.lower() == ".exe" else name


class WindowsIdleSource:
    """Seconds since the session's latest input (``GetLastInputInfo``), wrap-safe."""

    def __init__(self, api: Win32) -> None:
        self._api = api

    def seconds_since_input(self) -> float | None:
        last = self._api.last_input_tick()
        if last is None:
            return None
        # Both are 32-bit tick values: modular subtraction stays right across the wrap.
        return ((self._api.tick_count() - last) % TICK_WRAP) / 1000.0


class WindowsPointer:
    """The pointer for the ``active`` capture mode, kept inside the monitor Windows says it is
    on: at a monitor's far edge (or between monitors of different heights) ``GetCursorPos``
    can give a point no monitor contains, and the screen grabber would fall back to primary."""

    def __init__(self, api: Win32) -> None:
        self._api = api

    def position(self) -> tuple[int, int] | None:
        point = self._api.cursor_position()
        if point is None:
            return None
        monitor = self._api.monitor_at(*point)
        if monitor is None or monitor.contains(*point):
            return point
        x = min(max(point[0], monitor.left), monitor.left + monitor.width - 1)
        y = min(max(point[1], monitor.top), monitor.top + monitor.height - 1)
        return x, y
