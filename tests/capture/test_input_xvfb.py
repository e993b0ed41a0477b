"""The pynput counter under a private Xvfb: xdotool's events are counted exactly."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from workdiary.capture.base import InputCounts
from workdiary.capture.input_pynput import PynputInputCounter

from .xserver import XServer, xdotool

pytestmark = pytest.mark.xvfb


@pytest.fixture
def counter(own_xvfb: XServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[PynputInputCounter]:
    # pynput's listeners connect to $DISPLAY when they start.
    monkeypatch.setenv("DISPLAY", own_xvfb.name)
    xdotool(own_xvfb.name, "mousemove", "10", "10")  # a known start, before counting
    # (no --sync: xdotool would wait forever if the pointer already is at 10,10)
    counter = PynputInputCounter()
    counter.start()
    assert counter.running
    counter.take()
    yield counter
    counter.stop()


def _collect(
    counter: PynputInputCounter, expected: InputCounts, timeout: float = 10.0
) -> dict[str, int]:
    """Sum takes until the expected counts arrive (or time runs out), then a little longer, so
    that an extra event would be caught too."""
    totals = {"keys": 0, "clicks": 0, "scrolls": 0, "moves": 0}
    wanted = {name: getattr(expected, name) for name in totals}

    def add(counts: InputCounts) -> None:
        for name in totals:
            totals[name] += getattr(counts, name)

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(totals[n] < wanted[n] for n in totals):
        add(counter.take())
        time.sleep(0.05)
    time.sleep(0.3)
    add(counter.take())
    return totals


def test_key_presses_are_counted_never_which_key(
    counter: PynputInputCounter, own_xvfb: XServer
) -> None:
    xdotool(own_xvfb.name, "key", "--delay", "50", "a", "b", "c", "Return", "space")
    assert _collect(counter, InputCounts(keys=5)) == {
        "keys": 5, "clicks": 0, "scrolls": 0, "moves": 0,
    }


def test_clicks_and_scrolls_are_counted_separately(
    counter: PynputInputCounter, own_xvfb: XServer
) -> None:
    xdotool(own_xvfb.name, "click", "--repeat", "4", "--delay", "50", "1")
    xdotool(own_xvfb.name, "click", "--repeat", "2", "--delay", "50", "3")
    xdotool(own_xvfb.name, "click", "--repeat", "3", "--delay", "50", "4")  # wheel up
    xdotool(own_xvfb.name, "click", "--repeat", "2", "--delay", "50", "5")  # wheel down
    assert _collect(counter, InputCounts(clicks=6, scrolls=5)) == {
        "keys": 0, "clicks": 6, "scrolls": 5, "moves": 0,
    }


def test_moves_far_apart_in_time_each_count_once(
    counter: PynputInputCounter, own_xvfb: XServer
) -> None:
    for i in range(5):
        xdotool(own_xvfb.name, "mousemove", str(100 + 40 * i), str(200 + 10 * i))
        time.sleep(0.15)  # > 100 ms: a new coalescing window every time
    assert _collect(counter, InputCounts(moves=5)) == {
        "keys": 0, "clicks": 0, "scrolls": 0, "moves": 5,
    }


def test_a_burst_of_moves_is_coalesced(counter: PynputInputCounter, own_xvfb: XServer) -> None:
    # 40 moves from one xdotool run, a few ms apart: they share a handful of 100 ms windows.
    args: list[str] = []
    for i in range(40):
        args += ["mousemove", str(300 + i), "300"]
    xdotool(own_xvfb.name, *args)
    totals = _collect(counter, InputCounts(moves=1))
    assert 1 <= totals["moves"] < 40
    assert totals["keys"] == totals["clicks"] == totals["scrolls"] == 0


def test_activity_time_is_reported(counter: PynputInputCounter, own_xvfb: XServer) -> None:
    before = time.monotonic()
    xdotool(own_xvfb.name, "key", "a")
    deadline = time.monotonic() + 10
    counts = counter.take()
    while counts.keys == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        counts = counter.take()
    assert counts.keys == 1
    assert counts.active_seconds == 1
    assert counts.last_input_monotonic is not None
    assert before <= counts.last_input_monotonic <= time.monotonic()


def test_stop_ends_counting_and_the_listener_threads(
    counter: PynputInputCounter, own_xvfb: XServer
) -> None:
    threads = list(counter._listeners)
    counter.stop()
    assert not counter.running
    # pynput alone would leave its recording threads blocked until the next input event.
    assert not any(thread.is_alive() for thread in threads)
    xdotool(own_xvfb.name, "key", "a")
    time.sleep(0.3)
    assert counter.take().keys == 0
