"""Counting rules of the input tally, driven by a fake monotonic clock."""

from __future__ import annotations

import threading

from workdiary.capture.base import InputCounts
from workdiary.capture.input_tally import InputTally


class Ticker:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_counts_each_kind_and_resets_on_take() -> None:
    clock = Ticker()
    tally = InputTally(clock)
    for _ in range(3):
        tally.on_key()
    tally.on_click()
    tally.on_click()
    tally.on_scroll()
    clock.now = 1000.5
    tally.on_move()
    counts = tally.take()
    assert counts == InputCounts(
        keys=3, clicks=2, scrolls=1, moves=1, active_seconds=1, last_input_monotonic=1000.5
    )
    assert tally.take() == InputCounts()


def test_moves_are_coalesced_per_100_ms_bucket() -> None:
    clock = Ticker(50.0)
    tally = InputTally(clock)
    # 2,000 moves/s for one second: 10 buckets of 0.1 s.
    for i in range(2000):
        clock.now = 50.0 + i / 2000
        tally.on_move()
    assert tally.take().moves == 10


def test_moves_in_distinct_buckets_count_even_if_close_in_time() -> None:
    clock = Ticker(7.0)
    tally = InputTally(clock)
    for t in (7.05, 7.099, 7.1, 7.2999, 7.3, 7.30001):
        clock.now = t
        tally.on_move()
    # buckets 70, 70, 71, 72, 73, 73 -> 4 (float-safe at bucket edges such as 7.3)
    assert tally.take().moves == 4


def test_active_seconds_are_distinct_whole_seconds_with_input() -> None:
    clock = Ticker(10.0)
    tally = InputTally(clock)
    for t in (10.0, 10.9, 11.2, 11.3, 14.99, 15.0, 15.5):
        clock.now = t
        tally.on_key()
    assert tally.take().active_seconds == 4  # 10, 11, 14, 15


def test_a_second_straddling_a_take_counts_in_both_intervals() -> None:
    clock = Ticker(20.1)
    tally = InputTally(clock)
    tally.on_click()
    first = tally.take()
    clock.now = 20.7
    tally.on_click()
    second = tally.take()
    assert (first.active_seconds, second.active_seconds) == (1, 1)
    assert second.last_input_monotonic == 20.7


def test_no_input_means_no_last_input_time() -> None:
    assert InputTally(Ticker()).take().last_input_monotonic is None


def test_concurrent_events_and_takes_lose_and_double_count_nothing() -> None:
    tally = InputTally()
    per_thread, threads = 20_000, 4
    takes: list[InputCounts] = []
    stop = threading.Event()

    def produce() -> None:
        for _ in range(per_thread):
            tally.on_key()
            tally.on_scroll()

    def consume() -> None:
        while not stop.is_set():
            takes.append(tally.take())

    consumer = threading.Thread(target=consume)
    consumer.start()
    producers = [threading.Thread(target=produce) for _ in range(threads)]
    for thread in producers:
        thread.start()
    for thread in producers:
        thread.join()
    stop.set()
    consumer.join()
    takes.append(tally.take())
    assert sum(t.keys for t in takes) == per_thread * threads
    assert sum(t.scrolls for t in takes) == per_thread * threads
