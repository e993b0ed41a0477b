"""The day's work diary as the page shows it: hour rows of segment cells in the viewer's zone.

Input is the diary's segment shape of the HTTP API (``id, start, end, kind, status,
billable_minutes, reasons, memo, redacted, minutes, screenshots``), so the page shows the
same facts a script reads. Rows are the viewer's local hours; cells are the UTC grid's
slots; the Monday 00:00 UTC week boundary is marked when it falls inside the local day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workdiary.core.activity import Activity, activity_of
from workdiary.core.model import ActivitySource, MinuteRecord, SegmentKind, Status
from workdiary.core.timegrid import local_day_bounds, parse_iso, segment_start
from workdiary.core.week import week_start
from workdiary.server.web.reasons import reason_text, status_text

ACTIVITY_TICKS = 10


@dataclass(frozen=True, slots=True)
class ShotView:
    sha256: str | None
    taken_local: str
    error: str | None = None
    app: str | None = None
    window_title: str | None = None
    redacted: bool = False
    blurred: bool = False


@dataclass(frozen=True, slots=True)
class SegmentView:
    id: str
    time_label: str  # 09:10–09:20 local
    kind: str
    status: str
    status_label: str
    reasons: tuple[tuple[str, str], ...]  # (code, sentence)
    memo: str
    billable_minutes: int
    over_limit_minutes: int  # cut by the weekly limit: tracked, never billed
    tracked_minutes: int
    activity: Activity
    shots: tuple[ShotView, ...]
    redacted: bool
    disputed: bool
    partial: bool
    activity_from_idle: bool = False  # some minutes measured from idle time, not counted input

    @property
    def manual(self) -> bool:
        return self.kind == SegmentKind.MANUAL

    @property
    def deleted(self) -> bool:
        return self.kind == SegmentKind.TOMBSTONE

    @property
    def ticks(self) -> range:
        return range(ACTIVITY_TICKS)

    @property
    def first_shot(self) -> ShotView | None:
        return self.shots[0] if self.shots else None


@dataclass(frozen=True, slots=True)
class CellView:
    label: str  # slot start, local
    segments: tuple[SegmentView, ...]
    week_boundary: bool  # the billing week starts at this cell


@dataclass(frozen=True, slots=True)
class HourRow:
    label: str  # local hour, "09:00"
    utc_label: str  # the same instant in UTC, "14:00 UTC": tells DST repeats apart
    cells: tuple[CellView, ...]
    tracked_minutes: int
    week_boundary: bool


@dataclass(frozen=True, slots=True)
class DiaryTotals:
    tracked_minutes: int = 0
    billable_minutes: int = 0
    disputed_minutes: int = 0
    by_status: Mapping[str, int] = field(default_factory=dict)  # segment counts


@dataclass(frozen=True, slots=True)
class DiaryView:
    day: date
    zone_name: str
    segment_minutes: int
    rows: tuple[HourRow, ...]
    totals: DiaryTotals
    week_boundary_local: str | None  # "05:30" when Monday 00:00 UTC falls in this local day
    prev_day: date
    next_day: date
    utc_offset_label: str  # "UTC+05:30" at the start of the day (DST days change it)

    @property
    def segments(self) -> Iterable[SegmentView]:
        for row in self.rows:
            for cell in row.cells:
                yield from cell.segments


def _tracked_minutes(kind: str, start: datetime, end: datetime, minutes: Sequence[Any]) -> int:
    if kind == SegmentKind.MANUAL:
        return int((end - start).total_seconds()) // 60
    if kind == SegmentKind.TOMBSTONE:
        return 0
    return sum(int(m.get("seconds", 60)) for m in minutes) // 60


def _minute(data: Mapping[str, Any], at: datetime) -> MinuteRecord:
    """A minute record for the activity meter; its time is not needed, so it is not parsed
    (1,440 ISO parses per 144-segment day would be a third of the page's layout time)."""
    return MinuteRecord(
        at=at, seconds=int(data.get("seconds", 60)), keys=int(data.get("keys", 0)),
        clicks=int(data.get("clicks", 0)), scrolls=int(data.get("scrolls", 0)),
        moves=int(data.get("moves", 0)), active_seconds=int(data.get("active_seconds", 0)),
        idle=bool(data.get("idle", False)),
        source=ActivitySource(data.get("source", ActivitySource.COUNTS)),
    )


def _offset_label(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    total = int(offset.total_seconds()) // 60
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def segment_view(
    data: Mapping[str, Any], zone: ZoneInfo, segment_minutes: int, disputed: bool
) -> SegmentView:
    """One segment of the API shape as a cell shows it."""
    start = parse_iso(str(data["start"]))
    end = parse_iso(str(data["end"]))
    kind = str(data.get("kind", SegmentKind.TRACKED))
    minutes = data.get("minutes") or ()
    status = str(data.get("status", Status.UNPROTECTED))
    shots = tuple(
        ShotView(
            sha256=s.get("sha256"),
            taken_local=parse_iso(str(s["taken_at"])).astimezone(zone).strftime("%H:%M:%S"),
            error=s.get("error"),
            app=s.get("app"),
            window_title=s.get("window_title"),
            redacted=bool(s.get("redacted", False)),
            blurred=bool(s.get("blurred", False)),
        )
        for s in data.get("screenshots") or ()
    )
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return SegmentView(
        id=str(data["id"]),
        time_label=f"{local_start:%H:%M}–{local_end:%H:%M}",
        kind=kind,
        status=status,
        status_label=status_text(status),
        reasons=tuple((str(code), reason_text(str(code))) for code in data.get("reasons") or ()),
        memo=str(data.get("memo") or ""),
        billable_minutes=int(data.get("billable_minutes") or 0),
        over_limit_minutes=int(data.get("over_limit_minutes") or 0),
        tracked_minutes=_tracked_minutes(kind, start, end, minutes),
        activity=activity_of(_minute(m, start) for m in minutes),
        shots=shots,
        redacted=bool(data.get("redacted", False)),
        disputed=disputed,
        partial=(end - start) < timedelta(minutes=segment_minutes),
        activity_from_idle=any(
            m.get("source") == ActivitySource.IDLE_MONITOR for m in minutes
        ),
    )


def build_diary(
    *,
    day: date,
    zone: ZoneInfo,
    zone_name: str,
    segment_minutes: int,
    segments: Iterable[Mapping[str, Any]],
    disputed_ids: frozenset[str] | set[str] = frozenset(),
) -> DiaryView:
    """Lay the day's segments out as hour rows of grid cells in the viewer's zone.

    Segments are placed by the grid slot of their start; a segment that starts outside the
    local day is left to the neighbouring day's page (the caller queries by local day).
    """
    day_start, day_end = local_day_bounds(day, zone)
    per_slot: dict[datetime, list[SegmentView]] = {}
    tracked = billable = disputed_minutes = 0
    by_status: dict[str, int] = {}
    for data in segments:
        view = segment_view(data, zone, segment_minutes, str(data["id"]) in disputed_ids)
        slot = segment_start(parse_iso(str(data["start"])), segment_minutes)
        per_slot.setdefault(slot, []).append(view)
        tracked += view.tracked_minutes
        by_status[view.status] = by_status.get(view.status, 0) + 1
        if view.disputed:
            disputed_minutes += view.billable_minutes
        else:
            billable += view.billable_minutes

    boundary = week_start(day_end - timedelta(microseconds=1))
    boundary_inside = day_start <= boundary < day_end
    rows: list[HourRow] = []
    step = timedelta(minutes=segment_minutes)
    hour = day_start
    while hour < day_end:
        # Step in absolute time to the next local hour, so a repeated DST hour gets its own row.
        local = hour.astimezone(zone)
        next_hour = min(
            hour + timedelta(minutes=60 - local.minute, seconds=-local.second), day_end
        )
        slot = segment_start(hour, segment_minutes)
        if slot < hour:
            slot += step
        cells: list[CellView] = []
        row_minutes = 0
        has_boundary = boundary_inside and hour <= boundary < next_hour
        while slot < next_hour:
            found = tuple(per_slot.get(slot, ()))
            row_minutes += sum(s.tracked_minutes for s in found)
            cells.append(
                CellView(
                    label=slot.astimezone(zone).strftime("%H:%M"),
                    segments=found,
                    week_boundary=boundary_inside and slot == boundary,
                )
            )
            slot += step
        if any(c.segments for c in cells) or has_boundary:
            rows.append(
                HourRow(
                    label=local.strftime("%H:00"),
                    utc_label=hour.strftime("%H:%M UTC"),
                    cells=tuple(cells),
                    tracked_minutes=row_minutes,
                    week_boundary=has_boundary,
                )
            )
        hour = next_hour

    return DiaryView(
        day=day,
        zone_name=zone_name,
        segment_minutes=segment_minutes,
        rows=tuple(rows),
        totals=DiaryTotals(tracked, billable, disputed_minutes, by_status),
        week_boundary_local=(
            boundary.astimezone(zone).strftime("%H:%M") if boundary_inside else None
        ),
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        utc_offset_label=_offset_label(day_start.astimezone(zone)),
    )
