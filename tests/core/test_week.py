"""Property tests of the UTC billing week, its lock and review times, seen from local zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from workdiary.core.week import (
    WeekPhase,
    is_locked,
    lock_time,
    review_deadline,
    week_end,
    week_phase,
    week_start,
)

ZONES = [ZoneInfo(name) for name in (
    "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
    "Asia/Kathmandu", "America/Santiago",
)]
local_instants = st.tuples(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1),
                 timezones=st.just(UTC)),
    st.sampled_from(ZONES),
).map(lambda pair: pair[0].astimezone(pair[1]))


@given(local_instants)
def test_week_is_monday_to_monday_utc(moment: datetime) -> None:
    start = week_start(moment)
    assert start.tzinfo == UTC and start.weekday() == 0
    assert (start.hour, start.minute, start.second, start.microsecond) == (0, 0, 0, 0)
    assert start <= moment < week_end(start) == start + timedelta(days=7)
    assert week_start(moment.astimezone(UTC)) == start  # the viewer's zone changes nothing


@given(local_instants)
def test_lock_and_review_times(moment: datetime) -> None:
    start = week_start(moment)
    locks = lock_time(start)
    assert locks.weekday() == 0 and (locks.hour, locks.minute) == (12, 0)
    assert locks == start + timedelta(days=7, hours=12)  # exactly, whatever DST did locally
    deadline = review_deadline(start)
    assert deadline.weekday() == 4 and (deadline.hour, deadline.minute) == (23, 59)
    assert not is_locked(moment, locks - timedelta(seconds=1))
    assert is_locked(moment, locks)


@given(local_instants, st.integers(0, 20 * 24 * 3600))
def test_phases_only_move_forward(moment: datetime, later: int) -> None:
    start = week_start(moment)
    order = [WeekPhase.OPEN, WeekPhase.IN_REVIEW, WeekPhase.CLOSED]
    now = start + timedelta(seconds=later)
    first = week_phase(start, now)
    second = week_phase(start, now + timedelta(hours=7))
    assert order.index(first) <= order.index(second)


def test_lock_time_seen_across_a_dst_weekend() -> None:
    # The week of 2026-10-19 ends on the weekend Europe leaves summer time: the lock is
    # still Monday 12:00 UTC, which is 13:00 in Berlin after the change (14:00 before it).
    start = week_start(datetime(2026, 10, 21, tzinfo=UTC))
    locks = lock_time(start).astimezone(ZoneInfo("Europe/Berlin"))
    assert locks.isoformat() == "2026-10-26T13:00:00+01:00"
