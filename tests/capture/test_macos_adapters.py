"""The macOS adapters and permission checklist over a fake of the pyobjc wrappers."""

from __future__ import annotations

import pytest

from workdiary.capture.base import ActiveWindow, CaptureError, DisplayUnavailable, InputCounts
from workdiary.capture.macos.adapters import (
    InputPermissionGate,
    MacIdleSource,
    MacPointer,
    MacWindowProbe,
    ScreenRecordingGate,
)
from workdiary.capture.macos.api import FrontmostApp
from workdiary.capture.macos.fake import FakeMacSystem
from workdiary.capture.macos.permissions import SETTINGS_URLS, MacPermissions
from workdiary.capture.permissions import NoPermissionsNeeded, PermissionState, missing_summary
from workdiary.core.model import CaptureMode
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber


def test_the_probe_reads_the_frontmost_app_and_its_title() -> None:
    system = FakeMacSystem(frontmost=FrontmostApp("Safari", 77), titles={77: "Docs"})
    assert MacWindowProbe(system).active_window() == ActiveWindow(app="Safari", title="Docs")


def test_a_title_hidden_by_macos_keeps_the_application() -> None:
    system = FakeMacSystem(frontmost=FrontmostApp("Safari", 77), titles={77: None})
    assert MacWindowProbe(system).active_window() == ActiveWindow(app="Safari", title="")
    assert MacWindowProbe(FakeMacSystem(frontmost=None)).active_window() is None


def test_idle_and_pointer_pass_through() -> None:
    system = FakeMacSystem(idle_seconds=42.5, pointer=(1500, 20))
    assert MacIdleSource(system).seconds_since_input() == 42.5
    assert MacPointer(system).position() == (1500, 20)


def test_without_screen_recording_no_picture_is_taken_and_the_reason_names_it() -> None:
    system, screen = FakeMacSystem(screen_capture=False), FakeScreenGrabber(64, 36)
    gate = ScreenRecordingGate(screen, system)
    with pytest.raises(CaptureError, match="Screen Recording permission is missing"):
        gate.grab(CaptureMode.ALL)
    assert screen.grabs == []  # the grabber was never asked: no picture of a bare desktop
    system.screen_capture = True
    assert gate.grab(CaptureMode.PRIMARY).size == (64, 36)


@pytest.mark.parametrize(
    ("accessibility", "monitoring", "named"),
    [(False, True, "Accessibility permission"), (True, False, "Input Monitoring permission"),
     (True, None, "Input Monitoring permission"),
     (False, False, "Accessibility and Input Monitoring permission")])
def test_without_input_permissions_the_counter_refuses_to_start(
    accessibility: bool, monitoring: bool | None, named: str,
) -> None:
    inner = FakeInputCounter()
    gate = InputPermissionGate(inner, FakeMacSystem(accessibility=accessibility,
                                                    input_monitoring=monitoring))
    with pytest.raises(DisplayUnavailable, match=named):
        gate.start()
    assert not inner.started
    inner.feed(InputCounts(keys=3))
    assert gate.take() == InputCounts()  # nothing leaks from a counter that did not start
    gate.stop()


def test_with_input_permissions_the_counter_counts() -> None:
    inner = FakeInputCounter()
    gate = InputPermissionGate(inner, FakeMacSystem())
    gate.start()
    inner.feed(InputCounts(keys=3))
    assert gate.take().keys == 3
    gate.stop()
    assert not inner.started


def test_the_checklist_names_each_permission_with_its_pane() -> None:
    system = FakeMacSystem(screen_capture=False, accessibility=True, input_monitoring=None)
    checklist = MacPermissions(system)
    items = {item.key: item for item in checklist.items()}
    assert [i.title for i in checklist.items()] == [
        "Screen Recording", "Accessibility", "Input Monitoring"]
    assert items["screen_recording"].state is PermissionState.MISSING
    assert items["accessibility"].granted
    assert items["input_monitoring"].state is PermissionState.NOT_ASKED
    assert items["screen_recording"].can_request and not items["accessibility"].can_request
    summary = missing_summary(checklist.items())
    assert summary is not None and "Screen Recording (screenshots" in summary
    assert "Input Monitoring" in summary and "Accessibility" not in summary

    assert checklist.open_settings("input_monitoring")
    assert system.opened == [SETTINGS_URLS["input_monitoring"]]
    assert system.opened[0].endswith("Privacy_ListenEvent")
    assert not checklist.open_settings("camera") and len(system.opened) == 1

    assert checklist.request("screen_recording") is False and system.requests == 1
    assert checklist.request("accessibility") is False and system.requests == 1


def test_a_fully_granted_mac_and_other_systems_have_nothing_missing() -> None:
    assert missing_summary(MacPermissions(FakeMacSystem()).items()) is None
    assert NoPermissionsNeeded().items() == [] and missing_summary([]) is None
