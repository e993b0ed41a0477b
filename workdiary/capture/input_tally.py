"""Thread-safe input counts: what the input listeners' callbacks update, and what ``take`` swaps.

Pure (no pynput, no display) so the counting rules are tested with a fake monotonic clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from workdiary.capture.base import InputCounts

MOVE_BUCKETS_PER_SECOND = 10  # at most one counted move per 100 ms window


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

    def _touch(self) -> float:
        """Note an event now (caller holds the lock): active second and last-input time."""
        now = self._monotonic()
        second = math.floor(now)
        # The clock is read under the lock, so event times are non-decreasing: a new second is
        # simply one different from the previous event's.
        if second != self._last_second:
            self._last_second = second
            self._active_seconds += 1
        self._last_input = now
        return now

    def on_key(self) -> None:
        """A key was pressed (which key is never passed here)."""
        with self._lock:
            self._touch()
            self._keys += 1

    def on_click(self) -> None:
        """A mouse button was pressed."""
        with self._lock:
            self._touch()
            self._clicks += 1

    def on_scroll(self) -> None:
        """One wheel event."""
        with self._lock:
            self._touch()
            self._scrolls += 1

    def on_move(self) -> None:
        """The pointer moved; counted at most once per 100 ms window of the monotonic clock."""
        with self._lock:
            now = self._touch()
            bucket = math.floor(now * MOVE_BUCKETS_PER_SECOND)
            if bucket != self._last_move_bucket:
                self._last_move_bucket = bucket
                self._moves += 1

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
