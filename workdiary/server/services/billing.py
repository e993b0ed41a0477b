"""Invoice arithmetic shared by the week transitions and disputes.

Rounding: an invoice's amount is ``floor(minutes * rate_cents / 60)`` over the week's
undisputed billable minutes in total (not per segment), in integer cents. The client never
pays a fraction of a cent more than the minutes are worth.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workdiary.server.models import Dispute, DisputeSegment, Invoice, SegmentRow
from workdiary.server.services.dispute_states import WITHHOLDING


def amount_cents(minutes: int, rate_cents: int) -> int:
    """Integer cents for ``minutes`` at an hourly ``rate_cents``, rounded down."""
    return (minutes * rate_cents) // 60


def disputed_minutes(session: Session, *, contract_id: str, week_start: object) -> int:
    """Billable minutes of the week's segments under a dispute that keeps them unpaid
    (open, contested, escalated, accepted or decided for the client)."""
    disputed_ids = (
        select(DisputeSegment.segment_id)
        .join(Dispute, Dispute.id == DisputeSegment.dispute_id)
        .where(Dispute.contract_id == contract_id, Dispute.week_start == week_start,
               Dispute.state.in_(WITHHOLDING))
    )
    total = session.scalar(
        select(func.coalesce(func.sum(SegmentRow.billable_minutes), 0)).where(
            SegmentRow.id.in_(disputed_ids), SegmentRow.deleted.is_(False))
    )
    return int(total or 0)


def refresh_amount(session: Session, invoice: Invoice) -> None:
    """Recompute the undisputed amount after disputes change (flushes, does not commit)."""
    invoice.disputed_minutes = disputed_minutes(
        session, contract_id=invoice.contract_id, week_start=invoice.week_start)
    undisputed = max(0, invoice.billable_minutes - invoice.disputed_minutes)
    invoice.amount_cents = amount_cents(undisputed, invoice.rate_cents)
    session.flush()
