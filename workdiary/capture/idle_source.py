"""The operating system's own idle time, and an input counter cross-checked against it.

Windows (``GetLastInputInfo``) and macOS (``CGEventSourceSecondsSinceLastEventType``) know when
the user last touched the keyboard or mouse, even where our input hooks are blind: on Windows a
low-level hook sees nothing typed into an elevated window; on macOS pynput's event tap sees
nothing once Accessibility or Input Monitoring is revoked. ``CrossCheckedInputCounter`` passes
the hooks' counts through unchanged (counts are evidence and are never invented) and reports
when the system saw input the hooks missed.

Threads: ``take`` runs on the tracker's ticking thread, like the counter it wraps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from workdiary.capture.base import InputCounter, InputCounts

_log = logging.getLogger(__name__)

# The system saw input the hooks missed in this many takes in a row (about one per second)
# before it is reported: one stray miss is a race between the two clocks, not blindness.
BLIND_TAKES_BEFORE_REPORT = 5


class IdleSource(Protocol):
    def seconds_since_input(self) -> float | None:
        """Seconds since the session's latest keyboard or mouse input; None if unknown."""
        ...


class CrossCheckedInputCounter:
    """Wraps an input counter with the system idle time.

    When the hooks counted nothing since the previous take but the system saw input within
    that interval, the counts stay zero and ``last_input_monotonic`` carries the system's
    moment of input (so a caller can keep the user from being marked idle); after
    ``BLIND_TAKES_BEFORE_REPORT`` such takes in a row ``on_blind`` is called once with a reason.

    The idle value is only trusted inside the interval it describes: a negative value, a value
    that is not a number, or one beyond the interval (after a sleep, or a tick counter that
    wrapped) says nothing about this interval and is ignored.
    """

    def __init__(
        self, inner: InputCounter, idle: IdleSource, *,
        on_blind: Callable[[str], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._idle = idle
        self._on_blind = on_blind or (lambda reason: _log.warning("%s", reason))
        self._monotonic = monotonic
        self._last_take: float | None = None
        self._missed_in_a_row = 0
        self.reported_blind = False
        self.missed_takes = 0  # takes where the system saw input the hooks did not

    def start(self) -> None:
        self._inner.start()
        self._last_take = self._monotonic()

    def stop(self) -> None:
        self._inner.stop()

    def take(self) -> InputCounts:
        counts = self._inner.take()
        now = self._monotonic()
        since, self._last_take = self._last_take, now
        if counts.keys or counts.clicks or counts.scrolls or counts.moves or since is None:
            self._missed_in_a_row = 0
            return counts
        ago = self._system_input_ago(now - since)
        if ago is None:
            self._missed_in_a_row = 0
            return counts
        self.missed_takes += 1
        self._missed_in_a_row += 1
        if self._missed_in_a_row >= BLIND_TAKES_BEFORE_REPORT and not self.reported_blind:
            self.reported_blind = True
            self._on_blind(
                "The system reports keyboard or mouse input that workdiary's input counter "
                "did not see (on Windows: a window running as administrator has the focus; "
                "on macOS: Accessibility or Input Monitoring permission was withdrawn). "
                "Activity in that window is not counted.")
        return replace(counts, last_input_monotonic=now - ago)

    def _system_input_ago(self, interval: float) -> float | None:
        """Seconds since the system's latest input, if that input fell in the last interval."""
        try:
            ago = self._idle.seconds_since_input()
        except OSError:
            return None
        if ago is None or ago != ago or ago < 0 or ago >= interval:  # ago != ago: NaN
            return None
        return ago
