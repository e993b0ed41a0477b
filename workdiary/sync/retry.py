"""Retrying transient failures: exponential backoff with full jitter, honouring Retry-After."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from workdiary.sync.api import Transient

T = TypeVar("T")


class Stopped(Exception):
    """The wait before a retry was interrupted because the worker is stopping."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5  # tries per request within one sync pass
    base: float = 0.5  # seconds; the n-th retry waits up to base * 2**n
    cap: float = 60.0  # never wait longer than this between tries

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(self.cap, retry_after)
        # Full jitter: many desktops coming back online at once do not retry in lockstep.
        return rng.uniform(0, min(self.cap, self.base * (2 ** attempt)))


def call_with_retry(
    action: Callable[[], T],
    policy: RetryPolicy,
    *,
    rng: random.Random,
    wait: Callable[[float], bool],
) -> T:
    """Run ``action``; on ``Transient`` wait and retry up to ``policy.attempts`` times.

    ``wait(seconds)`` returns True when the caller wants to stop (then ``Stopped`` is raised).
    The last ``Transient`` propagates when every attempt failed.
    """
    for attempt in range(policy.attempts):
        try:
            return action()
        except Transient as exc:
            if attempt == policy.attempts - 1:
                raise
            if wait(policy.delay(attempt, rng, exc.retry_after)):
                raise Stopped() from exc
    raise AssertionError("unreachable: attempts >= 1")
