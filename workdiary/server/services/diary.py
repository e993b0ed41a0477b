"""Read views for people: a day's work diary and a week's timesheet, scoped to the viewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from workdiary.core.activity import Activity, activity_of
from workdiary.core.canonical import segment_from_dict
from workdiary.core.model import Segment
from workdiary.core.timegrid import isoformat_z, local_day_bounds
from workdiary.core.week import WeekPhase, lock_time, review_deadline, week_phase
from workdiary.server.errors import Unprocessable
from workdiary.server.models import Contract, Dispute, Invoice, SegmentRow, User
from workdiary.server.services import disputes as dispute_service
from workdiary.server.services.billing import amount_cents
from workdiary.server.services.contracts import get_contract_for
from workdiary.server.services.segments import segments_between
from workdiary.server.services.weeks import as_datetime, get_invoice, require_week_start


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Unprocessable(f"{tz!r} is not a time zone: use an IANA name like Europe/Paris.",
                            code="invalid_tz") from exc


@dataclass(frozen=True, slots=True)
class SegmentView:
    """A stored segment with its parsed evidence, for diary and timesheet pages."""

    row: SegmentRow
    segment: Segment
    activity: Activity
    disputed: bool

    def to_dict(self) -> dict[str, Any]:
        """The API's segment shape (DESIGN.md 'Shapes that scripts rely on')."""
        body = self.row.body
        return {
            "id": self.row.id, "contract_id": self.row.contract_id,
            "start": isoformat_z(self.row.start), "end": isoformat_z(self.row.end),
            "kind": self.row.kind, "status": self.row.status,
            "billable_minutes": self.row.billable_minutes,
            "over_limit_minutes": self.row.over_limit_minutes,
            "reasons": list(self.row.reasons), "memo": self.row.memo,
            "redacted": self.row.redacted, "disputed": self.disputed,
            "activity": {"level": self.activity.level, "bars": self.activity.bars,
                         "percent": self.activity.percent},
            "minutes": list(body.get("minutes", [])),  # type: ignore[call-overload]
            "screenshots": list(body.get("screenshots", [])),  # type: ignore[call-overload]
        }


def segment_views(session: Session, rows: list[SegmentRow], contract_id: str
                  ) -> list[SegmentView]:
    disputed = dispute_service.disputed_segment_ids(session, contract_id=contract_id)
    views = []
    for row in rows:
        segment = segment_from_dict(dict(row.body))
        views.append(SegmentView(row, segment, activity_of(segment.minutes), row.id in disputed))
    return views


@dataclass(frozen=True, slots=True)
class DiaryView:
    contract: Contract
    day: date
    tz: str
    start: datetime  # UTC instant where the local day starts
    end: datetime
    segments: list[SegmentView] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        live = [s for s in self.segments if s.row.status != "rejected"]
        return {
            "segments": len(self.segments),
            "billable_minutes": sum(s.row.billable_minutes for s in live),
            "tracked_minutes": sum(s.segment.tracked_minutes for s in self.segments),
            "active_minutes": sum(s.activity.active_minutes for s in self.segments),
        }

    @property
    def week_boundaries(self) -> list[datetime]:
        """UTC Monday 00:00 instants that fall inside this local day (to mark on the page)."""
        monday = self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        monday -= timedelta(days=monday.weekday())
        marks = []
        while monday < self.end:
            if monday >= self.start:
                marks.append(monday)
            monday += timedelta(days=7)
        return marks

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(), "tz": self.tz, "contract_id": self.contract.id,
            "start": isoformat_z(self.start), "end": isoformat_z(self.end),
            "week_boundaries": [isoformat_z(m) for m in self.week_boundaries],
            "segments": [s.to_dict() for s in self.segments], "totals": self.totals,
        }


