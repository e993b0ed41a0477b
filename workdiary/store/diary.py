"""The local diary of a day: DESIGN.md's diary shape built from the cache, with sync state."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workdiary.core.activity import activity_of
from workdiary.core.canonical import minute_to_dict, screenshot_to_dict
from workdiary.core.model import Segment, SegmentKind
from workdiary.core.timegrid import isoformat_z, local_day_bounds
from workdiary.core.week import week_start
from workdiary.store.local import LocalStore
from workdiary.store.precheck import precheck_segment


def segment_json(segment: Segment, store: LocalStore, now: datetime | None = None
                 ) -> dict[str, Any]:
    """DESIGN.md's diary segment shape, from the local cache, plus the local sync state and,
    for a closed segment not yet uploaded, the pre-check verdict (when ``now`` is given)."""
    info = store.sync_info(segment.id)
    precheck = None
    if (now is not None and info.closed_at is not None and not info.uploaded
            and segment.kind is not SegmentKind.TOMBSTONE):
        verdict = precheck_segment(store, segment, now)
        precheck = {
            "status": verdict.status.value,
            "billable_minutes": verdict.billable_minutes,
            "reasons": [reason.value for reason in verdict.reasons],
        }
    return {
        "id": segment.id,
        "contract_id": segment.contract_id,
        "start": isoformat_z(segment.start),
        "end": isoformat_z(segment.end),
        "kind": segment.kind.value,
        "status": info.server_status,
        "billable_minutes": (info.billable_minutes if info.billable_minutes is not None
                             else segment.tracked_minutes),
        "reasons": info.server_reasons,
        "memo": segment.memo,
        "redacted": segment.redacted,
        "tracked_minutes": segment.tracked_minutes,
        "minutes": [minute_to_dict(m) for m in segment.minutes],
        "screenshots": [screenshot_to_dict(s) for s in segment.screenshots],
        "sync": {
            "state": info.sync_state,
            "recording": info.closed_at is None,
            "device_id": segment.device_id,
            "seq": segment.seq,
            "signed": bool(segment.signature),
            "uploaded": info.uploaded,
            "uploaded_at": isoformat_z(info.uploaded_at) if info.uploaded_at else None,
            "delete_pending": info.delete_pending,
            "last_error": info.last_error,
            "quarantine_reason": info.quarantine_reason,
            "precheck": precheck,
        },
    }


def diary_data(store: LocalStore, day: date, tz: ZoneInfo, contract_id: str | None,
               now: datetime | None = None) -> dict[str, Any]:
    """``{date, tz, week_boundary, segments, totals}`` for one local day (tombstones shown);
    with ``now``, unsent segments carry the pre-check verdict in ``sync.precheck``."""
    start, end = local_day_bounds(day, tz)
    segments = store.segments_between(start, end, contract_id)
    shown = [segment_json(s, store, now) for s in segments]
    live = [s for s in segments if s.kind is not SegmentKind.TOMBSTONE]
    boundary = week_start(end - timedelta(seconds=1))
    return {
        "date": day.isoformat(),
        "tz": tz.key,
        "week_boundary": isoformat_z(boundary) if start <= boundary < end else None,
        "segments": shown,
        "totals": {
            "segments": len(live),
            "tracked_minutes": sum(s.tracked_minutes for s in live),
            "billable_minutes": sum(item["billable_minutes"] for item in shown
                                    if item["kind"] != SegmentKind.TOMBSTONE.value),
            "active_minutes": sum(activity_of(s.minutes).active_minutes for s in live),
            "screenshots": sum(len(s.screenshots) for s in live),
            "deleted": len(segments) - len(live),
        },
    }
