"""Property tests of the UTC segment grid, partial segments and minutes, in local time zones."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from workdiary.core.model import VALID_SEGMENT_MINUTES
from workdiary.core.timegrid import (
    floor_minute,
    local_day_bounds,
    minute_spans,
    segment_end,
    segment_start,
    split_on_grid,
    tracked_minutes,
)

# Zones with DST (including 30-minute DST in Lord Howe) and odd offsets (+5:45, +12:45).
ZONES = [ZoneInfo(name) for name in (
    "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
    "Pacific/Chatham", "America/Santiago", "UTC",
)]
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
local_instants = st.tuples(instants, st.sampled_from(ZONES)).map(
    lambda pair: pair[0].astimezone(pair[1])
)
grids = st.sampled_from(VALID_SEGMENT_MINUTES)


@given(local_instants, grids)
def test_segment_contains_moment_and_sits_on_the_utc_grid(moment: datetime, grid: int) -> None:
    start, end = segment_start(moment, grid), segment_end(moment, grid)
    assert start <= moment < end
    assert end - start == timedelta(minutes=grid)
    assert start.tzinfo == UTC and start.second == 0 and start.minute % grid == 0
    # The grid is UTC's: the zone the moment is written in changes nothing.
    assert start == segment_start(moment.astimezone(UTC), grid)


@given(local_instants, st.integers(1, 5 * 24 * 3600), grids)
def test_split_covers_exactly_with_partials_only_at_the_ends(
    start: datetime, seconds: int, grid: int
) -> None:
    # Aware arithmetic in a local zone is wall-clock arithmetic in Python; elapsed time is UTC's.
    end = (start.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(start.tzinfo)
    pieces = split_on_grid(start, end, grid)
    assert pieces[0][0] == start and pieces[-1][1] == end
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    assert sum((b - a for a, b in pieces), timedelta()) == end - start
    for index, (a, b) in enumerate(pieces):
        assert segment_start(a, grid) == segment_start(b - timedelta(seconds=1), grid)
        whole = b - a == timedelta(minutes=grid)
        if 0 < index < len(pieces) - 1:
            assert whole  # only the first and last segment may be partial


@given(local_instants, st.integers(1, 6 * 3600))
def test_minute_spans_account_for_every_second_once(start: datetime, seconds: int) -> None:
    end = (start.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(start.tzinfo)
    spans = list(minute_spans(start, end))
    assert sum(s for _, s in spans) == seconds
    ats = [at for at, _ in spans]
    assert ats == sorted(set(ats))
    assert all(1 <= s <= 60 and at == floor_minute(at) for at, s in spans)
    # Billed minutes are exact, never rounded up.
    assert tracked_minutes(start, end) == seconds // 60


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2039, 12, 30)),
       st.sampled_from(ZONES))
# Santiago moved its clocks from 00:00 to 01:00 that night: the day had no midnight.
@example(date(2000, 10, 15), ZoneInfo("America/Santiago"))
def test_local_days_tile_time_across_dst(day: date, zone: ZoneInfo) -> None:
    start, end = local_day_bounds(day, zone)
    next_start, _ = local_day_bounds(day + timedelta(days=1), zone)
    assert end == next_start
    hours = (end - start).total_seconds() / 3600
    assert hours in (23, 23.5, 24, 24.5, 25)
    # The day's first instant: local midnight, or where the clocks land when they jump over it.
    local = start.astimezone(zone)
    assert local.date() == day
    assert (local.hour, local.minute) == (0, 0) or (
        (start - timedelta(seconds=1)).astimezone(zone).date() < day)


def test_dst_days_in_berlin_are_23_and_25_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    spring = local_day_bounds(date(2026, 3, 29), berlin)
    autumn = local_day_bounds(date(2026, 10, 25), berlin)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    # The 10-minute grid goes on in UTC straight through the local change.
    change = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 CET -> 03:00 CEST
    pieces = split_on_grid(change - timedelta(minutes=20), change + timedelta(minutes=20), 10)
    assert len(pieces) == 4 and all(b - a == timedelta(minutes=10) for a, b in pieces)
