"""What the tracker needs from the outside world: a screen, an input counter, the active window.

Each has a real implementation (mss, pynput, X11) and a fake in the testing kit
(``workdiary.testing.capture_fakes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from workdiary.core.model import ActivitySource, CaptureMode

if TYPE_CHECKING:
    from PIL.Image import Image


class CaptureError(Exception):
    """A screen, input or window capture failed; the message is the reason recorded and shown."""


class DisplayUnavailable(CaptureError):
    """No display to capture from (no DISPLAY, Wayland without X, ...): says what to do."""


@dataclass(frozen=True, slots=True)
class InputCounts:
    """Input seen since the previous ``take``: counts only, never which key or where."""

    keys: int = 0
    clicks: int = 0
    scrolls: int = 0
    moves: int = 0  # coalesced
    active_seconds: int = 0  # distinct seconds with any input
    last_input_monotonic: float | None = None  # when the latest event arrived, if any
    # IDLE_MONITOR: no events are counted, active seconds come from idle notifications.
    source: ActivitySource = ActivitySource.COUNTS

    @property
    def has_input(self) -> bool:
        """Any input seen: events counted, or (idle monitor) seconds the desktop saw active."""
        if self.source is ActivitySource.IDLE_MONITOR:
            return self.active_seconds > 0
        return (self.keys + self.clicks + self.scrolls + self.moves) > 0


@dataclass(frozen=True, slots=True)
class EncodedScreenshot:
    jpeg: bytes
    thumbnail: bytes  # JPEG, about 240 px wide
    sha256: str  # of ``jpeg``
    thumb_sha256: str
    width: int
    height: int
    blurred: bool


@dataclass(frozen=True, slots=True)
class ActiveWindow:
    app: str
    title: str


@dataclass(frozen=True, slots=True)
class CaptureLimits:
    """What this session cannot record as the policy describes it (shown before clock-in)."""

    titles_unavailable: str | None = None  # why window titles cannot be recorded here
    activity_from_idle: bool = False  # active seconds from idle notifications, no counts
    screenshot_consent: bool = False  # the desktop asks once before the first screenshot


class ScreenGrabber(Protocol):
    def grab(self, mode: CaptureMode) -> Image:
        """The screen as an RGB image; raises CaptureError with the reason on failure."""
        ...

    def close(self) -> None: ...


class InputCounter(Protocol):
    def start(self) -> None:
        """Begin counting; raises DisplayUnavailable if input cannot be observed."""
        ...

    def stop(self) -> None: ...

    def take(self) -> InputCounts:
        """Counts since the previous take, and reset them. Thread-safe."""
        ...


class WindowProbe(Protocol):
    def active_window(self) -> ActiveWindow | None:
        """The focused application and its title, or None if unknown."""
        ...
