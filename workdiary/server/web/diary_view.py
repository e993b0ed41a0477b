"""The day's work diary laid out for the page: hour rows of segment cells in the viewer's zone.

Input is the read model of ``services.diary`` (the same typed views the JSON API renders), so
the page shows the facts a script reads; this module only places them: rows are the viewer's
local hours, cells are the UTC grid's slots, and the Monday 00:00 UTC week boundary is marked
when it falls inside the local day. Times are formatted here, in the viewer's zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from markupsafe import Markup

from workdiary.core.activity import Activity
from workdiary.core.timegrid import segment_start
from workdiary.core.week import week_start
from workdiary.server.services.diary import DiaryTotals, SegmentView
from workdiary.server.services.diary import DiaryView as DiaryModel
from workdiary.server.web.reasons import reason_text

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
    failure_note: int = 0  # the day's capture-failure note that explains ``error`` (1-based)


@lru_cache(maxsize=ACTIVITY_TICKS + 1)
def meter_ticks(bars: int) -> Markup:
    """An activity meter's ticks (``bars`` of them on), as markup: eleven possible strings,
    built once each instead of ten template steps per segment."""
    return Markup("".join('<i class="on"></i>' if i < bars else '<i class=""></i>'
                          for i in range(ACTIVITY_TICKS)))


@dataclass(frozen=True, slots=True)
class SegmentCell:
    """One segment of the read model as its diary cell shows it (times in the viewer's zone)."""

    id: str
    time_label: str  # 09:10–09:20 local
    status: str
    reasons: tuple[tuple[str, str], ...]  # (code, sentence)
    memo: str
    billable_seconds: int
    over_limit_seconds: int  # cut by the weekly limit: tracked, never billed
    tracked_seconds: int
    activity: Activity
    shots: tuple[ShotView, ...]
    redacted: bool
    disputed: bool
    partial: bool
    manual: bool
    deleted: bool  # a tombstone: shown as "Deleted by the freelancer", bills nothing
    activity_from_idle: bool = False  # some minutes measured from idle time, not counted input
    memo_edited: bool = False  # the memo was replaced after upload

    @property
    def meter_ticks(self) -> Markup:
        """The meter's ticks, the first ``bars`` of them on."""
        return meter_ticks(self.activity.bars)

    @property
    def first_shot(self) -> ShotView | None:
        return self.shots[0] if self.shots else None


@dataclass(frozen=True, slots=True)
class FailureNote:
    """A cause of failed captures, said once above the grid; cells refer to it by number."""

    number: int
    error: str
    count: int
    since_local: str  # "10:04"


@dataclass(frozen=True, slots=True)
class CellView:
    label: str  # slot start, local
    segments: tuple[SegmentCell, ...]
    week_boundary: bool  # the billing week starts at this cell


@dataclass(frozen=True, slots=True)
class HourRow:
    label: str  # local hour, "09:00"
    utc_label: str  # the same instant in UTC, "14:00 UTC": tells DST repeats apart
    cells: tuple[CellView, ...]
    tracked_seconds: int
    week_boundary: bool


@dataclass(frozen=True, slots=True)
class DiaryPage:
    day: date
    zone_name: str
    segment_minutes: int
    rows: tuple[HourRow, ...]
    totals: DiaryTotals  # the read model's sums, as the API reports them
    undisputed_cents: int  # the day's undisputed minutes at the contract's rate
    week_boundary_local: str | None  # "05:30" when Monday 00:00 UTC falls in this local day
    prev_day: date
    next_day: date
    utc_offset_label: str  # "UTC+05:30" at the start of the day (DST days change it)
    failure_notes: tuple[FailureNote, ...] = ()  # capture failures by cause, said once

    @property
    def segments(self) -> Iterable[SegmentCell]:
        for row in self.rows:
            for cell in row.cells:
                yield from cell.segments


def _offset_label(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    total = int(offset.total_seconds()) // 60
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


# ``strftime`` costs a few microseconds a call and a diary page formats ~600 local times;
# these f-strings write the same "09:05" and "09:05:30" in a fraction of that.
def _hh_mm(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _hh_mm_ss(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"


def segment_cell(view: SegmentView, zone: ZoneInfo, segment_minutes: int,
                 notes: dict[str, int] | None = None) -> SegmentCell:
    """One segment of the read model as a cell (and the screenshot page) shows it;
    ``notes`` numbers the day's capture-failure causes (cells then refer to them)."""
    # Read the row and summary once into locals: a diary builds 144 of these per page.
    row, summary = view.row, view.summary
    note_of = (notes or {}).get
    shots = tuple(
        ShotView(sha256=s.sha256, taken_local=_hh_mm_ss(s.taken_at.astimezone(zone)),
                 error=s.error, app=s.app, window_title=s.window_title, redacted=s.redacted,
                 blurred=s.blurred, failure_note=note_of(s.error or "", 0))
        for s in summary.screenshots
    )
    start, end = row.start, row.end
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return SegmentCell(
        id=row.id,
        time_label=f"{_hh_mm(local_start)}–{_hh_mm(local_end)}",
        status=row.status,
        reasons=tuple((code, reason_text(code)) for code in row.reasons),
        memo=row.memo,
        billable_seconds=view.billable_seconds,
        over_limit_seconds=row.over_limit_seconds,
        tracked_seconds=view.tracked_seconds,
        activity=summary.activity,
        shots=shots,
        redacted=row.redacted,
        disputed=view.disputed,
        partial=(end - start) < timedelta(minutes=segment_minutes),
        manual=view.manual,
        deleted=view.deleted,
        memo_edited=view.memo_edited,
        activity_from_idle=summary.measured_from_idle,
    )


def build_diary(diary: DiaryModel, *, zone: ZoneInfo, zone_name: str) -> DiaryPage:
    """Lay the day's segments out as hour rows of grid cells in the viewer's zone.

    Segments are placed by the grid slot of their start; a segment that starts outside the
    local day is left to the neighbouring day's page (the read model holds the local day).
    """
    day, segment_minutes = diary.day, diary.contract.segment_minutes
    day_start, day_end = diary.start, diary.end  # the local day, as UTC instants
    failure_notes = tuple(
        FailureNote(number, failure.error, failure.count,
                    _hh_mm(failure.since.astimezone(zone)))
        for number, failure in enumerate(diary.capture_failures, start=1))
    notes = {note.error: note.number for note in failure_notes}
    per_slot: dict[datetime, list[SegmentCell]] = {}
    for view in diary.segments:
        slot = segment_start(view.start, segment_minutes)
        per_slot.setdefault(slot, []).append(segment_cell(view, zone, segment_minutes, notes))

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
        row_seconds = 0
        has_boundary = boundary_inside and hour <= boundary < next_hour
        while slot < next_hour:
            found = tuple(per_slot.get(slot, ()))
            row_seconds += sum(s.tracked_seconds for s in found)
            cells.append(
                CellView(
                    label=_hh_mm(slot.astimezone(zone)),
                    segments=found,
                    week_boundary=boundary_inside and slot == boundary,
                )
            )
            slot += step
        if any(c.segments for c in cells) or has_boundary:
            rows.append(
                HourRow(
                    label=f"{local.hour:02d}:00",
                    utc_label=f"{_hh_mm(hour)} UTC",
                    cells=tuple(cells),
                    tracked_seconds=row_seconds,
                    week_boundary=has_boundary,
                )
            )
        hour = next_hour

    return DiaryPage(
        day=day,
        zone_name=zone_name,
        segment_minutes=segment_minutes,
        rows=tuple(rows),
        totals=diary.totals,
        undisputed_cents=diary.undisputed_cents,
        week_boundary_local=(
            _hh_mm(boundary.astimezone(zone)) if boundary_inside else None
        ),
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        utc_offset_label=_offset_label(day_start.astimezone(zone)),
        failure_notes=failure_notes,
    )
