"""The desktop's one read model: a local day of the diary and the status now, from the cache.

`workdiary diary` and `workdiary status` print these views, the tray app's diary window,
main window and tray render them. One rule for time everywhere (docs/design.md, "Billed time"):
a segment's billed minutes are ``floor(sum of its minutes' seconds / 60)``, and a total is
the sum of its segments' billed minutes, so every place shows the same number.

Runs on the store's worker (the GUI's TaskManager) or the CLI's main thread; no Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from workdiary.core.activity import Activity, activity_of
from workdiary.core.canonical import minute_to_dict, screenshot_to_dict
from workdiary.core.model import ActivitySource, Segment, SegmentKind
from workdiary.core.timegrid import isoformat_z, local_day_bounds
from workdiary.core.verify import Verdict
from workdiary.core.week import lock_time, week_start
from workdiary.store import LocalStore, SyncInfo
from workdiary.store.precheck import precheck_segment
from workdiary.sync.status import sync_status


def billed_minutes(segments: list[Segment]) -> int:
    """The billed time of these segments: each segment floored on its own, tombstones 0."""
    return sum(s.tracked_minutes for s in segments if s.kind is not SegmentKind.TOMBSTONE)


IDLE_TIME_NOTE = "activity measured from idle time (input is not counted on this desktop)"


def measured_from_idle(segment: Segment) -> bool:
    """Whether this segment's activity came from the desktop's idle time, not input counts
    (native Wayland without evdev): the diaries say so next to its activity."""
    return any(m.source is ActivitySource.IDLE_MONITOR for m in segment.minutes)


def mark_shown(store: LocalStore, view: DayView, now: datetime) -> None:
    """The user was shown this day (`workdiary diary`, the tray's diary window): its closed
    segments count as seen, so `workdiary sync --now` may send them before their review
    window ends (docs/design.md, "Seen segments")."""
    store.mark_seen([row.segment.id for row in view.rows if row.sync.closed_at is not None],
                    now)


# -- a day ---------------------------------------------------------------------------------

class DayRow(NamedTuple):
    segment: Segment
    sync: SyncInfo
    expected: Verdict | None  # the pre-check's verdict, until the server has judged it


@dataclass(frozen=True, slots=True)
class DayTotals:
    segments: int
    tracked_minutes: int
    billable_minutes: int
    active_minutes: int
    screenshots: int
    deleted: int


@dataclass(frozen=True, slots=True)
class DayView:
    day: date
    tz: ZoneInfo
    rows: list[DayRow]  # by start; tombstones and the open segment included
    week_boundary: datetime | None  # Monday 00:00 UTC when it falls inside this local day
    totals: DayTotals

    def to_json(self) -> dict[str, Any]:
        """``{date, tz, week_boundary, segments, totals}``: `workdiary diary --json`."""
        return {
            "date": self.day.isoformat(),
            "tz": self.tz.key,
            "week_boundary": isoformat_z(self.week_boundary) if self.week_boundary else None,
            "segments": [row_json(row) for row in self.rows],
            "totals": {
                "segments": self.totals.segments,
                "tracked_minutes": self.totals.tracked_minutes,
                "billable_minutes": self.totals.billable_minutes,
                "active_minutes": self.totals.active_minutes,
                "screenshots": self.totals.screenshots,
                "deleted": self.totals.deleted,
            },
        }


def day_view(store: LocalStore, day: date, tz: ZoneInfo, now: datetime,
             contract_id: str | None = None) -> DayView:
    """One local day: each segment with its sync state and, for a closed segment not yet
    uploaded, the verdict the protection pre-check expects."""
    start, end = local_day_bounds(day, tz)
    rows = []
    for segment in store.segments_between(start, end, contract_id):
        info = store.sync_info(segment.id)
        expected = None
        if (info.closed_at is not None and not info.uploaded
                and segment.kind is not SegmentKind.TOMBSTONE):
            expected = precheck_segment(store, segment, now)
        rows.append(DayRow(segment, info, expected))
    live = [row for row in rows if row.segment.kind is not SegmentKind.TOMBSTONE]
    boundary = week_start(end - timedelta(seconds=1))
    totals = DayTotals(
        segments=len(live),
        tracked_minutes=billed_minutes([row.segment for row in live]),
        billable_minutes=sum(_billable(row) for row in live),
        active_minutes=sum(activity_of(row.segment.minutes).active_minutes for row in live),
        screenshots=sum(len(row.segment.screenshots) for row in live),
        deleted=len(rows) - len(live),
    )
    return DayView(day, tz, rows, boundary if start <= boundary < end else None, totals)


def _billable(row: DayRow) -> int:
    """The server's billable minutes once judged, else the tracked (billed) minutes."""
    if row.sync.billable_minutes is not None:
        return row.sync.billable_minutes
    return row.segment.tracked_minutes


def row_json(row: DayRow) -> dict[str, Any]:
    """DESIGN.md's diary segment shape plus the local sync state and the pre-check."""
    segment, info, expected = row
    precheck = None if expected is None else {
        "status": expected.status.value,
        "billable_minutes": expected.billable_minutes,
        "reasons": [reason.value for reason in expected.reasons],
    }
    return {
        "id": segment.id,
        "contract_id": segment.contract_id,
        "start": isoformat_z(segment.start),
        "end": isoformat_z(segment.end),
        "kind": segment.kind.value,
        "status": info.server_status,
        "billable_minutes": _billable(row),
        "reasons": info.server_reasons,
        "memo": segment.memo,
        "memo_edited": info.memo_edited,
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
            "memo_edit": info.memo_edit,
            "last_error": info.last_error,
            "quarantine_reason": info.quarantine_reason,
            "precheck": precheck,
        },
    }


