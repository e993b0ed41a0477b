"""The capture fakes of the testing kit behave like the interfaces promise."""

from __future__ import annotations

import pytest

from workdiary.capture.base import ActiveWindow, CaptureError, InputCounts
from workdiary.capture.encode import encode_screenshot
from workdiary.core.model import CaptureMode
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber, FakeWindowProbe


def test_fake_screen_draws_a_picture_that_encodes() -> None:
    grabber = FakeScreenGrabber(320, 200)
    first = grabber.grab(CaptureMode.ACTIVE)
    second = grabber.grab(CaptureMode.ALL)
    assert first.size == (320, 200)
    assert grabber.grabs == [CaptureMode.ACTIVE, CaptureMode.ALL]
    assert first.tobytes() != second.tobytes()
    assert encode_screenshot(first, blur=False).width == 320


def test_fake_screen_failure_carries_the_reason() -> None:
    grabber = FakeScreenGrabber(fail_with="Wayland without a portal")
    with pytest.raises(CaptureError, match="Wayland without a portal"):
        grabber.grab(CaptureMode.PRIMARY)


def test_fake_input_hands_out_fed_counts_in_order() -> None:
    counter = FakeInputCounter()
    counter.start()
    counter.feed(InputCounts(keys=3))
    counter.feed(InputCounts(clicks=1))
    assert counter.take().keys == 3
    assert counter.take().clicks == 1
    assert counter.take() == InputCounts()
    counter.stop()
    assert not counter.started


def test_fake_window_probe() -> None:
    window = ActiveWindow(app="Editor", title="notes.txt")
    assert FakeWindowProbe(window).active_window() == window
    assert FakeWindowProbe().active_window() is None
