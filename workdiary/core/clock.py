"""Clocks: wall time for records, monotonic time for intervals. Injected everywhere."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps; it does not advance while the machine sleeps."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        # CLOCK_MONOTONIC stops during suspend on Linux, so a gap against the wall clock
        # reveals a sleep.
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class FakeClock:
    """A clock the test drives: ``advance`` moves both clocks, ``suspend`` only the wall clock."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._wall = start.astimezone(UTC)
        self._mono = 1000.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._wall

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._wall += timedelta(seconds=seconds)
            self._mono += seconds

    def suspend(self, seconds: float) -> None:
        """The machine sleeps: wall time passes, monotonic time does not."""
        with self._lock:
            self._wall += timedelta(seconds=seconds)

    def jump_wall(self, seconds: float) -> None:
        """Someone changes the system clock."""
        self.suspend(seconds)
