"""Which region each capture mode grabs, from mss's monitor list (no X needed)."""

from __future__ import annotations

import pytest

from workdiary.capture.base import CaptureError
from workdiary.capture.screen_mss import choose_monitor
from workdiary.core.model import CaptureMode

WHOLE = {"left": 0, "top": 0, "width": 3000, "height": 1080}
LEFT = {"left": 0, "top": 0, "width": 1920, "height": 1080, "is_primary": False}
RIGHT = {"left": 1920, "top": 0, "width": 1080, "height": 1920, "is_primary": True}
MONITORS = [WHOLE, LEFT, RIGHT]


def test_all_is_the_whole_desktop() -> None:
    assert choose_monitor(MONITORS, CaptureMode.ALL, (5, 5)) == (WHOLE, None)


def test_primary_is_the_flagged_monitor() -> None:
    assert choose_monitor(MONITORS, CaptureMode.PRIMARY, None) == (RIGHT, None)


def test_primary_without_a_flag_is_the_first_monitor() -> None:
    plain = [WHOLE, {**LEFT, "is_primary": False}, {**RIGHT, "is_primary": False}]
    assert choose_monitor(plain, CaptureMode.PRIMARY, None)[0] == plain[1]


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [((0, 0), LEFT), ((1919, 1079), LEFT), ((1920, 0), RIGHT), ((2999, 1919), RIGHT)],
)
def test_active_is_the_monitor_under_the_pointer(
    pointer: tuple[int, int], expected: dict[str, int]
) -> None:
    assert choose_monitor(MONITORS, CaptureMode.ACTIVE, pointer) == (expected, None)


def test_active_with_unknown_pointer_falls_back_to_primary_with_a_note() -> None:
    region, note = choose_monitor(MONITORS, CaptureMode.ACTIVE, None)
    assert region == RIGHT
    assert note is not None and "pointer position is unknown" in note


def test_active_with_pointer_in_a_gap_falls_back_to_primary_with_a_note() -> None:
    region, note = choose_monitor(MONITORS, CaptureMode.ACTIVE, (100, 1500))  # below LEFT
    assert region == RIGHT
    assert note is not None and "(100, 1500) is on no monitor" in note


@pytest.mark.parametrize("mode", [CaptureMode.PRIMARY, CaptureMode.ACTIVE])
def test_no_separate_monitors_means_the_whole_screen_with_a_note(mode: CaptureMode) -> None:
    region, note = choose_monitor([WHOLE], mode, (10, 10))
    assert region == WHOLE
    assert note is not None and "no separate monitors" in note


def test_no_screen_at_all_is_a_capture_error() -> None:
    with pytest.raises(CaptureError, match="no screen"):
        choose_monitor([], CaptureMode.ALL, None)
