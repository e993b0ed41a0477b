"""The tick loop: about one tick a second, never faster, stops on its event or its duration;
commands run on the loop's own thread, between ticks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from workdiary.core.clock import FakeClock
from workdiary.desktop.loop import TrackerLoop


class CountingTracker:
    def __init__(self, clock: FakeClock, stop: threading.Event, stop_after: int) -> None:
        self.clock, self.stop, self.stop_after = clock, stop, stop_after
        self.ticks: list[float] = []
        self.clocked_in = False
        self.signer: object = None

    def tick(self) -> None:
        self.ticks.append(self.clock.monotonic())
        if len(self.ticks) == self.stop_after:
            self.stop.set()


def test_ticks_are_at_least_half_a_second_apart_and_stop_on_the_event() -> None:
    clock = FakeClock(datetime(2026, 3, 4, 9, 0, 0, 995000, tzinfo=UTC))
    stop = threading.Event()
    tracker = CountingTracker(clock, stop, stop_after=10)
    TrackerLoop(tracker, clock).run(stop)  # type: ignore[arg-type]
    assert len(tracker.ticks) == 10
    gaps = [b - a for a, b in zip(tracker.ticks, tracker.ticks[1:], strict=False)]
    assert all(0.5 <= gap <= 1.5 for gap in gaps)


def test_duration_ends_the_run() -> None:
    clock = FakeClock(datetime(2026, 3, 4, 9, 0, 0, 250000, tzinfo=UTC))
    stop = threading.Event()
    tracker = CountingTracker(clock, stop, stop_after=10_000)
    start = clock.monotonic()
    TrackerLoop(tracker, clock).run(stop, duration=65)  # type: ignore[arg-type]
    assert abs(clock.monotonic() - start - 65) < 1e-6
    assert 64 <= len(tracker.ticks) <= 67


def test_a_queued_command_runs_in_the_running_loop_between_ticks() -> None:
    clock = FakeClock(datetime(2026, 3, 4, 9, 0, 0, tzinfo=UTC))
    stop = threading.Event()
    tracker = CountingTracker(clock, stop, stop_after=3)
    loop = TrackerLoop(tracker, clock)  # type: ignore[arg-type]
    signer = object()
    done = loop.set_signer(signer)  # type: ignore[arg-type]
    assert tracker.signer is None and not done.done()
    loop.run(stop)
    assert done.done() and tracker.signer is signer


def test_on_its_own_thread_commands_run_there_and_stop_ends_it() -> None:
    clock = FakeClock(datetime(2026, 3, 4, 9, 0, 0, tzinfo=UTC))
    tracker = CountingTracker(clock, threading.Event(), stop_after=10**9)
    loop = TrackerLoop(tracker, clock)  # type: ignore[arg-type]
    loop.start()
    assert loop.call(threading.current_thread).result(timeout=10).name == "workdiary-ticker"
    assert tracker.ticks == []  # clocked out: it waits for commands instead of ticking
    tracker.clock_out = lambda wait=True: None  # type: ignore[attr-defined]
    loop.stop()
    assert not loop._thread.is_alive()
