"""A fake ``MacSystem``: plain attributes a test (or the demo) sets; no pyobjc."""

from __future__ import annotations

from dataclasses import dataclass, field

from workdiary.capture.macos.api import FrontmostApp


@dataclass
class FakeMacSystem:
    frontmost: FrontmostApp | None = field(default_factory=lambda: FrontmostApp("TextEdit", 501))
    titles: dict[int, str | None] = field(default_factory=lambda: {501: "notes.txt"})
    idle_seconds: float | None = 0.0
    pointer: tuple[int, int] | None = (100, 100)
    screen_capture: bool = True
    accessibility: bool = True
    input_monitoring: bool | None = True
    opened: list[str] = field(default_factory=list)
    requests: int = 0

    def frontmost_app(self) -> FrontmostApp | None:
        return self.frontmost

    def front_window_title(self, pid: int) -> str | None:
        return self.titles.get(pid)

    def seconds_since_input(self) -> float | None:
        return self.idle_seconds

    def pointer_position(self) -> tuple[int, int] | None:
        return self.pointer

    def screen_capture_allowed(self) -> bool:
        return self.screen_capture

    def request_screen_capture(self) -> bool:
        self.requests += 1
        # As on macOS: the grant takes effect for this process only after a restart.
        return self.screen_capture

    def accessibility_trusted(self) -> bool:
        return self.accessibility

    def input_monitoring_allowed(self) -> bool | None:
        return self.input_monitoring

    def open_url(self, url: str) -> bool:
        self.opened.append(url)
        return True
