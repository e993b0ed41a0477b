"""The Windows adapters over a fake of the Win32 wrappers (the ctypes layer needs Windows)."""

from __future__ import annotations

import sys

import pytest

from workdiary.capture.base import ActiveWindow
from workdiary.capture.screen_mss import choose_monitor
from workdiary.capture.windows import factory
from workdiary.capture.windows.adapters import (
    WindowsIdleSource,
    WindowsPointer,
    WindowsWindowProbe,
)
from workdiary.capture.windows.api import MonitorRect
from workdiary.capture.windows.fake import FakeWin32
from workdiary.core.model import CaptureMode


def test_the_probe_names_the_executable_and_the_title() -> None:
    api = FakeWin32()
    api.images[4242] = "C:\\Program Files\\Mozilla Firefox\\firefox.EXE"
    api.titles[0x10010] = "Pull request #12 — Mozilla Firefox"
    assert WindowsWindowProbe(api).active_window() == ActiveWindow(
        app="firefox", title="Pull request #12 — Mozilla Firefox")


def test_an_unreadable_title_keeps_the_application() -> None:
    api = FakeWin32()
    api.titles[0x10010] = None  # GetWindowTextW failed (hung window, another desktop)
    assert WindowsWindowProbe(api).active_window() == ActiveWindow(app="notepad", title="")


def test_an_elevated_process_is_named_by_its_title_alone() -> None:
    api = FakeWin32()
    api.images[4242] = None  # OpenProcess refused: the window runs as administrator
    api.titles[0x10010] = "Administrator: Windows PowerShell"
    assert WindowsWindowProbe(api).active_window() == ActiveWindow(
        app="", title="Administrator: Windows PowerShell")


def test_no_foreground_window_or_nothing_readable_is_unknown() -> None:
    assert WindowsWindowProbe(FakeWin32(foreground=None)).active_window() is None
    api = FakeWin32()
    api.titles[0x10010], api.images[4242] = None, None
    assert WindowsWindowProbe(api).active_window() is None
    api = FakeWin32()
    del api.pids[0x10010]  # the window closed between the two calls
    api.titles[0x10010] = ""
    assert WindowsWindowProbe(api).active_window() is None


def test_idle_seconds_come_from_the_last_input_tick() -> None:
    api = FakeWin32(ticks=5_000_000, last_input=4_987_500)
    assert WindowsIdleSource(api).seconds_since_input() == pytest.approx(12.5)
    api.last_input = None  # GetLastInputInfo failed
    assert WindowsIdleSource(api).seconds_since_input() is None


def test_idle_seconds_survive_the_49_day_tick_wrap() -> None:
    # Input 3 s before GetTickCount wrapped, read 2 s after: 5 s, not 49.7 days or negative.
    api = FakeWin32(ticks=2**32 + 2000, last_input=2**32 - 3000)
    assert WindowsIdleSource(api).seconds_since_input() == pytest.approx(5.0)


def test_the_pointer_is_kept_inside_its_monitor() -> None:
    left = MonitorRect(0, 0, 1920, 1080, primary=True)
    right = MonitorRect(1920, 0, 2560, 1440, primary=False)
    api = FakeWin32(monitors=[left, right], cursor=(2000, 700))
    assert WindowsPointer(api).position() == (2000, 700)
    api.cursor = (1000, 1300)  # below the shorter left monitor, which is the nearest
    assert WindowsPointer(api).position() == (1000, 1079)
    api.cursor = None  # GetCursorPos refused on the secure desktop
    assert WindowsPointer(api).position() is None


def test_the_pointer_picks_the_monitor_that_mss_grabs() -> None:
    monitors = [
        {"left": 0, "top": 0, "width": 4480, "height": 1440},
        {"left": 0, "top": 0, "width": 1920, "height": 1080, "is_primary": True},
        {"left": 1920, "top": 0, "width": 2560, "height": 1440},
    ]
    api = FakeWin32(cursor=(4480, 900), monitors=[
        MonitorRect(0, 0, 1920, 1080, True), MonitorRect(1920, 0, 2560, 1440, False)])
    region, note = choose_monitor(monitors, CaptureMode.ACTIVE, WindowsPointer(api).position())
    assert region is monitors[2] and note is None


def test_the_screen_grabber_asks_for_per_monitor_dpi_awareness_first() -> None:
    api = FakeWin32()
    factory.screen_grabber(api)
    factory.screen_grabber(api)  # refused the second time: harmless
    assert api.dpi_calls == 2


@pytest.mark.skipif(sys.platform == "win32", reason="checks the behaviour off Windows")
def test_the_ctypes_layer_is_windows_only() -> None:
    with pytest.raises((AttributeError, OSError, ImportError)):
        from workdiary.capture.windows.win32 import Win32Api

        Win32Api()
