"""A repeated capture failure is said once per cause, then counted, in the terminal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workdiary.core.model import ScreenshotRef, Segment
from workdiary.tracker import events as ev
from workdiary.tracker.console import EventPrinter
from workdiary.tracker.failure_tally import short_cause

NO_DISPLAY = ("No X display: DISPLAY is not set, so the screen and input cannot be captured. "
              "Run workdiary inside a graphical X11 session.")
START = datetime(2026, 11, 24, 10, 4, tzinfo=UTC)


def failed(at: datetime, error: str = NO_DISPLAY) -> ev.ScreenshotFailed:
    return ev.ScreenshotFailed("s-1", ScreenshotRef(taken_at=at, error=error))


def closed(at: datetime) -> ev.SegmentClosed:
    return ev.SegmentClosed(Segment(id="s-1", contract_id="c", start=at,
                                    end=at + timedelta(minutes=1)))


def test_the_reason_is_said_once_then_counted(capsys: pytest.CaptureFixture[str]) -> None:
    printer = EventPrinter(ZoneInfo("UTC"))
    for minute in range(12):
        printer(failed(START + timedelta(minutes=minute)))
        printer(closed(START + timedelta(minutes=minute)))
    printer(failed(START + timedelta(minutes=13), "Disk full."))
    out = capsys.readouterr().out
    assert out.count(NO_DISPLAY) == 1
    assert out.count("Disk full.") == 1
    counts = [line for line in out.splitlines() if line.startswith("capture failed")]
    assert counts[0] == "capture failed 2 times since 10:04: No X display: DISPLAY is not set, " \
        "so the screen and input cannot be captured"
    assert counts[-1].startswith("capture failed 12 times since 10:04: No X display")
    assert len(counts) == 11  # one per segment that added failures, none for the first


def test_short_cause_is_the_first_sentence() -> None:
    assert short_cause("Disk full. Free some space.") == "Disk full"
    assert short_cause("  ") == "unknown reason"
