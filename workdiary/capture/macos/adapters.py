"""The capture interfaces on macOS, built on the typed ``MacSystem`` surface (real or fake).

Screen Recording and the input permissions are checked before every use: without them macOS
hands out a picture of the bare desktop and an event tap that hears nothing, which would look
like evidence. Here they become a failed capture and an input counter that refuses to start,
each naming the permission.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workdiary.capture.base import (
    ActiveWindow,
    CaptureError,
    DisplayUnavailable,
    InputCounter,
    InputCounts,
    ScreenGrabber,
)
from workdiary.capture.macos.api import MacSystem
from workdiary.capture.macos.permissions import (
    input_refusal,
    missing_input_permissions,
    screen_recording_refusal,
)
from workdiary.core.model import CaptureMode

if TYPE_CHECKING:
    from PIL.Image import Image


class MacWindowProbe:
    """The frontmost application and its window title; the title is "" when macOS hides it."""

    def __init__(self, system: MacSystem) -> None:
        self._system = system

    def active_window(self) -> ActiveWindow | None:
        app = self._system.frontmost_app()
        if app is None:
            return None
        return ActiveWindow(app=app.name, title=self._system.front_window_title(app.pid) or "")


class MacIdleSource:
    def __init__(self, system: MacSystem) -> None:
        self._system = system

    def seconds_since_input(self) -> float | None:
        return self._system.seconds_since_input()


class MacPointer:
    def __init__(self, system: MacSystem) -> None:
        self._system = system

    def position(self) -> tuple[int, int] | None:
        return self._system.pointer_position()


class ScreenRecordingGate:
    """A screen grabber that grabs only while Screen Recording is granted."""

    def __init__(self, inner: ScreenGrabber, system: MacSystem) -> None:
        self._inner = inner
        self._system = system

    def grab(self, mode: CaptureMode) -> Image:
        if not self._system.screen_capture_allowed():
            raise CaptureError(screen_recording_refusal())
        return self._inner.grab(mode)

    def close(self) -> None:
        self._inner.close()


class InputPermissionGate:
    """An input counter that refuses to start while Accessibility or Input Monitoring is
    missing (``DisplayUnavailable`` naming them), instead of counting zero in silence."""

    def __init__(self, inner: InputCounter, system: MacSystem) -> None:
        self._inner = inner
        self._system = system
        self._started = False

    def start(self) -> None:
        missing = missing_input_permissions(self._system)
        if missing:
            raise DisplayUnavailable(input_refusal(missing))
        self._inner.start()
        self._started = True

    def stop(self) -> None:
        if self._started:
            self._inner.stop()
            self._started = False

    def take(self) -> InputCounts:
        return self._inner.take() if self._started else InputCounts()
