"""Builds the macOS capture implementations on the real ``QuartzSystem`` (one per process)."""

from __future__ import annotations

import functools

from workdiary.capture.base import InputCounter, ScreenGrabber, WindowProbe
from workdiary.capture.idle_source import CrossCheckedInputCounter
from workdiary.capture.macos.adapters import (
    InputPermissionGate,
    MacIdleSource,
    MacPointer,
    MacWindowProbe,
    ScreenRecordingGate,
)
from workdiary.capture.macos.api import MacSystem
from workdiary.capture.macos.permissions import MacPermissions


@functools.cache
def quartz() -> MacSystem:
    from workdiary.capture.macos.quartz import QuartzSystem

    return QuartzSystem()


def load() -> tuple[MacSystem | None, str | None]:
    """The real system layer, or None and why it could not load (the factories then hand out
    the ``unsupported`` stand-ins carrying that reason, instead of the app failing to start)."""
    try:
        return quartz(), None
    except (ImportError, OSError, AttributeError) as error:
        return None, (f"The macOS system layer could not load ({error}): screen, "
                      "input and window capture are off.")


def screen_grabber(system: MacSystem) -> ScreenGrabber:
    """mss (CoreGraphics) behind the Screen Recording check."""
    from workdiary.capture.screen_mss import MssScreenGrabber

    return ScreenRecordingGate(MssScreenGrabber(MacPointer(system)), system)


def input_counter(system: MacSystem) -> InputCounter:
    """pynput's event tap behind the Accessibility / Input Monitoring check, cross-checked
    against the system idle time (a permission withdrawn while running silences the tap)."""
    from workdiary.capture.input_pynput import PynputInputCounter

    return CrossCheckedInputCounter(
        InputPermissionGate(PynputInputCounter(), system), MacIdleSource(system))


def window_probe(system: MacSystem) -> WindowProbe:
    return MacWindowProbe(system)


def permission_checklist(system: MacSystem) -> MacPermissions:
    return MacPermissions(system)
