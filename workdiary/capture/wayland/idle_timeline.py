"""Active seconds from idle notifications: the pure bookkeeping behind the idle-monitor sources.

A compositor's idle notification fires ``timeout`` seconds after the last input, and "resumed"
fires at the first input after that. So between a resume (or the start) and the next idle
notification the user was active until ``idle_at - timeout``; with a short timeout (1-2 s)
that is close to the seconds-with-input that counting gives. Everything is measured on the
monotonic clock passed in, so tests run without waiting.

Thread-safe: notifications arrive on a reader thread, ``take`` runs on the tracker's thread.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from workdiary.capture.base import InputCounts
from workdiary.core.model import ActivitySource


class IdleTimeline:
    """Turns idle/resume notifications into ``InputCounts`` (active seconds, no counts)."""

    def __init__(self, timeout: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._timeout = timeout
        self._monotonic = monotonic
        self._lock = threading.Lock()
        now = monotonic()
        # Active from the start: if nothing happens, the first idle notification arrives at
        # start + timeout and closes an empty stretch.
        self._active_since: float | None = now
        self._counted_until = now  # active time before this is already reported
        self._seconds = 0.0  # active seconds not yet reported
        self._carry = 0.0  # the fraction of a second left over from the previous take
        self._inputs = 0  # resumes since the previous take: each is at least one second
        self._last_input: float | None = None
        self._taken_at = now

    @property
    def idle(self) -> bool:
        """The desktop has said "idle" and no input has come since."""
        with self._lock:
            return self._active_since is None

    def _count_until(self, end: float) -> None:
        assert self._active_since is not None
        start = max(self._active_since, self._counted_until)
        if end > start:
            self._seconds += end - start
            self._counted_until = end
            self._last_input = end

    def idled(self, idle_for: float | None = None) -> None:
        """The desktop says the user has been idle for ``idle_for`` seconds (default: the
        notification timeout)."""
        with self._lock:
            if self._active_since is not None:
                idle_for = self._timeout if idle_for is None else idle_for
                self._count_until(self._monotonic() - idle_for)
                self._active_since = None

    def resumed(self, ago: float = 0.0) -> None:
        """Input arrived (``ago`` seconds ago) after an idle notification."""
        with self._lock:
            if self._active_since is None:
                now = self._monotonic() - ago
                self._active_since = now
                self._inputs += 1
                self._last_input = now

    def take(self) -> InputCounts:
        """Active seconds since the previous take.

        In a stretch that is still active, only time up to ``now - timeout`` is certain (the
        last input may be up to ``timeout`` old); the rest is counted when the stretch ends or
        at a later take, never twice.
        """
        with self._lock:
            now = self._monotonic()
            if self._active_since is not None:
                self._count_until(now - self._timeout)
            total = self._seconds + self._carry
            # A second paid in advance (the carry is down to -1) never makes a minute negative.
            seconds = max(0, int(total))
            if self._inputs and seconds == 0:
                seconds = 1  # input arrived: at least one second was active (paid back later)
            seconds = min(seconds, 60, math.ceil(max(0.0, now - self._taken_at)) or 1)
            self._carry = max(-1.0, min(total - seconds, 1.0))
            counts = InputCounts(
                active_seconds=seconds,
                last_input_monotonic=self._last_input if (seconds or self._inputs) else None,
                source=ActivitySource.IDLE_MONITOR,
            )
            self._seconds, self._inputs, self._taken_at = 0.0, 0, now
            self._last_input = None
            return counts
