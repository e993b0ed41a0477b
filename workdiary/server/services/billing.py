"""Invoice arithmetic shared by the week transitions and disputes.

Rounding: an invoice's amount is ``seconds * rate_cents / 3600`` over the week's undisputed
billable seconds in total (not per segment), rounded once, half up, to an integer cent
(``workdiary.core.billing.amount_cents``, integer arithmetic only).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workdiary.core.billing import amount_cents
from workdiary.server.models import Dispute, DisputeSegment, Invoice, SegmentRow
from workdiary.server.services.dispute_states import WITHHOLDING

__all__ = ["amount_cents", "disputed_seconds", "refresh_amount"]


def disputed_seconds(session: Session, *, contract_id: str, week_start: object) -> int:
    """Billable seconds of the week's segments under a dispute that keeps them unpaid
    (open, contested, escalated, accepted or decided for the client)."""
    disputed_ids = (
        select(DisputeSegment.segment_id)
        .join(Dispute, Dispute.id == DisputeSegment.dispute_id)
        .where(Dispute.contract_id == contract_id, Dispute.week_start == week_start,
               Dispute.state.in_(WITHHOLDING))
    )
    total = session.scalar(
        select(func.coalesce(func.sum(SegmentRow.billable_seconds), 0)).where(
            SegmentRow.id.in_(disputed_ids), SegmentRow.deleted.is_(False))
    )
    return int(total or 0)


def refresh_amount(session: Session, invoice: Invoice) -> None:
    """Recompute the undisputed amount after disputes change (flushes, does not commit)."""
    invoice.disputed_seconds = disputed_seconds(
        session, contract_id=invoice.contract_id, week_start=invoice.week_start)
    undisputed = max(0, invoice.billable_seconds - invoice.disputed_seconds)
    invoice.amount_cents = amount_cents(undisputed, invoice.rate_cents)
    session.flush()
