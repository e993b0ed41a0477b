"""The loop that drives a Tracker: one tick a second (never faster), until told to stop."""

from __future__ import annotations

import threading

from workdiary.core.clock import Clock
from workdiary.tracker.engine import Tracker

TICK_SECONDS = 1.0


def run_tracker(
    tracker: Tracker, clock: Clock, stop: threading.Event, duration: float | None = None,
) -> None:
    """Tick about once a second until ``stop`` is set or ``duration`` seconds have passed.

    Ticks are placed just after each wall-clock second so a finished minute is recorded
    within a second of its end. The caller clocks in before and out after.
    """
    deadline = None if duration is None else clock.monotonic() + duration
    while not stop.is_set():
        tracker.tick()
        if deadline is not None and clock.monotonic() >= deadline:
            return
        fraction = clock.now().microsecond / 1_000_000
        delay = TICK_SECONDS - fraction + 0.01
        if delay < TICK_SECONDS / 2:
            delay += TICK_SECONDS  # never two ticks in quick succession: at most 1 Hz
        if deadline is not None:
            delay = min(delay, max(0.0, deadline - clock.monotonic()))
        clock.sleep(delay)
