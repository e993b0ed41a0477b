"""The week's mails: Sunday's summary to the freelancer, Monday's invoice and Thursday's reminder
to the client, approved and paid to the freelancer (docs/design.md "Mail").

Each is queued with a ``dedupe_key`` naming its week (or invoice and payment), so the weekly job
may run every minute, on every worker, and each mail is still queued once. Nothing here commits:
the mail lands with the change (or the job's transaction) that queued it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workdiary.core.week import lock_time, review_deadline
from workdiary.server.models import Contract, Invoice, MailRow, SegmentRow, User
from workdiary.server.services import mail

# Sunday 12:00 UTC of the week: the freelancer's summary, half a day before the week ends and a
# day before it locks, so unprotected segments can still be fixed.
SUMMARY_AFTER_WEEK_START = timedelta(days=6, hours=12)
# Thursday 12:00 UTC after the week: the client's reminder, while the review is open.
REMINDER_AFTER_WEEK_START = timedelta(days=10, hours=12)
MAX_LISTED_SEGMENTS = 20  # the mail lists at most this many; the diary shows them all


def _start(week: date) -> datetime:
    return datetime.combine(week, time(0), tzinfo=UTC)


def _monday(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def summary_week(now: datetime) -> date | None:
    """The week whose Sunday summary is due at ``now`` (from Sunday 12:00 until it locks)."""
    week = _monday(now.astimezone(UTC) - SUMMARY_AFTER_WEEK_START)
    return week if now < lock_time(_start(week)) else None


def queue_weekly_summaries(session: Session, now: datetime) -> int:
    """Sunday's summary to every freelancer with tracked time this week: the hours, and the
    segments that would lose protection (unprotected) with what to do about each."""
    week = summary_week(now)
    if week is None:
        return 0
    totals = session.execute(
        select(SegmentRow.freelancer_id, func.sum(SegmentRow.billable_seconds))
        .where(SegmentRow.week_start == week, SegmentRow.deleted.is_(False),
               SegmentRow.status != "rejected")
        .group_by(SegmentRow.freelancer_id)).all()
    queued = 0
    for freelancer_id, seconds in totals:
        key = f"weekly_summary:{freelancer_id}:{week.isoformat()}"
        user = session.get(User, freelancer_id)
        if user is None or user.disabled or _queued(session, key):
            continue
        risky = session.execute(
            select(SegmentRow, Contract.title).join(Contract, Contract.id == SegmentRow.contract_id)
            .where(SegmentRow.freelancer_id == freelancer_id, SegmentRow.week_start == week,
                   SegmentRow.deleted.is_(False), SegmentRow.status == "unprotected")
            .order_by(SegmentRow.start)).all()
        first_contract = session.scalar(
            select(SegmentRow.contract_id).where(SegmentRow.freelancer_id == freelancer_id,
                                                 SegmentRow.week_start == week).limit(1))
        context = {
            "name": user.name, "week_start": week.isoformat(),
            # The week's billed seconds in total, shown as h:mm:ss like every other surface.
            "tracked_seconds": int(seconds or 0),
            "lock_at": lock_time(_start(week)).isoformat(),
            "at_risk_count": len(risky),
            "at_risk": [{"start": s.start.isoformat(), "end": s.end.isoformat(), "title": title,
                         "reasons": list(s.reasons or [])}
                        for s, title in risky[:MAX_LISTED_SEGMENTS]],
            "link": f"/contracts/{first_contract}/diary",
        }
        if mail.queue(session, kind="weekly_summary", to_email=user.email, user=user, now=now,
                      context=context, dedupe_key=key) is not None:
            queued += 1
    return queued


def _invoice_context(invoice: Invoice, contract: Contract, recipient: User,
                     other: User | None) -> dict[str, object]:
    return {
        "name": recipient.name, "title": contract.title,
        "week_start": invoice.week_start.isoformat(),
        "amount_cents": invoice.amount_cents, "currency": invoice.currency,
        "billable_seconds": invoice.billable_seconds,
        "review_deadline": review_deadline(_start(invoice.week_start)).isoformat(),
        "freelancer_name": other.name if other else "",
        "link": f"/contracts/{contract.id}/timesheets/{invoice.week_start.isoformat()}",
    }


def queue_invoice_ready(session: Session, *, invoice: Invoice, contract: Contract,
                        now: datetime) -> None:
    """Monday, when the week locks: the invoice and the review deadline, to the client."""
    client = session.get(User, contract.client_id)
    if client is None:
        return
    mail.queue(session, kind="invoice_ready", to_email=client.email, user=client, now=now,
               context=_invoice_context(invoice, contract, client,
                                        session.get(User, contract.freelancer_id)),
               dedupe_key=f"invoice_ready:{contract.id}:{invoice.week_start.isoformat()}")


def queue_review_reminders(session: Session, now: datetime) -> int:
    """Thursday 12:00 UTC after the week: to each client whose invoice is still in review."""
    newest = _monday(now.astimezone(UTC) - REMINDER_AFTER_WEEK_START)
    rows = session.execute(
        select(Invoice, Contract).join(Contract, Contract.id == Invoice.contract_id)
        .where(Invoice.status == "in_review", Invoice.week_start <= newest)).all()
    queued = 0
    for invoice, contract in rows:
        if now >= review_deadline(_start(invoice.week_start)):
            continue  # the deadline passed: the job approves it now
        client = session.get(User, contract.client_id)
        key = f"review_reminder:{contract.id}:{invoice.week_start.isoformat()}"
        if client is None or _queued(session, key):
            continue
        if mail.queue(session, kind="review_reminder", to_email=client.email, user=client,
                      now=now, dedupe_key=key,
                      context=_invoice_context(invoice, contract, client,
                                               session.get(User, contract.freelancer_id))):
            queued += 1
    return queued


def queue_week_approved(session: Session, *, invoice: Invoice, contract: Contract,
                        now: datetime) -> None:
    freelancer = session.get(User, contract.freelancer_id)
    if freelancer is None:
        return
    context = _invoice_context(invoice, contract, freelancer, None)
    context["approved_by"] = invoice.approved_by or "client"
    mail.queue(session, kind="week_approved", to_email=freelancer.email, user=freelancer,
               now=now, context=context,
               dedupe_key=f"week_approved:{contract.id}:{invoice.week_start.isoformat()}")


def queue_week_paid(session: Session, *, invoice: Invoice, contract: Contract, cents: int,
                    entry_no: int, now: datetime) -> None:
    """One mail per payment (a dispute withdrawn after payment pays a further entry)."""
    freelancer = session.get(User, contract.freelancer_id)
    if freelancer is None:
        return
    context = _invoice_context(invoice, contract, freelancer, None)
    context["amount_cents"] = cents
    context["link"] = "/invoices"
    mail.queue(session, kind="week_paid", to_email=freelancer.email, user=freelancer, now=now,
               context=context, dedupe_key=f"week_paid:{invoice.id}:{entry_no}")


def _queued(session: Session, key: str) -> bool:
    return session.scalar(select(MailRow.id).where(MailRow.dedupe_key == key)) is not None
