"""The runner: about one tick a second, never faster, stops on its event or its duration."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from workdiary.core.clock import FakeClock
from workdiary.tracker.runner import run_tracker


class CountingTracker:
    def __init__(self, clock: FakeClock, stop: threading.Event, stop_after: int) -> None:
        self.clock, self.stop, self.stop_after = clock, stop, stop_after
        self.ticks: list[float] = []

    def tick(self) -> None:
        self.ticks.append(self.clock.monotonic())
        if len(self.ticks) == self.stop_after:
            self.stop.set()


def test_ticks_are_at_least_half_a_second_apart_and_stop_on_the_event() -> None:
    clock = FakeClock(datetime(2026, 3, 4, 9, 0, 0, 995000, tzinfo=UTC))
    stop = threading.Event()
    tracker = CountingTracker(clock, stop, stop_after=10)
    run_tracker(tracker, clock, stop)  # type: ignore[arg-type]
    assert len(tracker.ticks) == 10
    gaps = [b - a for a, b in zip(tracker.ticks, tracker.ticks[1:], strict=False)]
    assert all(0.5 <= gap <= 1.5 for gap in gaps)


def test_duration_ends_the_run() -> None:
    clock = FakeClock(datetime(2026, 3, 4, 9, 0, 0, 250000, tzinfo=UTC))
    stop = threading.Event()
    tracker = CountingTracker(clock, stop, stop_after=10_000)
    start = clock.monotonic()
    run_tracker(tracker, clock, stop, duration=65)  # type: ignore[arg-type]
    assert abs(clock.monotonic() - start - 65) < 1e-6
    assert 64 <= len(tracker.ticks) <= 67
