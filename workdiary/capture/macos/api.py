"""What the macOS adapters need from the system: a typed surface with a real (``quartz``) and
a fake (``fake``) implementation. No pyobjc here, so it imports on every system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class FrontmostApp:
    name: str  # NSRunningApplication.localizedName
    pid: int


class MacSystem(Protocol):
    def frontmost_app(self) -> FrontmostApp | None:
        """``NSWorkspace.frontmostApplication``; None when nothing is frontmost."""
        ...

    def front_window_title(self, pid: int) -> str | None:
        """The title of ``pid``'s frontmost normal window (``CGWindowListCopyWindowInfo``),
        None when it cannot be read: macOS hides other apps' titles without Screen Recording."""
        ...

    def seconds_since_input(self) -> float | None:
        """``CGEventSourceSecondsSinceLastEventType`` over every input event type."""
        ...

    def pointer_position(self) -> tuple[int, int] | None:
        """The pointer in global display points (top-left origin, as mss's monitors)."""
        ...

    def screen_capture_allowed(self) -> bool:
        """``CGPreflightScreenCaptureAccess``: Screen Recording is granted to this app."""
        ...

    def request_screen_capture(self) -> bool:
        """``CGRequestScreenCaptureAccess``: asks once (macOS shows its prompt the first time)."""
        ...

    def accessibility_trusted(self) -> bool:
        """``AXIsProcessTrusted``: Accessibility is granted (pynput's event tap needs it)."""
        ...

    def input_monitoring_allowed(self) -> bool | None:
        """``IOHIDCheckAccess(ListenEvent)``: True granted, False denied, None not asked yet."""
        ...

    def open_url(self, url: str) -> bool:
        """``NSWorkspace.openURL``: opens a System Settings pane URL; False if refused."""
        ...
