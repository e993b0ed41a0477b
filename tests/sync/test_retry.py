"""Backoff with jitter, Retry-After, and giving up after the configured attempts."""

from __future__ import annotations

import random

import pytest

from workdiary.sync.api import Rejected, Transient
from workdiary.sync.retry import RetryPolicy, Stopped, call_with_retry


def test_transient_failures_are_retried_until_success() -> None:
    waits: list[float] = []
    calls = iter([Transient("down"), Transient("down", retry_after=3.0), "done"])

    def action() -> str:
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    policy = RetryPolicy(attempts=5, base=1.0, cap=10.0)
    assert call_with_retry(action, policy, rng=random.Random(1),
                           wait=lambda s: waits.append(s) is not None) == "done"
    assert len(waits) == 2 and 0 <= waits[0] <= 1.0 and waits[1] == 3.0


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base=1.0, cap=8.0)
    rng = random.Random(3)
    bounds = [max(policy.delay(n, rng) for _ in range(200)) for n in range(6)]
    assert bounds[0] <= 1.0 < bounds[2] <= 4.0 < bounds[3] <= 8.0
    assert max(bounds) <= 8.0


def test_gives_up_after_the_attempts() -> None:
    count = 0

    def action() -> None:
        nonlocal count
        count += 1
        raise Transient("still down")

    with pytest.raises(Transient):
        call_with_retry(action, RetryPolicy(attempts=3), rng=random.Random(), wait=lambda s: False)
    assert count == 3


def test_rejections_are_not_retried() -> None:
    count = 0

    def action() -> None:
        nonlocal count
        count += 1
        raise Rejected(422, "invalid", "bad")

    with pytest.raises(Rejected):
        call_with_retry(action, RetryPolicy(attempts=3), rng=random.Random(), wait=lambda s: False)
    assert count == 1


def test_a_stop_request_interrupts_the_wait() -> None:
    def action() -> None:
        raise Transient("down")

    with pytest.raises(Stopped):
        call_with_retry(action, RetryPolicy(attempts=3), rng=random.Random(), wait=lambda s: True)
