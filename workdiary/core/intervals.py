"""Time intervals kept sorted, so an overlap check looks at a few neighbours, not at all of them.

A batch of uploaded segments is checked for overlaps one segment at a time against the
freelancer's other billable time, which grows by each segment accepted: a plain list made a
batch of n segments cost n^2 / 2 comparisons (125,000 for the largest batch).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import overload


class IntervalIndex(Sequence[tuple[datetime, datetime]]):
    """[start, end) intervals sorted by start; they may overlap each other.

    Any interval that overlaps [start, end) starts before ``end`` and, being no longer than
    the longest one held, after ``start - longest``: only those are compared.
    """

    def __init__(self, intervals: Iterable[tuple[datetime, datetime]] = ()) -> None:
        self._items = sorted(intervals)
        self._starts = [start for start, _ in self._items]
        self._longest = max((end - start for start, end in self._items), default=timedelta(0))

    def add(self, start: datetime, end: datetime) -> None:
        at = bisect_right(self._starts, start)
        self._starts.insert(at, start)
        self._items.insert(at, (start, end))
        self._longest = max(self._longest, end - start)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether any interval held shares time with [start, end)."""
        first = bisect_right(self._starts, start - self._longest)
        last = bisect_left(self._starts, end)
        return any(other_start < end and start < other_end
                   for other_start, other_end in self._items[first:last])

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> tuple[datetime, datetime]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[datetime, datetime]]: ...

    def __getitem__(self, index: int | slice
                    ) -> tuple[datetime, datetime] | Sequence[tuple[datetime, datetime]]:
        return self._items[index]

    def __iter__(self) -> Iterator[tuple[datetime, datetime]]:
        return iter(self._items)
