"""Billing by the second: minutes shown, cents invoiced, rounded once (core/billing.py)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workdiary.core.billing import amount_cents, whole_minutes


def test_three_20_second_segments_at_100_an_hour_are_one_minute_and_167_cents() -> None:
    seconds = [20, 20, 20]
    assert amount_cents(sum(seconds), 10_000) == 167  # rounded once on the week's total
    assert sum(amount_cents(s, 10_000) for s in seconds) == 168  # per segment: 3 x 56 c
    assert whole_minutes(sum(seconds)) == 1


def test_a_38_second_segment_is_worth_its_seconds() -> None:
    assert amount_cents(38, 3600) == 38  # $36/h is one cent a second
    assert amount_cents(38, 10_000) == 106  # 105.56 c rounds up
    assert whole_minutes(38) == 0


def test_half_a_cent_rounds_up() -> None:
    assert amount_cents(18, 100) == 1  # 0.5 c
    assert amount_cents(17, 100) == 0  # 0.47 c
    assert amount_cents(54, 100) == 2  # 1.5 c: half up, not to even
    assert amount_cents(0, 10_000) == 0


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        amount_cents(-1, 100)


@given(seconds=st.integers(min_value=0, max_value=7 * 24 * 3600),
       rate=st.integers(min_value=0, max_value=10_000_000))
def test_amount_is_the_decimal_half_up_rounding(seconds: int, rate: int) -> None:
    exact = Decimal(seconds) * Decimal(rate) / Decimal(3600)
    assert amount_cents(seconds, rate) == int(exact.quantize(Decimal(1), ROUND_HALF_UP))
    # Never more than half a cent away from the exact value.
    assert abs(Decimal(amount_cents(seconds, rate)) - exact) <= Decimal("0.5")


@given(st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=50),
       st.integers(min_value=1, max_value=100_000))
def test_rounding_once_is_within_half_a_cent_of_the_exact_week(segments: list[int],
                                                                rate: int) -> None:
    exact = Decimal(sum(segments)) * rate / 3600
    assert abs(amount_cents(sum(segments), rate) - exact) <= Decimal("0.5")
