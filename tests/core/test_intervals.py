"""IntervalIndex answers exactly what a scan of every interval answers, however they lie."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from workdiary.core.intervals import IntervalIndex

BASE = datetime(2026, 11, 23, tzinfo=UTC)
# Minutes from BASE and lengths in minutes: overlapping, touching, nested, long and empty ones.
spans = st.tuples(st.integers(0, 600), st.integers(0, 180))


def interval(offset: int, length: int) -> tuple[datetime, datetime]:
    start = BASE + timedelta(minutes=offset)
    return start, start + timedelta(minutes=length)


def scan(held: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return any(other_start < end and start < other_end for other_start, other_end in held)


@settings(max_examples=300, deadline=None)
@given(loaded=st.lists(spans, max_size=30), added=st.lists(spans, max_size=30),
       queries=st.lists(spans, min_size=1, max_size=20))
def test_overlaps_matches_a_scan_of_every_interval(
        loaded: list[tuple[int, int]], added: list[tuple[int, int]],
        queries: list[tuple[int, int]]) -> None:
    held = [interval(*span) for span in loaded]
    index = IntervalIndex(held)
    for span in added:  # as a batch adds each accepted segment, checking before each
        for query in queries:
            assert index.overlaps(*interval(*query)) == scan(held, *interval(*query))
        index.add(*interval(*span))
        held.append(interval(*span))
    for query in queries:
        assert index.overlaps(*interval(*query)) == scan(held, *interval(*query))
    assert sorted(index) == sorted(held) and len(index) == len(held)
    assert [start for start, _ in index] == sorted(start for start, _ in held)  # by start


def test_touching_intervals_do_not_overlap_and_a_long_one_is_found_from_far() -> None:
    index = IntervalIndex([interval(0, 10)])
    assert not index.overlaps(*interval(10, 10))  # [start, end): touching is not overlapping
    assert not index.overlaps(*interval(-10, 10))
    index.add(*interval(20, 300))  # starts long before the query below
    index.add(*interval(100, 5))
    assert index.overlaps(*interval(250, 1))
    assert not index.overlaps(*interval(400, 10))
