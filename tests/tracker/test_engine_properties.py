"""Property test of the engine: for any mix of work, silence and suspends, every tracked
second is recorded exactly once, on the grid, and screenshots stay inside their segments."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workdiary.capture.base import EncodedScreenshot, InputCounts
from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract, Policy, SegmentKind
from workdiary.core.timegrid import floor_minute
from workdiary.store import LocalStore
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber
from workdiary.tracker.engine import SLEEP_THRESHOLD_SECONDS, Tracker
from workdiary.tracker.events import IdleEnded, RecordingFailed, ScreenshotFailed, TrackerEvent

steps = st.lists(
    st.one_of(
        st.tuples(st.just("work"), st.integers(1, 900)),
        st.tuples(st.just("silence"), st.integers(1, 1500)),
        st.tuples(st.just("suspend"), st.integers(1, 4 * 3600)),
    ),
    min_size=1, max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start_offset=st.integers(0, 3599),
    grid=st.sampled_from([1, 5, 10, 15, 30, 60]),
    shots=st.integers(1, 3),
    idle_minutes=st.integers(1, 15),
    keep_idle=st.booleans(),
    plan=steps,
    seed=st.integers(0, 2**16),
)
def test_every_second_once(
    start_offset: int, grid: int, shots: int, idle_minutes: int, keep_idle: bool,
    plan: list[tuple[str, int]], seed: int, small_encode: Callable[..., EncodedScreenshot],
) -> None:
    clock = FakeClock(datetime(2026, 3, 29, 0, 0, tzinfo=UTC) + timedelta(seconds=start_offset))
    keyboard = FakeInputCounter()
    events: list[TrackerEvent] = []
    policy = Policy(segment_minutes=grid, screenshots_per_segment=shots,
                    idle_minutes=idle_minutes)
    with tempfile.TemporaryDirectory() as folder, \
            ThreadPoolExecutor(max_workers=1) as executor:
        store = LocalStore(Path(folder) / "workdiary.sqlite3", clock=clock)
        tracker = Tracker(
            store=store, clock=clock, screen=FakeScreenGrabber(64, 40), input_counter=keyboard,
            encode=small_encode, executor=executor, rng=random.Random(seed),
            on_event=events.append, idle_decision=lambda period: keep_idle,
        )
        clock_in = clock.now()
        tracker.clock_in(Contract("c-1", "T", "C", "F", 100, policy=policy))
        slept = 0
        for kind, seconds in plan:
            if kind == "suspend":
                clock.suspend(seconds)
                if seconds > SLEEP_THRESHOLD_SECONDS:
                    slept += seconds
                tracker.tick()
                continue
            for second in range(seconds):
                if kind == "work" and second % 7 == 0:
                    keyboard.feed(InputCounts(keys=1, active_seconds=1,
                                              last_input_monotonic=clock.monotonic()))
                clock.advance(1)
                tracker.tick()
        tracker.clock_out()
        wall = (clock.now() - clock_in).total_seconds()

        assert [e for e in events if isinstance(e, RecordingFailed | ScreenshotFailed)] == []
        discarded = sum(e.period.seconds for e in events
                        if isinstance(e, IdleEnded) and e.kept is False)
        segments = [s for s in store.segments_between(clock_in - timedelta(days=1),
                                                      clock.now() + timedelta(days=1))
                    if s.kind is not SegmentKind.TOMBSTONE]
        minutes = [m for s in segments for m in s.minutes]
        assert sum(m.seconds for m in minutes) == wall - slept - discarded
        assert len({m.at for m in minutes}) == len(minutes)
        for segment in segments:
            assert segment.end - segment.start <= timedelta(minutes=grid)
            # Partial at either end, but always inside one grid cell.
            last = segment.end - timedelta(seconds=1)
            assert floor_minute(segment.start) - timedelta(
                minutes=floor_minute(segment.start).minute % grid
            ) == floor_minute(last) - timedelta(minutes=floor_minute(last).minute % grid)
            for minute in segment.minutes:
                assert floor_minute(segment.start) <= minute.at < segment.end
            for shot in segment.screenshots:
                assert segment.start <= shot.taken_at < segment.end
            assert len(segment.screenshots) <= shots
        store.close()
