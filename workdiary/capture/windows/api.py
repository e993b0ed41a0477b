"""What the Windows adapters need from Win32: a typed surface with a real (``win32``) and a fake
(``fake``) implementation. No ctypes here, so it imports on every system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class MonitorRect:
    """A monitor in virtual-screen pixels (``GetMonitorInfoW``'s ``rcMonitor``)."""

    left: int
    top: int
    width: int
    height: int
    primary: bool

    def contains(self, x: int, y: int) -> bool:
        return self.left <= x < self.left + self.width and self.top <= y < self.top + self.height


class Win32(Protocol):
    def foreground_window(self) -> int | None:
        """``GetForegroundWindow``: the focused top-level window, None when none has focus."""
        ...

    def window_text(self, hwnd: int) -> str | None:
        """``GetWindowTextW``: the title ("" if it has none), None if it cannot be read."""
        ...

    def window_process_id(self, hwnd: int) -> int | None:
        """``GetWindowThreadProcessId``: the owning process, None if the window is gone."""
        ...

    def process_image_path(self, pid: int) -> str | None:
        """``QueryFullProcessImageNameW``: the executable's path, None if access is denied
        (an elevated or protected process) or the process has ended."""
        ...

    def tick_count(self) -> int:
        """``GetTickCount``: milliseconds since boot, wrapping at 2**32 (about 49.7 days)."""
        ...

    def last_input_tick(self) -> int | None:
        """``GetLastInputInfo``: the tick of the session's latest input, None on failure."""
        ...

    def cursor_position(self) -> tuple[int, int] | None:
        """``GetCursorPos``: None when denied (secure desktop, locked screen)."""
        ...

    def monitor_at(self, x: int, y: int) -> MonitorRect | None:
        """``MonitorFromPoint`` (nearest) + ``GetMonitorInfoW``; None on failure."""
        ...

    def set_per_monitor_dpi_awareness(self) -> bool:
        """``SetProcessDpiAwarenessContext(PER_MONITOR_AWARE_V2)``; False when refused (the
        awareness was already set, e.g. by Qt, or Windows is older than 10 1703)."""
        ...
