"""Stand-ins for a platform or session where capture cannot work: they say why, loudly.

They satisfy the capture interfaces, so the app still starts (and records failed captures with
their reason) instead of crashing or silently recording nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workdiary.capture.base import ActiveWindow, DisplayUnavailable, InputCounts
from workdiary.core.model import CaptureMode

if TYPE_CHECKING:
    from PIL.Image import Image


class UnsupportedScreenGrabber:
    """Every grab raises DisplayUnavailable with ``reason``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def grab(self, mode: CaptureMode) -> Image:
        raise DisplayUnavailable(self.reason)

    def close(self) -> None:
        pass


class UnsupportedInputCounter:
    """``start`` raises DisplayUnavailable with ``reason``; ``take`` has nothing to report."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def start(self) -> None:
        raise DisplayUnavailable(self.reason)

    def stop(self) -> None:
        pass

    def take(self) -> InputCounts:
        return InputCounts()


class UnsupportedWindowProbe:
    """The active window is always unknown here; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def active_window(self) -> ActiveWindow | None:
        return None
