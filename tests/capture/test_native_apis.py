"""The real system wrappers, on the system they wrap (CI's windows-latest and macos-latest
runners; skipped elsewhere). Runners have no user at the keyboard, so these check that every
call goes through with the declared types and gives a sane answer, not what is on screen."""

from __future__ import annotations

import sys

import pytest


@pytest.mark.skipif(sys.platform != "win32", reason="needs Windows")
def test_the_win32_wrappers_answer() -> None:
    from workdiary.capture.windows.adapters import WindowsIdleSource, WindowsWindowProbe
    from workdiary.capture.windows.win32 import Win32Api

    api = Win32Api()
    assert isinstance(api.set_per_monitor_dpi_awareness(), bool)
    assert 0 <= api.tick_count() < 2**32
    idle = WindowsIdleSource(api).seconds_since_input()
    assert idle is not None and 0 <= idle < 2**32 / 1000
    monitor = api.monitor_at(0, 0)
    assert monitor is not None and monitor.width > 0 and monitor.height > 0
    point = api.cursor_position()
    assert point is None or len(point) == 2
    hwnd = api.foreground_window()
    if hwnd is not None:  # a service session may have no foreground window
        assert api.window_text(hwnd) is not None or api.window_process_id(hwnd) is not None
    WindowsWindowProbe(api).active_window()  # must not raise
    assert api.process_image_path(0) is None  # the idle process: refused, not a crash


@pytest.mark.skipif(sys.platform != "darwin", reason="needs macOS")
def test_the_quartz_wrappers_answer() -> None:
    from workdiary.capture.macos.adapters import MacWindowProbe
    from workdiary.capture.macos.permissions import MacPermissions
    from workdiary.capture.macos.quartz import QuartzSystem

    system = QuartzSystem()
    idle = system.seconds_since_input()
    assert idle is not None and idle >= 0
    assert isinstance(system.screen_capture_allowed(), bool)
    assert isinstance(system.accessibility_trusted(), bool)
    assert system.input_monitoring_allowed() in (True, False, None)
    point = system.pointer_position()
    assert point is None or len(point) == 2
    MacWindowProbe(system).active_window()  # must not raise
    assert [item.key for item in MacPermissions(system).items()] == [
        "screen_recording", "accessibility", "input_monitoring"]
