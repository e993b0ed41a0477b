"""Property tests of the activity model: level, bars and percentage stay honest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from workdiary.core.activity import activity_of
from workdiary.core.model import MinuteRecord

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
minutes = st.lists(
    st.builds(
        MinuteRecord,
        at=st.just(T0),
        seconds=st.integers(1, 60),
        keys=st.integers(0, 500),
        clicks=st.integers(0, 50),
        scrolls=st.integers(0, 50),
        moves=st.integers(0, 500),
        active_seconds=st.integers(0, 60),
        idle=st.booleans(),
    ),
    max_size=60,
).map(lambda ms: [MinuteRecord(**{**_fields(m), "at": T0 + timedelta(minutes=i)})
                  for i, m in enumerate(ms)])


def _fields(minute: MinuteRecord) -> dict[str, object]:
    return {name: getattr(minute, name) for name in MinuteRecord.__dataclass_fields__}


@given(minutes)
def test_activity_is_bounded_and_never_overstates(records: list[MinuteRecord]) -> None:
    activity = activity_of(records)
    assert activity.tracked_minutes == len(records)
    assert activity.active_minutes == sum(1 for m in records if m.has_input and not m.idle)
    assert 0.0 <= activity.level <= 1.0
    assert 0 <= activity.bars <= 10 and activity.bars <= 10 * activity.level + 1e-9
    assert 0 <= activity.percent <= 100
    assert activity.active_seconds <= activity.tracked_seconds


@given(minutes)
def test_idle_minutes_never_count_as_active(records: list[MinuteRecord]) -> None:
    idled = [MinuteRecord(**{**_fields(m), "idle": True}) for m in records]
    activity = activity_of(idled)
    assert activity.active_minutes == 0 and activity.bars == 0 and activity.percent == 0
