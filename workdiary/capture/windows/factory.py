"""Builds the Windows capture implementations on the real ``Win32Api`` (one per process)."""

from __future__ import annotations

import functools

from workdiary.capture.base import InputCounter, ScreenGrabber, WindowProbe
from workdiary.capture.idle_source import CrossCheckedInputCounter
from workdiary.capture.windows.adapters import (
    WindowsIdleSource,
    WindowsPointer,
    WindowsWindowProbe,
)
from workdiary.capture.windows.api import Win32


@functools.cache
def win32() -> Win32:
    from workdiary.capture.windows.win32 import Win32Api

    return Win32Api()


def load() -> tuple[Win32 | None, str | None]:
    """The real system layer, or None and why it could not load (the factories then hand out
    the ``unsupported`` stand-ins carrying that reason, instead of the app failing to start)."""
    try:
        return win32(), None
    except (ImportError, OSError, AttributeError) as error:
        return None, (f"The Windows system layer could not load ({error}): screen, "
                      "input and window capture are off.")


def screen_grabber(api: Win32) -> ScreenGrabber:
    """mss with the pointer from ``GetCursorPos``, in physical pixels.

    Per-monitor DPI awareness v2 is asked for first, so mss's monitor rectangles, the pointer
    and Qt's windows all speak physical pixels on mixed-DPI setups. If something set the
    awareness already (Qt does at start, mss sets v1 otherwise) the call is refused, harmlessly.
    """
    from workdiary.capture.screen_mss import MssScreenGrabber

    api.set_per_monitor_dpi_awareness()
    return MssScreenGrabber(WindowsPointer(api))


def input_counter(api: Win32) -> InputCounter:
    """pynput's low-level hooks, cross-checked against ``GetLastInputInfo``: the hooks miss
    input into windows running as administrator, the system's idle time does not."""
    from workdiary.capture.input_pynput import PynputInputCounter

    return CrossCheckedInputCounter(PynputInputCounter(), WindowsIdleSource(api))


def window_probe(api: Win32) -> WindowProbe:
    return WindowsWindowProbe(api)
