"""Screenshots of native Wayland windows on headless sway: through the portal and through
wlr-screencopy, two outputs, every capture mode; the portal's refusal; sway window titles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workdiary.capture.encode import encode_screenshot
from workdiary.capture.wayland.portal import PortalRefused, PortalScreenGrabber
from workdiary.capture.wayland.screencopy import ScreencopyGrabber
from workdiary.capture.wayland.sway_ipc import SwayOutputs, SwayWindowProbe
from workdiary.core.clock import FakeClock
from workdiary.core.model import CaptureMode, Policy
from workdiary.store import LocalStore
from workdiary.tracker.capture_job import take_screenshot
from workdiary.tracker.events import ScreenshotFailed

from .compositors import WaylandSession, grab_as_user

pytestmark = pytest.mark.wayland

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 200, 40), (30, 60, 220), (240, 220, 20)
# A point in each quadrant of each output, in desktop coordinates, and its colour.
DESKTOP_POINTS = {(20, 20): RED, (780, 20): GREEN, (20, 580): BLUE, (780, 580): YELLOW,
                  (820, 20): RED, (1420, 20): GREEN, (820, 460): BLUE, (1420, 460): YELLOW}
FIRST_POINTS = {(20, 20): RED, (780, 20): GREEN, (20, 580): BLUE, (780, 580): YELLOW}
SECOND_POINTS = {(20, 20): RED, (620, 20): GREEN, (20, 460): BLUE, (620, 460): YELLOW}
EXPECTED = {"all": ((1440, 600), DESKTOP_POINTS), "primary": ((800, 600), FIRST_POINTS),
            "active": ((640, 480), SECOND_POINTS)}


def _close(actual: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - e) <= 3 for a, e in zip(actual[:3], expected, strict=True))


@pytest.mark.parametrize("mode", ["all", "primary", "active"])
def test_screencopy_captures_each_mode(sway: WaylandSession, mode: str) -> None:
    grabber = ScreencopyGrabber(SwayOutputs(sway.env["SWAYSOCK"]), env=sway.client_env())
    image = grabber.grab(CaptureMode(mode))
    size, points = EXPECTED[mode]
    assert image.size == size
    for point, colour in points.items():
        assert _close(image.getpixel(point), colour), (mode, point, image.getpixel(point))


def test_the_portal_captures_each_mode_and_leaves_no_file(sway: WaylandSession) -> None:
    points = sorted({*DESKTOP_POINTS, *FIRST_POINTS, *SECOND_POINTS})
    results = grab_as_user(sway, ["all", "primary", "active", "all"], points)
    *grabs, disk = results
    assert disk == {"left_on_disk": False}
    assert [g.get("error") for g in grabs] == [None] * 4
    for grab in grabs:
        size, expected = EXPECTED[str(grab["mode"])]
        assert tuple(grab["size"]) == size  # type: ignore[arg-type]
        seen = {(p[0], p[1]): tuple(p[2:]) for p in grab["pixels"]}  # type: ignore[attr-defined]
        for point, colour in expected.items():
            assert _close(seen[point], colour), (grab["mode"], point, seen[point])


def test_a_refused_portal_call_is_a_failed_capture_with_the_portals_reason(
    sway: WaylandSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """This test runs as root, a caller the portal (running as nobody) cannot identify: the
    real xdg-desktop-portal refuses with AccessDenied, as it does any caller it cannot place."""
    for key, value in sway.client_env().items():
        monkeypatch.setenv(key, value)
    grabber = PortalScreenGrabber(SwayOutputs(sway.env["SWAYSOCK"]), timeout=30)
    with pytest.raises(PortalRefused, match="AccessDenied"):
        grabber.grab(CaptureMode.ALL)
    start = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    store = LocalStore(tmp_path / "workdiary.sqlite3", clock=FakeClock(start))
    store.start_segment("s1", "c-1", start, start + timedelta(minutes=10))
    event = take_screenshot(store=store, screen=grabber, encode=encode_screenshot,
                            window_probe=None, policy=Policy(), segment_id="s1",
                            taken_at=start + timedelta(minutes=1))
    grabber.close()
    assert isinstance(event, ScreenshotFailed)
    assert event.shot.failed and event.shot.sha256 is None  # no image at all, never black
    assert event.shot.error is not None and "screenshot portal refused" in event.shot.error
    store.close()


def test_sway_reports_the_focused_native_window(sway: WaylandSession) -> None:
    window = SwayWindowProbe(sway.env["SWAYSOCK"]).active_window()
    assert window is not None
    assert (window.app, window.title) == ("workdiary-colour-test", "workdiary colour quadrants")


def test_the_session_grabber_on_sway_falls_back_to_screencopy_when_the_portal_fails(
    sway: WaylandSession, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As root, the real portal refuses this process (see above); on sway, where the portal
    never asks the user, that is a broken portal, and wlr-screencopy takes the screenshot."""
    from workdiary.capture import platform
    from workdiary.capture.wayland.fallback import PortalThenScreencopy

    for key, value in sway.client_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("DISPLAY", raising=False)
    report = platform.session_report()
    assert "screenshots: portal (" in "\n".join(report)
    grabber = platform.make_screen_grabber()
    assert isinstance(grabber, PortalThenScreencopy)
    try:
        image = grabber.grab(CaptureMode.ACTIVE)
    finally:
        grabber.close()
    assert grabber.portal_failure is not None and "AccessDenied" in grabber.portal_failure
    assert image.size == (640, 480) and _close(image.getpixel((20, 20)), RED)
