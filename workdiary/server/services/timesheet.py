"""The read model of a contract-week: its UTC days, phase, invoice and disputes.

Built from the same segment views as the day's diary (``services.diary``), so the API's
timesheet and the timesheet page count seconds and cents the same way. Sums are kept in
seconds; a ``*_minutes`` figure is ``floor(total seconds / 60)`` of its own total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from workdiary.core.billing import whole_minutes
from workdiary.core.timegrid import isoformat_z
from workdiary.core.week import WeekPhase, lock_time, review_deadline, week_phase
from workdiary.server.models import Contract, Dispute, Invoice, User
from workdiary.server.services import disputes as dispute_service
from workdiary.server.services.billing import amount_cents
from workdiary.server.services.contracts import get_contract_for, terms_for_week
from workdiary.server.services.diary import SegmentView, segment_views, stored_segments_between
from workdiary.server.services.weeks import as_datetime, get_invoice, require_week_start


@dataclass(frozen=True, slots=True)
class DayLine:
    """One UTC day of the week: its segments and sums (disputed seconds kept apart)."""

    day: date
    segments: tuple[SegmentView, ...]
    rate_cents: int

    @property
    def tracked_seconds(self) -> int:
        return sum(s.tracked_seconds for s in self.segments)

    @property
    def billable_seconds(self) -> int:
        """Undisputed billable seconds: what the week's amount counts."""
        return sum(s.billable_seconds for s in self.segments if not s.disputed)

    @property
    def disputed_seconds(self) -> int:
        return sum(s.billable_seconds for s in self.segments if s.disputed)

    @property
    def tracked_minutes(self) -> int:
        return whole_minutes(self.tracked_seconds)

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def disputed_minutes(self) -> int:
        return whole_minutes(self.disputed_seconds)

    @property
    def amount_cents(self) -> int:
        return amount_cents(self.billable_seconds, self.rate_cents)


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
    week_rate_cents: int | None = None  # this week's rate (terms change from a week on)

    @property
    def rate_cents(self) -> int:
        return self.contract.rate_cents if self.week_rate_cents is None else self.week_rate_cents

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def billable_seconds(self) -> int:
        """All billable seconds, disputed ones included (the API's field)."""
        return sum(s.billable_seconds for s in self.segments)

    @property
    def disputed_seconds(self) -> int:
        return sum(s.billable_seconds for s in self.segments if s.disputed)

    @property
    def undisputed_seconds(self) -> int:
        return max(0, self.billable_seconds - self.disputed_seconds)

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def disputed_minutes(self) -> int:
        return whole_minutes(self.disputed_seconds)

    @property
    def undisputed_minutes(self) -> int:
        return whole_minutes(self.undisputed_seconds)

    @property
    def amount_cents(self) -> int:
        """The invoice's amount once the week is locked, else the estimate it will have."""
        if self.invoice is not None:
            return self.invoice.amount_cents
        return amount_cents(self.undisputed_seconds, self.rate_cents)

    @property
    def days(self) -> list[DayLine]:
        """The seven UTC days, Monday first."""
        per_day: dict[date, list[SegmentView]] = {
            self.week_start + timedelta(days=i): [] for i in range(7)}
        for s in self.segments:
            per_day[s.start.date()].append(s)
        return [DayLine(day, tuple(lines), self.rate_cents)
                for day, lines in per_day.items()]

    @property
    def day_seconds(self) -> list[int]:
        """Billable seconds per UTC day, Monday first, disputed ones included."""
        return [d.billable_seconds + d.disputed_seconds for d in self.days]

    @property
    def day_minutes(self) -> list[int]:
        return [whole_minutes(seconds) for seconds in self.day_seconds]

    def dispute_seconds(self, segment_ids: list[str]) -> int:
        """Billable seconds of these segments of the week (a dispute's weight)."""
        seconds = {s.id: s.billable_seconds for s in self.segments}
        return sum(seconds.get(i, 0) for i in segment_ids)

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract.id, "week_start": self.week_start.isoformat(),
            "phase": self.phase.value, "lock_at": isoformat_z(self.lock_at),
            "review_until": isoformat_z(self.review_until),
            "billable_minutes": self.billable_minutes,
            "billable_seconds": self.billable_seconds,
            "disputed_minutes": self.disputed_minutes,
            "disputed_seconds": self.disputed_seconds, "day_minutes": self.day_minutes,
            "day_seconds": self.day_seconds,
            "amount_cents": self.amount_cents, "currency": self.contract.currency,
            "invoice": None if self.invoice is None else invoice_dict(self.invoice),
            "segments": [s.to_dict() for s in self.segments],
            "disputes": [dispute_dict(d, ids) for d, ids in self.disputes],
        }


def invoice_dict(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.id, "contract_id": invoice.contract_id,
        "week_start": invoice.week_start.isoformat(),
        "billable_minutes": invoice.billable_minutes,
        "billable_seconds": invoice.billable_seconds,
        "disputed_minutes": invoice.disputed_minutes,
        "disputed_seconds": invoice.disputed_seconds, "rate_cents": invoice.rate_cents,
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
        "reason": dispute.reason, "state": dispute.state,
        "created_at": isoformat_z(dispute.created_at),
        "withdrawn_at": isoformat_z(dispute.withdrawn_at) if dispute.withdrawn_at else None,
    }


def get_timesheet(session: Session, *, user: User, contract_id: str, week_start: date,
                  now: datetime) -> TimesheetView:
    """A contract-week: its segments, per-day minutes, phase, invoice and disputes."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    require_week_start(week_start)
    start = as_datetime(week_start)
    rows = stored_segments_between(session, contract_id=contract.id, start=start,
                                   end=start + timedelta(days=7))
    disputes = dispute_service.week_disputes(session, contract_id=contract.id,
                                             week_start=week_start)
    return TimesheetView(
        contract=contract, week_start=week_start, phase=week_phase(start, now),
        lock_at=lock_time(start), review_until=review_deadline(start),
        invoice=get_invoice(session, contract_id=contract.id, week_start=week_start),
        segments=segment_views(session, rows, contract.id), disputes=disputes,
        week_rate_cents=terms_for_week(session, contract, week_start).rate_cents,
    )
