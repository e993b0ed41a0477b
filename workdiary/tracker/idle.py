"""Applying an idle decision: discarded idle minutes leave the store, segment by segment."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from workdiary.tracker.events import IdlePeriod
from workdiary.tracker.ports import RecordingStore


def discard_idle(period: IdlePeriod) -> bool:
    """The headless decision: idle time is not billed."""
    return False


def apply_idle_decision(store: RecordingStore, period: IdlePeriod, keep: bool) -> None:
    """Keep: the minutes stay, marked idle. Discard: they (and screenshots taken in them) are
    removed; a closed segment left empty becomes a tombstone, an open one is dropped on close."""
    if keep:
        return
    by_segment: dict[str, list[datetime]] = defaultdict(list)
    for minute in period.minutes:
        by_segment[minute.segment_id].append(minute.at)
    for segment_id, ats in by_segment.items():
        store.discard_minutes(segment_id, ats)