def get_diary(session: Session, *, user: User, contract_id: str, day: date,
              tz: str = "UTC") -> DiaryView:
    """The segments of a contract that start on ``day`` in the viewer's time zone."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    start, end = local_day_bounds(day, zone(tz))
    rows = segments_between(session, contract_id=contract.id, start=start, end=end)
    return DiaryView(contract, day, tz, start, end, segment_views(session, rows, contract.id))


@dataclass(frozen=True, slots=True)
class TimesheetView:
    contract: Contract
    week_start: date
    phase: WeekPhase
    lock_at: datetime
    review_until: datetime
    invoice: Invoice | None
    segments: list[SegmentView]
    disputes: list[tuple[Dispute, list[str]]]

    @property
    def billable_minutes(self) -> int:
        return sum(s.row.billable_minutes for s in self.segments)

    @property
    def disputed_minutes(self) -> int:
        return sum(s.row.billable_minutes for s in self.segments if s.disputed)

    @property
    def day_minutes(self) -> list[int]:
        """Billable minutes per UTC day, Monday first."""
        days = [0] * 7
        for s in self.segments:
            days[(s.row.start.date() - self.week_start).days] += s.row.billable_minutes
        return days

    def to_dict(self) -> dict[str, Any]:
        estimate = amount_cents(max(0, self.billable_minutes - self.disputed_minutes),
                                self.contract.rate_cents)
        return {
            "contract_id": self.contract.id, "week_start": self.week_start.isoformat(),
            "phase": self.phase.value, "lock_at": isoformat_z(self.lock_at),
            "review_until": isoformat_z(self.review_until),
            "billable_minutes": self.billable_minutes,
            "disputed_minutes": self.disputed_minutes, "day_minutes": self.day_minutes,
            "amount_cents": self.invoice.amount_cents if self.invoice else estimate,
            "currency": self.contract.currency,
            "invoice": None if self.invoice is None else invoice_dict(self.invoice),
            "segments": [s.to_dict() for s in self.segments],
            "disputes": [dispute_dict(d, ids) for d, ids in self.disputes],
        }


def invoice_dict(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.id, "contract_id": invoice.contract_id,
        "week_start": invoice.week_start.isoformat(),
        "billable_minutes": invoice.billable_minutes,
        "disputed_minutes": invoice.disputed_minutes, "rate_cents": invoice.rate_cents,
        "amount_cents": invoice.amount_cents, "paid_cents": invoice.paid_cents,
        "currency": invoice.currency, "status": invoice.status,
        "approved_by": invoice.approved_by,
        "created_at": isoformat_z(invoice.created_at),
        "approved_at": isoformat_z(invoice.approved_at) if invoice.approved_at else None,
        "paid_at": isoformat_z(invoice.paid_at) if invoice.paid_at else None,
    }


def dispute_dict(dispute: Dispute, segment_ids: list[str]) -> dict[str, Any]:
    return {
        "id": dispute.id, "contract_id": dispute.contract_id,
        "week_start": dispute.week_start.isoformat(), "segment_ids": segment_ids,
        "reason": dispute.reason, "created_at": isoformat_z(dispute.created_at),
        "withdrawn_at": isoformat_z(dispute.withdrawn_at) if dispute.withdrawn_at else None,
    }


def get_timesheet(session: Session, *, user: User, contract_id: str, week_start: date,
                  now: datetime) -> TimesheetView:
    """A contract-week: its segments, per-day minutes, phase, invoice and disputes."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    require_week_start(week_start)
    start = as_datetime(week_start)
    rows = segments_between(session, contract_id=contract.id, start=start,
                            end=start + timedelta(days=7))
    disputes = dispute_service.week_disputes(session, contract_id=contract.id,
                                             week_start=week_start)
    return TimesheetView(
        contract=contract, week_start=week_start, phase=week_phase(start, now),
        lock_at=lock_time(start), review_until=review_deadline(start),
        invoice=get_invoice(session, contract_id=contract.id, week_start=week_start),
        segments=segment_views(session, rows, contract.id), disputes=disputes,
    )
