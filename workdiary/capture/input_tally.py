"""Thread-safe input counts: what the input listeners' callbacks update, and what ``take`` swaps.

Pure (no pynput, no display) so the counting rules are tested with a fake monotonic clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from workdiary.capture.base import InputCounts

TENTHS = 10  # moves are counted at most once per tenth of a second (100 ms window)


class InputTally:
    """Counters for keys, clicks, scrolls, coalesced moves and active seconds.

    Every ``on_*`` method reads the monotonic clock and updates the counters under one lock, so
    events from the keyboard and mouse listener threads never race with ``take`` (ActivityWatch
    swapped its counters without a lock and could lose or double-count events).
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._keys = 0
        self._clicks = 0
        self._scrolls = 0
        self._moves = 0
        self._active_seconds = 0
        self._last_second: int | None = None
        self._last_move_bucket: int | None = None
        self._last_input: float | None = None

    def _touch(self) -> None:
        """Note an event now (caller holds the lock): active second and last-input time."""
        now = self._monotonic()
        # Seconds derive from the same tenth-of-a-second step as move windows, so the two
        # never disagree at a boundary because of float rounding.
        self._note_second(math.floor(now * TENTHS) // TENTHS)
        self._last_input = now

    def _note_second(self, second: int) -> None:
        # The clock is read under the lock, so event times are non-decreasing: a new second is
        # simply one different from the previous event's.
        if second != self._last_second:
            self._last_second = second
            self._active_seconds += 1

    # The on_* methods accept and ignore any arguments (pynput passes position, key, injected),
    # so a listener can call them directly: no wrapper frame per event, and the key object is
    # never looked at.

    def on_key(self, *_ignored: object) -> None:
        """A key was pressed (which key is never looked at)."""
        with self._lock:
            self._touch()
            self._keys += 1

    def on_click(self) -> None:
        """A mouse button was pressed."""
        with self._lock:
            self._touch()
            self._clicks += 1

    def on_scroll(self, *_ignored: object) -> None:
        """One wheel event."""
        with self._lock:
            self._touch()
            self._scrolls += 1

    def on_move(self, *_ignored: object) -> None:
        """The pointer moved; counted at most once per 100 ms window of the monotonic clock.

        The hot path (thousands of calls a second): a move inside the window of the previous
        move only updates the last-input time; that window already noted its second.
        """
        with self._lock:
            now = self._monotonic()
            self._last_input = now
            tenth = math.floor(now * TENTHS)
            if tenth == self._last_move_bucket:
                return
            self._last_move_bucket = tenth
            self._moves += 1
            self._note_second(tenth // TENTHS)

    def take(self) -> InputCounts:
        """Counts since the previous take, resetting them atomically."""
        with self._lock:
            counts = InputCounts(
                keys=self._keys,
                clicks=self._clicks,
                scrolls=self._scrolls,
                moves=self._moves,
                active_seconds=self._active_seconds,
                last_input_monotonic=self._last_input,
            )
            self._reset()
        return counts
