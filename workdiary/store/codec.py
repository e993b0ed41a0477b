"""Rows to domain objects and back: epoch seconds in the database, aware UTC datetimes outside."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from workdiary.core.model import ActivitySource, MinuteRecord, ScreenshotRef, Segment, SegmentKind

SEGMENT_COLUMNS = (
    "pk, id, contract_id, kind, start_at, end_at, memo, redacted, device_id, seq, prev_hash, "
    "signature, closed_at"
)
MINUTE_COLUMNS = "at, seconds, keys, clicks, scrolls, moves, active_seconds, idle, source"
# The minutes.source column: integers, like the rest of the row.
SOURCE_CODES = {ActivitySource.COUNTS: 0, ActivitySource.IDLE_MONITOR: 1}
SOURCES_BY_CODE = {code: source for source, code in SOURCE_CODES.items()}
SCREENSHOT_COLUMNS = (
    "taken_at, sha256, width, height, size, thumb_sha256, error, app, window_title, blurred, "
    "redacted"
)
SYNC_COLUMNS = (
    "sync_state, server_status, server_reasons, billable_seconds, quarantine_reason, "
    "last_error, uploaded_at, uploaded, delete_pending, closed_at, memo_edit, memo_edited"
)


def to_epoch(moment: datetime) -> int:
    """Whole epoch seconds (the wire form is to the second, so nothing is lost)."""
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True, slots=True)
class SyncInfo:
    """A segment's local sync state: what was uploaded, and the server's verdict."""

    sync_state: str  # pending | uploaded | quarantined
    server_status: str | None
    server_reasons: list[str]
    billable_seconds: int | None  # the server's verdict, to the second
    quarantine_reason: str | None
    last_error: str | None
    uploaded_at: datetime | None
    uploaded: bool  # the server has this segment (kept when a later delete is queued)
    delete_pending: bool  # deleted locally after upload: the server DELETE is still due
    closed_at: datetime | None  # None while the segment is being recorded
    memo_edit: str | None = None  # a memo edit of the uploaded segment, still to be sent
    memo_edited: bool = False  # the server took a memo edit of it


def sync_info_from_row(row: tuple[Any, ...]) -> SyncInfo:
    (state, status, reasons, billable, quarantine, error, uploaded_at, uploaded, delete_pending,
     closed_at, memo_edit, memo_edited) = tuple(row)
    return SyncInfo(
        sync_state=str(state),
        server_status=None if status is None else str(status),
        server_reasons=list(json.loads(str(reasons))) if reasons else [],
        billable_seconds=None if billable is None else int(billable),
        quarantine_reason=None if quarantine is None else str(quarantine),
        last_error=None if error is None else str(error),
        uploaded_at=None if uploaded_at is None else from_epoch(int(uploaded_at)),
        uploaded=bool(uploaded),
        delete_pending=bool(delete_pending),
        closed_at=None if closed_at is None else from_epoch(int(closed_at)),
        memo_edit=None if memo_edit is None else str(memo_edit),
        memo_edited=bool(memo_edited),
    )


def minute_values(segment_pk: int, minute: MinuteRecord) -> tuple[int, ...]:
    return (
        segment_pk, to_epoch(minute.at), minute.seconds, minute.keys, minute.clicks,
        minute.scrolls, minute.moves, minute.active_seconds, int(minute.idle),
        SOURCE_CODES[minute.source],
    )


def minute_from_row(row: tuple[int, ...]) -> MinuteRecord:
    at, seconds, keys, clicks, scrolls, moves, active_seconds, idle, source = row
    return MinuteRecord(
        at=from_epoch(at), seconds=seconds, keys=keys, clicks=clicks, scrolls=scrolls,
        moves=moves, active_seconds=active_seconds, idle=bool(idle),
        source=SOURCES_BY_CODE[source],
    )


def screenshot_values(segment_pk: int, shot: ScreenshotRef) -> tuple[Any, ...]:
    return (
        segment_pk, to_epoch(shot.taken_at), shot.sha256, shot.width, shot.height, shot.size,
        shot.thumb_sha256, shot.error, shot.app, shot.window_title, int(shot.blurred),
        int(shot.redacted),
    )


def screenshot_from_row(row: tuple[Any, ...]) -> ScreenshotRef:
    (taken_at, sha, width, height, size, thumb, error, app, title, blurred, redacted) = row
    return ScreenshotRef(
        taken_at=from_epoch(int(taken_at)),
        sha256=None if sha is None else str(sha),
        width=int(width), height=int(height), size=int(size),
        thumb_sha256=None if thumb is None else str(thumb),
        error=None if error is None else str(error),
        app=None if app is None else str(app),
        window_title=None if title is None else str(title),
        blurred=bool(blurred), redacted=bool(redacted),
    )


def segment_from_row(
    row: tuple[Any, ...],
    minutes: tuple[MinuteRecord, ...],
    screenshots: tuple[ScreenshotRef, ...],
) -> Segment:
    """A stored segment; an open one ends at its last recorded minute (or its planned end
    while it has none), so it is a valid Segment at any time."""
    (_pk, seg_id, contract_id, kind, start_at, end_at, memo, redacted, device_id, seq,
     prev_hash, signature, closed_at) = row
    start = from_epoch(int(start_at))
    end = from_epoch(int(end_at))
    if closed_at is None and minutes:
        # A finished minute ends at the next wall-clock minute.
        end = min(end, minutes[-1].at + timedelta(minutes=1))
    return Segment(
        id=str(seg_id), contract_id=str(contract_id), start=start, end=end,
        kind=SegmentKind(str(kind)), memo=str(memo), minutes=minutes, screenshots=screenshots,
        redacted=bool(redacted), device_id=str(device_id),
        seq=0 if seq is None else int(seq),
        prev_hash=str(prev_hash), signature=str(signature),
    )
