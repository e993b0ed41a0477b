"""The input counter cross-checked against the system idle time: counts are never invented."""

from __future__ import annotations

from dataclasses import dataclass

from workdiary.capture.base import InputCounts
from workdiary.capture.idle_source import BLIND_TAKES_BEFORE_REPORT, CrossCheckedInputCounter
from workdiary.testing.capture_fakes import FakeInputCounter


@dataclass
class Idle:
    seconds: float | None = 100.0
    fails: bool = False

    def seconds_since_input(self) -> float | None:
        if self.fails:
            raise OSError("GetLastInputInfo failed")
        return self.seconds


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def build() -> tuple[CrossCheckedInputCounter, FakeInputCounter, Idle, Clock, list[str]]:
    inner, idle, clock, reports = FakeInputCounter(), Idle(), Clock(), []
    counter = CrossCheckedInputCounter(inner, idle, on_blind=reports.append, monotonic=clock)
    counter.start()
    return counter, inner, idle, clock, reports


def test_counted_input_passes_through_unchanged() -> None:
    counter, inner, idle, clock, reports = build()
    counts = InputCounts(keys=4, moves=2, active_seconds=1, last_input_monotonic=500.5)
    inner.feed(counts)
    idle.seconds = 0.2
    clock.now += 1
    assert counter.take() == counts
    assert counter.missed_takes == 0 and reports == []


def test_input_the_hooks_missed_moves_the_last_input_but_counts_nothing() -> None:
    counter, _, idle, clock, reports = build()
    for _ in range(BLIND_TAKES_BEFORE_REPORT - 1):
        clock.now += 1
        idle.seconds = 0.25
        taken = counter.take()
        assert (taken.keys, taken.clicks, taken.scrolls, taken.moves) == (0, 0, 0, 0)
        assert taken.last_input_monotonic == clock.now - 0.25
    assert reports == []
    clock.now += 1
    counter.take()
    assert len(reports) == 1 and "administrator" in reports[0]
    for _ in range(10):  # said once, not every second
        clock.now += 1
        counter.take()
    assert len(reports) == 1 and counter.missed_takes == BLIND_TAKES_BEFORE_REPORT + 10


def test_idle_time_jumps_say_nothing_about_the_interval() -> None:
    counter, _, idle, clock, reports = build()
    for jump in (3 * 3600.0, -5.0, float("nan"), None, 1.0):
        # after a sleep (hours), a counter that went backwards, garbage, unknown, and an
        # input exactly one interval ago: none is input inside the last interval
        clock.now += 1
        idle.seconds = jump
        assert counter.take() == InputCounts()
    idle.fails = True
    clock.now += 1
    assert counter.take() == InputCounts()
    assert counter.missed_takes == 0 and reports == []


def test_a_miss_streak_is_broken_by_counted_input() -> None:
    counter, inner, idle, clock, reports = build()
    for round_ in range(3):
        for _ in range(BLIND_TAKES_BEFORE_REPORT - 1):
            clock.now += 1
            idle.seconds = 0.1
            counter.take()
        inner.feed(InputCounts(moves=1))
        clock.now += 1
        counter.take()
        assert reports == [], round_
