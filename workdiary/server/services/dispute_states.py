"""A dispute's states, which of them keep its time off the invoice, and the escalation job.

- open: filed by the client; the time is out of the invoice. The freelancer accepts
  (-> accepted, final: the client keeps the money) or contests (-> contested); the client
  may withdraw (-> withdrawn, final: billed again).
- contested: unless withdrawn or accepted by ``escalate_at``, the weekly job moves it to
  escalated (the admins' queue).
- escalated: an admin decides (-> decided_pay: billed and paid to the freelancer through
  the ledger; -> decided_refund: out for good). Withdraw and accept still end it earlier.

Imported by billing and the weekly job, so it imports neither (no cycle).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workdiary.core.week import review_deadline
from workdiary.server.models import Dispute
from workdiary.server.services import audit

STATES = ("open", "accepted", "contested", "withdrawn", "escalated", "decided_pay",
          "decided_refund")
# The disputed time stays out of the invoice's amount in these states; in the others
# (withdrawn, decided_pay) it is billed, and paid by the next close-weeks run.
WITHHOLDING = ("open", "accepted", "contested", "escalated", "decided_refund")
# Either party may still write, the freelancer accept and the client withdraw.
LIVE = ("open", "contested", "escalated")
FINAL = ("accepted", "withdrawn", "decided_pay", "decided_refund")
# After a contest the client has at least this long to withdraw before an admin decides.
CLIENT_ANSWER_TIME = timedelta(days=3)


def escalation_time(week_start: date, contested_at: datetime) -> datetime:
    """When a contested dispute goes to an admin: the week's review deadline (Friday 23:59
    UTC after the week), or three days after the contest when that is later."""
    deadline = review_deadline(datetime.combine(week_start, time(0), tzinfo=UTC))
    return max(deadline, contested_at + CLIENT_ANSWER_TIME)


def escalate_due_disputes(session: Session, now: datetime) -> int:
    """Hand every contested dispute whose ``escalate_at`` has passed to the admins.

    Idempotent and safe with concurrent workers: each move is a compare-and-set on the state,
    and only the worker whose update took writes the audit entry.
    """
    due = list(session.scalars(select(Dispute.id).where(
        Dispute.state == "contested", Dispute.escalate_at <= now).order_by(Dispute.id)))
    moved = 0
    for dispute_id in due:
        result = session.execute(
            update(Dispute).where(Dispute.id == dispute_id, Dispute.state == "contested")
            .values(state="escalated", escalated_at=now)
            .execution_options(synchronize_session=False))
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            session.rollback()
            continue
        audit.record(session, actor=None, action="dispute.escalated", subject_type="dispute",
                     subject_id=dispute_id, now=now, detail={"from": "contested",
                                                            "to": "escalated"})
        session.commit()
        moved += 1
    session.expire_all()
    return moved
