"""A fake ``Win32``: plain attributes a test (or the demo) sets; no ctypes."""

from __future__ import annotations

from dataclasses import dataclass, field

from workdiary.capture.windows.api import MonitorRect


@dataclass
class FakeWin32:
    foreground: int | None = 0x10010
    titles: dict[int, str | None] = field(default_factory=lambda: {0x10010: "notes.txt - Notepad"})
    pids: dict[int, int] = field(default_factory=lambda: {0x10010: 4242})
    images: dict[int, str | None] = field(
        default_factory=lambda: {4242: "C:\\Windows\\System32\\notepad.exe"})
    ticks: int = 1_000_000
    last_input: int | None = 1_000_000
    cursor: tuple[int, int] | None = (100, 100)
    monitors: list[MonitorRect] = field(
        default_factory=lambda: [MonitorRect(0, 0, 1920, 1080, primary=True)])
    dpi_awareness_free: bool = True
    dpi_calls: int = 0

    def foreground_window(self) -> int | None:
        return self.foreground

    def window_text(self, hwnd: int) -> str | None:
        return self.titles.get(hwnd)

    def window_process_id(self, hwnd: int) -> int | None:
        return self.pids.get(hwnd)

    def process_image_path(self, pid: int) -> str | None:
        return self.images.get(pid)

    def tick_count(self) -> int:
        return self.ticks % 2**32

    def last_input_tick(self) -> int | None:
        return None if self.last_input is None else self.last_input % 2**32

    def cursor_position(self) -> tuple[int, int] | None:
        return self.cursor

    def monitor_at(self, x: int, y: int) -> MonitorRect | None:
        """The containing monitor, else the nearest (by distance to its rectangle)."""
        if not self.monitors:
            return None

        def distance(m: MonitorRect) -> int:
            dx = max(m.left - x, 0, x - (m.left + m.width - 1))
            dy = max(m.top - y, 0, y - (m.top + m.height - 1))
            return dx * dx + dy * dy

        return min(self.monitors, key=distance)

    def set_per_monitor_dpi_awareness(self) -> bool:
        self.dpi_calls += 1
        free, self.dpi_awareness_free = self.dpi_awareness_free, False
        return free
