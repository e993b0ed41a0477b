"""The desktop's one read model: a local day of the diary and the status now, from the cache.

`workdiary diary` and `workdiary status` print these views, the tray app's diary window,
main window and tray render them. One rule for time everywhere (docs/design.md, "Billed time"):
a segment bills the sum of its minutes' seconds, a total is the sum of its segments' seconds,
and a ``*_minutes`` figure is ``floor(total seconds / 60)`` of that total, so every place
shows the same number.

Runs on the store's worker (the GUI's TaskManager) or the CLI's main thread; no Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from workdiary.core.activity import Activity, activity_of
from workdiary.core.billing import whole_minutes
from workdiary.core.canonical import minute_to_dict, screenshot_to_dict
from workdiary.core.model import ActivitySource, Segment, SegmentKind
from workdiary.core.timegrid import isoformat_z, local_day_bounds
from workdiary.core.verify import Verdict
from workdiary.core.week import lock_time, week_start
from workdiary.store import LocalStore, SyncInfo
from workdiary.store.precheck import precheck_segment
from workdiary.sync.status import sync_status


def billed_seconds(segments: list[Segment]) -> int:
    """The billed time of these segments, in seconds; tombstones 0."""
    return sum(s.tracked_seconds for s in segments if s.kind is not SegmentKind.TOMBSTONE)


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
    tracked_seconds: int
    billable_seconds: int
    active_minutes: int
    screenshots: int
    deleted: int

    @property
    def tracked_minutes(self) -> int:
        return whole_minutes(self.tracked_seconds)

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)


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
                "tracked_seconds": self.totals.tracked_seconds,
                "billable_minutes": self.totals.billable_minutes,
                "billable_seconds": self.totals.billable_seconds,
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
        tracked_seconds=billed_seconds([row.segment for row in live]),
        billable_seconds=sum(_billable(row) for row in live),
        active_minutes=sum(activity_of(row.segment.minutes).active_minutes for row in live),
        screenshots=sum(len(row.segment.screenshots) for row in live),
        deleted=len(rows) - len(live),
    )
    return DayView(day, tz, rows, boundary if start <= boundary < end else None, totals)


def _billable(row: DayRow) -> int:
    """The server's billable seconds once judged, else the tracked (billed) seconds."""
    if row.sync.billable_seconds is not None:
        return row.sync.billable_seconds
    return row.segment.tracked_seconds


def row_json(row: DayRow) -> dict[str, Any]:
    """DESIGN.md's diary segment shape plus the local sync state and the pre-check."""
    segment, info, expected = row
    precheck = None if expected is None else {
        "status": expected.status.value,
        "billable_minutes": expected.billable_minutes,
        "billable_seconds": expected.billable_seconds,
        "reasons": [reason.value for reason in expected.reasons],
    }
    return {
        "id": segment.id,
        "contract_id": segment.contract_id,
        "start": isoformat_z(segment.start),
        "end": isoformat_z(segment.end),
        "kind": segment.kind.value,
        "status": info.server_status,
        "billable_minutes": whole_minutes(_billable(row)),
        "billable_seconds": _billable(row),
        "reasons": info.server_reasons,
        "memo": segment.memo,
        "memo_edited": info.memo_edited,
        "redacted": segment.redacted,
        "tracked_minutes": segment.tracked_minutes,
        "tracked_seconds": segment.tracked_seconds,
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
    today_seconds: int  # billed seconds of the segments of today's diary
    week_seconds: int  # billed seconds of this UTC week (Monday 00:00 UTC on)
    week_start: datetime
    current: Segment | None  # the segment asked about (the tray's current one)
    previous_activity: Activity | None  # the last segment with minutes before ``current``
    sync: dict[str, Any]  # workdiary.sync.status.sync_status

    @property
    def today_minutes(self) -> int:
        return whole_minutes(self.today_seconds)

    @property
    def week_minutes(self) -> int:
        return whole_minutes(self.week_seconds)

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
            "today_seconds": self.today_seconds,
            "week_minutes": self.week_minutes,
            "week_seconds": self.week_seconds,
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
        today_seconds=billed_seconds(overlapping(day_start, day_end)),
        week_seconds=billed_seconds(overlapping(week_from, week_end)),
        week_start=week_from, current=current,
        previous_activity=activity_of(earlier[-1].minutes) if earlier else None,
        sync=sync_status(store, now, grace_seconds),
    )