# -- now -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StatusView:
    now: datetime
    tz: ZoneInfo
    recording_elsewhere: bool  # the tracker lock is held: someone is clocked in
    open_segment: Segment | None  # being recorded, or left open by a crash
    contract_title: str | None
    today_minutes: int  # billed minutes of the segments of today's diary
    week_minutes: int  # billed minutes of this UTC week (Monday 00:00 UTC on)
    week_start: datetime
    current: Segment | None  # the segment asked about (the tray's current one)
    previous_activity: Activity | None  # the last segment with minutes before ``current``
    sync: dict[str, Any]  # workdiary.sync.status.sync_status

    @property
    def interrupted(self) -> bool:
        return self.open_segment is not None and not self.recording_elsewhere

    def to_json(self) -> dict[str, Any]:
        """`workdiary status --json`."""
        segment = self.open_segment
        return {
            "clocked_in": self.recording_elsewhere,
            "interrupted": self.interrupted,
            "contract_id": segment.contract_id if segment else None,
            "contract_title": self.contract_title,
            "segment": None if segment is None else {
                "id": segment.id,
                "start": isoformat_z(segment.start),
                "tracked_seconds": segment.tracked_seconds,
            },
            "today_minutes": self.today_minutes,
            "week_minutes": self.week_minutes,
            "week_start": isoformat_z(self.week_start),
            "week_locks_at": isoformat_z(lock_time(self.week_start)),
            "tz": self.tz.key,
            **self.sync,
        }


def status_view(store: LocalStore, now: datetime, tz: ZoneInfo, *,
                recording_elsewhere: bool, segment_id: str | None = None,
                grace_seconds: float = 120.0) -> StatusView:
    """Read the store once for `status`, the main window and the tray."""
    day_start, day_end = local_day_bounds(now.astimezone(tz).date(), tz)
    week_from = week_start(now)
    week_end = week_from + timedelta(days=7)
    segments = store.segments_between(min(day_start, week_from), max(day_end, week_end))

    def overlapping(start: datetime, end: datetime) -> list[Segment]:
        return [s for s in segments if s.start < end and s.end > start]  # as the diary lists

    open_segment = store.open_segment()
    contract = store.contract(open_segment.contract_id) if open_segment else None
    current = store.segment(segment_id) if segment_id else None
    earlier = [s for s in segments if s.minutes and s.id != segment_id
               and (current is None or s.start < current.start)]
    return StatusView(
        now=now, tz=tz, recording_elsewhere=recording_elsewhere, open_segment=open_segment,
        contract_title=contract.title if contract else None,
        today_minutes=billed_minutes(overlapping(day_start, day_end)),
        week_minutes=billed_minutes(overlapping(week_from, week_end)),
        week_start=week_from, current=current,
        previous_activity=activity_of(earlier[-1].minutes) if earlier else None,
        sync=sync_status(store, now, grace_seconds),
    )
