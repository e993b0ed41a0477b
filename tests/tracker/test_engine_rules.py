"""Engine rules one at a time: failed captures, window titles, blur, signing, idle choices,
clock jumps, memo, and capture off the ticking thread."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from workdiary.capture.base import ActiveWindow
from workdiary.core.model import CaptureMode, Segment
from workdiary.tracker.events import (
    IdleEnded,
    IdleResolved,
    IdleStarted,
    MinuteRecorded,
    RecordingFailed,
    ScreenshotFailed,
    ScreenshotTaken,
    SegmentClosed,
    SleepDetected,
)
from workdiary.tracker.schedule import screenshot_moments


def test_failed_capture_is_recorded_with_its_reason(rig: Any, make_contract: Any) -> None:
    rig.screen.fail_with = "no X display: set DISPLAY"
    rig.tracker.clock_in(make_contract(segment_minutes=5, screenshots_per_segment=3))
    rig.run(600, input_every=10)
    rig.tracker.clock_out()
    failed = rig.of(ScreenshotFailed)
    assert failed and rig.of(ScreenshotTaken) == []
    segments = rig.store.segments_between(rig.clock.now() - timedelta(hours=1), rig.clock.now())
    shots = [shot for s in segments for shot in s.screenshots]
    assert len(shots) == len(failed)
    assert all(shot.failed and shot.error == "no X display: set DISPLAY" for shot in shots)


def test_window_titles_only_when_the_policy_says_so(rig: Any, make_contract: Any) -> None:
    rig.probe.window = ActiveWindow(app="editor", title="notes.txt")
    rig.tracker.clock_in(make_contract("c-1", segment_minutes=1))
    rig.run(120, input_every=10)
    rig.tracker.clock_out()
    assert all(e.shot.app is None and e.shot.window_title is None for e in rig.of(ScreenshotTaken))
    rig.events.clear()
    rig.tracker.clock_in(
        make_contract("c-2", segment_minutes=1, window_titles=True, blur=True,
                      capture=CaptureMode.PRIMARY)
    )
    rig.run(120, input_every=10)
    rig.tracker.clock_out()
    taken = rig.of(ScreenshotTaken)
    assert taken and all(e.shot.window_title == "notes.txt" for e in taken)
    assert all(e.shot.app == "editor" and e.shot.blurred for e in taken)
    assert rig.screen.grabs[-1] is CaptureMode.PRIMARY


def test_closed_segments_are_signed(rig: Any, make_contract: Any) -> None:
    def signer(segment: Segment) -> Segment:
        assert segment.seq > 0 and segment.prev_hash  # signed after the chain is assigned
        return replace(segment, signature=f"sig-{segment.seq}")

    rig.tracker.signer = signer
    rig.tracker.clock_in(make_contract(segment_minutes=1))
    rig.run(200, input_every=10)
    rig.tracker.clock_out()
    closed = rig.of(SegmentClosed)
    assert len(closed) == 4
    for event in closed:
        stored = rig.store.segment(event.segment.id)
        assert stored.signature == event.segment.signature == f"sig-{stored.seq}"


def test_idle_kept_stays_marked_idle(rig: Any, make_contract: Any) -> None:
    rig.tracker._idle_decision = lambda period: True
    rig.tracker.clock_in(make_contract(idle_minutes=2))
    rig.run(60, input_every=10)
    rig.run(6 * 60)
    rig.input()
    rig.run(30)
    rig.tracker.clock_out()
    (ended,) = rig.of(IdleEnded)
    assert ended.kept is True and len(ended.period.minutes) >= 3
    minutes = [e.minute for e in rig.of(MinuteRecorded)]
    idle = [m for m in minutes if m.idle]
    assert [m.at for m in idle] == [m.at for m in ended.period.minutes]
    assert not any(m.active for m in idle)


def test_idle_decision_can_come_later(rig: Any, make_contract: Any) -> None:
    rig.tracker._idle_decision = lambda period: None
    rig.tracker.clock_in(make_contract(idle_minutes=1))
    rig.run(30, input_every=10)
    rig.run(5 * 60)
    rig.input()
    rig.run(5)
    (ended,) = rig.of(IdleEnded)
    assert ended.kept is None
    rig.tracker.resolve_idle(ended.period, keep=False)
    rig.run(60, input_every=10)
    rig.tracker.clock_out()
    assert len(rig.of(IdleResolved)) == 1
    stored = [
        m.at for s in rig.store.segments_between(
            rig.clock.now() - timedelta(hours=1), rig.clock.now()
        ) for m in s.minutes
    ]
    assert not set(stored) & {m.at for m in ended.period.minutes}


def test_clock_set_back_closes_the_segment(rig: Any, make_contract: Any) -> None:
    rig.tracker.clock_in(make_contract())
    rig.run(90, input_every=10)
    rig.clock.jump_wall(-3600)
    rig.tracker.tick()
    rig.run(30, input_every=10)
    rig.tracker.clock_out()
    (sleep,) = rig.of(SleepDetected)
    assert sleep.gap_seconds == -3600
    assert len(rig.of(SegmentClosed)) == 2
    assert rig.of(RecordingFailed) == []


def test_memo_applies_to_open_and_later_segments(rig: Any, make_contract: Any) -> None:
    rig.tracker.clock_in(make_contract(segment_minutes=1), "first")
    rig.run(20, input_every=10)
    rig.tracker.set_memo("second")
    rig.run(90, input_every=10)
    rig.tracker.clock_out()
    memos = [e.segment.memo for e in rig.of(SegmentClosed)]
    assert memos == ["second", "second", "second"]


def test_capture_runs_off_the_ticking_thread(rig: Any, make_contract: Any) -> None:
    threads: list[str] = []
    grab = rig.screen.grab

    def recording_grab(mode: CaptureMode) -> Any:
        threads.append(threading.current_thread().name)
        return grab(mode)

    rig.screen.grab = recording_grab
    rig.tracker.clock_in(make_contract(segment_minutes=1))
    rig.run(130, input_every=10)
    rig.tracker.clock_out()
    assert threads and threading.current_thread().name not in threads
    assert all(name.startswith("tracker-worker") for name in threads)


@given(
    start=st.integers(0, 10**9),
    length=st.integers(1, 3600),
    count=st.integers(1, 3),
    seed=st.integers(0, 2**32),
)
def test_screenshot_moments_fall_inside(start: int, length: int, count: int, seed: int) -> None:
    import random
    from datetime import UTC, datetime

    begin = datetime.fromtimestamp(start, UTC)
    end = begin + timedelta(seconds=length)
    moments = screenshot_moments(random.Random(seed), begin, end, count)
    assert len(moments) == count and moments == sorted(moments)
    assert all(begin <= moment < end for moment in moments)


def test_nothing_is_idle_when_input_cannot_be_observed(rig: Any, make_contract: Any) -> None:
    rig.tracker._input_observed = lambda: False
    start = rig.clock.now().replace(microsecond=0)
    rig.tracker.clock_in(make_contract(idle_minutes=1))
    rig.run(30 * 60)  # no input at all, as without a display
    rig.tracker.clock_out()
    assert rig.of(IdleStarted) == [] and rig.of(IdleEnded) == []
    minutes = [e.minute for e in rig.of(MinuteRecorded)]
    assert not any(m.idle for m in minutes)
    assert sum(m.seconds for m in minutes) == (rig.clock.now() - start).total_seconds()


def test_a_new_policy_applies_from_the_next_segment(rig: Any, make_contract: Any) -> None:
    """The client changed the policy while clocked in: the open segment keeps its grid and
    screenshot count; the next one starts on the new grid (docs/design.md, policy versions)."""
    old = make_contract("c-1", segment_minutes=10, screenshots_per_segment=1)
    rig.tracker.clock_in(old)  # 08:57:27: the open segment runs to 09:00
    rig.run(60, input_every=10)
    rig.tracker.update_contract(replace(old, policy=replace(
        old.policy, segment_minutes=5, screenshots_per_segment=3)))
    rig.tracker.update_contract(make_contract("other", segment_minutes=1))  # not tracked: ignored
    rig.run(660, input_every=10)  # to 09:09:27
    rig.tracker.clock_out()
    spans = [(e.segment.start.strftime("%H:%M"), e.segment.end.strftime("%H:%M"),
              len(e.segment.screenshots)) for e in rig.of(SegmentClosed)]
    assert spans[:2] == [("08:57", "09:00", 1), ("09:00", "09:05", 3)]
    assert spans[2][:2] == ("09:05", "09:09")
