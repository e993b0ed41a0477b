"""A whole simulated working day on a FakeClock: partial segments, idle discarded, a
40-minute suspend, screenshots inside their segments, every second accounted for."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.model import SegmentKind
from workdiary.core.timegrid import floor_minute
from workdiary.tracker.events import (
    IdleEnded,
    IdleStarted,
    RecordingFailed,
    ScreenshotTaken,
    SegmentClosed,
    SleepDetected,
)


def test_a_working_day(rig: Any, make_contract: Any) -> None:
    contract = make_contract(segment_minutes=10, screenshots_per_segment=2, idle_minutes=5)
    day = datetime(2026, 3, 4, tzinfo=UTC)
    clock_in = rig.clock.now()
    assert clock_in == day + timedelta(hours=8, minutes=57, seconds=27)
    rig.tracker.clock_in(contract, "morning work")

    # Work until 10:30 with input every 20 s; the last input arrives at 10:29:47 (tick at 10:29:48).
    rig.run_until(day + timedelta(hours=10, minutes=30), input_every=20)
    # Away: no input for 20 minutes. Idle from 10:34:48; minutes 10:35..10:49 are idle.
    rig.run_until(day + timedelta(hours=10, minutes=50, seconds=10), input_every=None)
    rig.input()  # back at 10:50:10: the headless decision discards the idle minutes
    rig.run_until(day + timedelta(hours=12, minutes=0, seconds=5), input_every=20)
    # The laptop lid closes for 40 minutes between two ticks.
    rig.clock.suspend(40 * 60)
    rig.tracker.tick()
    rig.run_until(day + timedelta(hours=17, minutes=42, seconds=13), input_every=20)
    rig.tracker.clock_out()
    clock_out = rig.clock.now()

    assert rig.of(RecordingFailed) == []
    idle_started = rig.of(IdleStarted)
    idle_ended = rig.of(IdleEnded)
    assert len(idle_started) == 1 and len(idle_ended) == 1
    period = idle_ended[0].period
    assert idle_ended[0].kept is False
    assert [m.at for m in period.minutes] == [
        day + timedelta(hours=10, minutes=m) for m in range(35, 50)
    ]
    sleeps = rig.of(SleepDetected)
    assert len(sleeps) == 1 and sleeps[0].gap_seconds == 2400

    segments = [
        s for s in rig.store.segments_between(day, day + timedelta(days=1))
        if s.kind is not SegmentKind.TOMBSTONE
    ]
    minutes = [m for s in segments for m in s.minutes]
    # Every second accounted for: clocked-in wall time minus the suspend and discarded idle.
    expected = (clock_out - clock_in).total_seconds() - 40 * 60 - period.seconds
    assert sum(m.seconds for m in minutes) == expected
    assert len({m.at for m in minutes}) == len(minutes)  # no minute counted twice
    assert not any(m.idle for m in minutes)
    first, last = segments[0], segments[-1]
    assert first.start == clock_in and first.minutes[0].seconds == 33
    assert last.end == clock_out and last.minutes[-1].seconds == 13
    assert first.memo == "morning work"

    for segment in segments:
        assert segment.tracked_minutes == sum(m.seconds for m in segment.minutes) // 60
        for minute in segment.minutes:
            assert floor_minute(segment.start) <= minute.at < segment.end
        for shot in segment.screenshots:
            assert segment.start <= shot.taken_at < segment.end
            assert shot.sha256 is not None and rig.store.screenshot_path(shot.sha256)
        whole = segment.end - segment.start == timedelta(minutes=10)
        touched_by_idle = segment.start == day + timedelta(hours=10, minutes=30)
        if whole and not touched_by_idle:
            assert len(segment.screenshots) == 2

    # The gap: the segment before the suspend ends at the last tick, the next starts on waking.
    before = next(s for s in segments if s.end == day + timedelta(hours=12, seconds=5))
    after = next(s for s in segments if s.start == day + timedelta(hours=12, minutes=40, seconds=5))
    assert before.end - before.start == timedelta(seconds=5)
    assert after.end == day + timedelta(hours=12, minutes=50)

    # Grid: every other boundary sits on :00, :10, ...
    for segment in segments[1:-1]:
        if segment not in (before, after):
            assert segment.end.minute % 10 == 0 and segment.end.second == 0

    # The chain is whole, in order, tombstones included.
    chained = sorted(rig.store.segments_between(day, day + timedelta(days=1)), key=lambda s: s.seq)
    assert [s.seq for s in chained] == list(range(1, len(chained) + 1))
    assert chained[0].prev_hash == GENESIS_HASH
    for previous, current in itertools.pairwise(chained):
        assert current.prev_hash == chain_hash(previous)
    assert len(rig.of(SegmentClosed)) == len(chained)
    taken = rig.of(ScreenshotTaken)
    assert len(taken) >= len(segments)
    assert rig.store.open_segment() is None
