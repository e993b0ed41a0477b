"""Platform choice: clear reasons when capture cannot work, and stand-ins that report them."""

from __future__ import annotations

import pytest

from workdiary.capture import platform as capture_platform
from workdiary.capture.base import CaptureError, DisplayUnavailable, InputCounts
from workdiary.capture.platform import (
    display_caveat,
    display_problem,
    make_input_counter,
    make_permission_checklist,
    make_screen_grabber,
    make_window_probe,
)
from workdiary.capture.unsupported import (
    UnsupportedInputCounter,
    UnsupportedScreenGrabber,
    UnsupportedWindowProbe,
)
from workdiary.core.model import CaptureMode


def test_x11_session_has_no_problem() -> None:
    assert display_problem({"DISPLAY": ":0"}, "Linux") is None


def test_xwayland_session_has_no_problem() -> None:
    env = {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}
    assert display_problem(env, "Linux") is None


def test_xwayland_session_carries_a_caveat_and_x11_does_not() -> None:
    caveat = display_caveat({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"})
    assert caveat is not None and "only X11 applications" in caveat
    assert display_caveat({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}) is None
    assert display_caveat({"WAYLAND_DISPLAY": "wayland-0"}) is None  # that is a problem instead


def test_no_display_says_so() -> None:
    problem = display_problem({}, "Linux")
    assert problem is not None
    assert "DISPLAY is not set" in problem and "X11" in problem


def test_native_wayland_has_no_problem_and_no_caveat() -> None:
    env = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}
    assert display_problem(env, "Linux") is None
    assert display_caveat(env) is None


def test_wayland_without_its_socket_says_where_to_start() -> None:
    problem = display_problem({"XDG_SESSION_TYPE": "wayland"}, "Linux")
    assert problem is not None
    assert "WAYLAND_DISPLAY is not set" in problem


@pytest.mark.parametrize("system", ["Darwin", "Windows"])
def test_windows_and_macos_have_no_display_problem(system: str) -> None:
    assert display_problem({}, system) is None


def test_other_systems_are_named_as_unsupported() -> None:
    problem = display_problem({"DISPLAY": ":0"}, "FreeBSD")
    assert problem is not None
    assert "not supported on FreeBSD" in problem and "Windows and macOS" in problem


def test_display_problem_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "tty")
    assert "DISPLAY is not set" in (display_problem() or "")
    monkeypatch.setenv("DISPLAY", ":99")
    assert display_problem() is None


def test_factories_without_display_return_stand_ins_that_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "tty")
    grabber, counter, probe = make_screen_grabber(), make_input_counter(), make_window_probe()
    assert isinstance(grabber, UnsupportedScreenGrabber)
    assert isinstance(counter, UnsupportedInputCounter)
    assert isinstance(probe, UnsupportedWindowProbe)
    with pytest.raises(DisplayUnavailable, match="DISPLAY is not set"):
        grabber.grab(CaptureMode.ALL)
    with pytest.raises(DisplayUnavailable, match="DISPLAY is not set"):
        counter.start()
    assert counter.take() == InputCounts()
    assert probe.active_window() is None
    assert "DISPLAY is not set" in probe.reason


def test_factories_on_native_wayland_return_the_wayland_backends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workdiary.capture.wayland import session
    from workdiary.capture.wayland.idle_swayidle import SwayidleActivity
    from workdiary.capture.wayland.screencopy import ScreencopyGrabber
    from workdiary.capture.wayland.sway_ipc import SwayWindowProbe

    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-1")
    monkeypatch.setenv("SWAYSOCK", "/nonexistent/sway.sock")  # nothing is contacted yet
    probes = session.Probes(portal_problem=lambda: "no portal in this test",
                            which=lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(capture_platform, "_wayland_backends",
                        lambda: session.wayland_backends(probes=probes))
    assert isinstance(make_screen_grabber(), ScreencopyGrabber)
    assert isinstance(make_input_counter(), SwayidleActivity)
    assert isinstance(make_window_probe(), SwayWindowProbe)
    report = capture_platform.session_report()
    assert report[0].startswith("display server: wayland")
    assert any(line.startswith("screenshots: screencopy (no usable screenshot portal")
               for line in report)


def test_factories_with_display_return_the_x11_implementations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workdiary.capture.input_pynput import PynputInputCounter
    from workdiary.capture.screen_mss import MssScreenGrabber
    from workdiary.capture.window_x11 import X11WindowProbe

    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Linux")
    monkeypatch.setenv("DISPLAY", ":4077")  # nothing is contacted until first use
    assert isinstance(make_screen_grabber(), MssScreenGrabber)
    assert isinstance(make_input_counter(), PynputInputCounter)
    assert isinstance(make_window_probe(), X11WindowProbe)
    assert capture_platform.session_report()[:2] == [
        "display server: x11 (DISPLAY is set)", "screenshots: mss (X11)"]


def test_windows_factories_build_the_windows_adapters(monkeypatch: pytest.MonkeyPatch) -> None:
    from workdiary.capture.idle_source import CrossCheckedInputCounter
    from workdiary.capture.screen_mss import MssScreenGrabber
    from workdiary.capture.windows import factory
    from workdiary.capture.windows.adapters import WindowsWindowProbe
    from workdiary.capture.windows.fake import FakeWin32

    api = FakeWin32()
    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Windows")
    monkeypatch.setattr(factory, "win32", lambda: api)  # load() goes through it
    assert isinstance(make_screen_grabber(), MssScreenGrabber) and api.dpi_calls == 1
    assert isinstance(make_input_counter(), CrossCheckedInputCounter)
    assert isinstance(make_window_probe(), WindowsWindowProbe)
    assert make_permission_checklist().items() == []


def test_macos_factories_gate_capture_on_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    from workdiary.capture.macos import factory
    from workdiary.capture.macos.adapters import MacWindowProbe
    from workdiary.capture.macos.fake import FakeMacSystem

    system = FakeMacSystem(screen_capture=False, accessibility=False)
    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Darwin")
    monkeypatch.setattr(factory, "quartz", lambda: system)
    with pytest.raises(CaptureError, match="Screen Recording permission"):
        make_screen_grabber().grab(CaptureMode.ALL)
    with pytest.raises(DisplayUnavailable, match="Accessibility permission"):
        make_input_counter().start()
    assert isinstance(make_window_probe(), MacWindowProbe)
    keys = [item.key for item in make_permission_checklist().items() if not item.granted]
    assert keys == ["screen_recording", "accessibility"]


@pytest.mark.parametrize("system", ["Windows", "Darwin"])
def test_a_system_layer_that_cannot_load_gives_stand_ins_that_say_why(
    monkeypatch: pytest.MonkeyPatch, system: str,
) -> None:
    from workdiary.capture.macos import factory as macos
    from workdiary.capture.windows import factory as windows

    def broken() -> None:
        raise ImportError("No module named 'Quartz'")

    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: system)
    monkeypatch.setattr(windows, "win32", broken)
    monkeypatch.setattr(macos, "quartz", broken)
    grabber, counter, probe = make_screen_grabber(), make_input_counter(), make_window_probe()
    assert isinstance(grabber, UnsupportedScreenGrabber)
    assert isinstance(counter, UnsupportedInputCounter)
    assert isinstance(probe, UnsupportedWindowProbe) and probe.active_window() is None
    with pytest.raises(DisplayUnavailable, match=r"system layer could not load .*Quartz"):
        grabber.grab(CaptureMode.ALL)
    with pytest.raises(DisplayUnavailable, match="capture are off"):
        counter.start()
    assert make_permission_checklist().items() == []
