"""Recording a segment minute by minute into any store, for the store tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workdiary.core.model import MinuteRecord
from workdiary.store.protocols import RecordingStore

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def record(
    store: RecordingStore, segment_id: str, start: datetime, minutes: int, close: bool = True
) -> None:
    """``minutes`` minutes from ``start`` (keys 0, 1, 2, ...), closed unless ``close`` is False."""
    store.start_segment(segment_id, "c-1", start, start + timedelta(minutes=10), memo="work")
    for index in range(minutes):
        store.add_minute(segment_id, MinuteRecord(at=start + timedelta(minutes=index), keys=index))
    if close:
        store.close_segment(segment_id, start + timedelta(minutes=minutes))
