"""The week's timesheet as the page shows it: seven UTC days, the invoice, the disputes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from workdiary.core.timegrid import parse_iso
from workdiary.core.week import WeekPhase, lock_time, review_deadline, week_phase


@dataclass(frozen=True, slots=True)
class SegmentLine:
    """One segment in the dispute list."""

    id: str
    start: datetime
    end: datetime
    status: str
    billable_minutes: int
    memo: str
    disputed: bool
    deleted: bool


@dataclass(frozen=True, slots=True)
class DayLine:
    day: date
    tracked_minutes: int
    billable_minutes: int
    disputed_minutes: int
    segments: tuple[SegmentLine, ...]


@dataclass(frozen=True, slots=True)
class WeekView:
    week_start: date
    days: tuple[DayLine, ...]
    billable_minutes: int
    disputed_minutes: int
    phase: WeekPhase
    lock_at: datetime
    review_ends: datetime

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def prev_week(self) -> date:
        return self.week_start - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.week_start + timedelta(days=7)


def _tracked(shape: Mapping[str, Any]) -> int:
    if shape["kind"] == "manual":
        start, end = parse_iso(shape["start"]), parse_iso(shape["end"])
        return int((end - start).total_seconds()) // 60
    return sum(int(m.get("seconds", 60)) for m in shape.get("minutes") or ()) // 60


def build_week(
    *, week: date, segments: Iterable[Mapping[str, Any]], disputed_ids: set[str], now: datetime
) -> WeekView:
    """Group the week's segments (API shape) by UTC day with tracked, billable, disputed."""
    start = datetime.combine(week, time(0), UTC)
    per_day: dict[date, list[SegmentLine]] = {week + timedelta(days=i): [] for i in range(7)}
    tracked: dict[date, int] = dict.fromkeys(per_day, 0)
    for shape in segments:
        seg_start = parse_iso(shape["start"])
        day = seg_start.date()
        if day not in per_day:
            continue
        deleted = shape["kind"] == "tombstone"
        per_day[day].append(SegmentLine(
            id=shape["id"], start=seg_start, end=parse_iso(shape["end"]),
            status=shape["status"], billable_minutes=int(shape["billable_minutes"] or 0),
            memo=shape.get("memo") or "", disputed=shape["id"] in disputed_ids, deleted=deleted,
        ))
        if not deleted:
            tracked[day] += _tracked(shape)
    days = tuple(
        DayLine(
            day=day,
            tracked_minutes=tracked[day],
            billable_minutes=sum(s.billable_minutes for s in lines if not s.disputed),
            disputed_minutes=sum(s.billable_minutes for s in lines if s.disputed),
            segments=tuple(lines),
        )
        for day, lines in per_day.items()
    )
    return WeekView(
        week_start=week,
        days=days,
        billable_minutes=sum(d.billable_minutes for d in days),
        disputed_minutes=sum(d.disputed_minutes for d in days),
        phase=week_phase(start, now),
        lock_at=lock_time(start),
        review_ends=review_deadline(start),
    )
