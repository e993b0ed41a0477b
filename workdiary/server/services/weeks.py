"""The week's life: lock and invoice (Monday 12:00 UTC), review, approval, payment.

``close_weeks(session, now)`` runs every transition that is due at ``now``. It is
idempotent, and safe when several workers run it at once: invoices are unique per
(contract, week) and ledger entries per (invoice, account, entry_no), so the loser of a
race hits an IntegrityError inside a savepoint and moves on; on PostgreSQL the invoices
being paid are also locked with SELECT ... FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workdiary.core.week import LOCK_AFTER_WEEK_END, REVIEW_AFTER_WEEK_END, WEEK
from workdiary.server.errors import Conflict, Forbidden, NotFound
from workdiary.server.models import Contract, Invoice, LedgerEntry, SegmentRow, User
from workdiary.server.services import week_mail
from workdiary.server.services.audit import record
from workdiary.server.services.billing import amount_cents, refresh_amount
from workdiary.server.services.contract_access import require_client
from workdiary.server.services.contract_timeline import load_timelines
from workdiary.server.services.contracts import get_contract_for
from workdiary.server.services.dispute_states import escalate_due_disputes


@dataclass(frozen=True, slots=True)
class CloseReport:
    invoiced: int
    approved: int
    paid: int
    escalated: int = 0  # contested disputes handed to the admins

    def to_dict(self) -> dict[str, int]:
        return {"invoiced": self.invoiced, "approved": self.approved, "paid": self.paid,
                "escalated": self.escalated}


def as_datetime(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def last_locked_week(now: datetime) -> date:
    """The newest week start whose lock time (Monday 12:00 after it) is at or before ``now``."""
    moment = now.astimezone(UTC) - WEEK - LOCK_AFTER_WEEK_END
    midnight = moment.date()
    return midnight - timedelta(days=midnight.weekday())


def last_reviewed_week(now: datetime) -> date:
    """The newest week start whose review deadline is at or before ``now``."""
    moment = now.astimezone(UTC) - WEEK - REVIEW_AFTER_WEEK_END
    midnight = moment.date()
    return midnight - timedelta(days=midnight.weekday())


def invoice_due_weeks(session: Session, now: datetime) -> int:
    """Lock every due contract-week that has billable segments and no invoice: invoice it.

    A week with only rejected or deleted segments has nothing to invoice and gets none.
    """
    created = 0
    due = session.execute(
        select(SegmentRow.contract_id, SegmentRow.week_start,
               func.sum(SegmentRow.billable_seconds))
        .outerjoin(Invoice, and_(Invoice.contract_id == SegmentRow.contract_id,
                                 Invoice.week_start == SegmentRow.week_start))
        .where(SegmentRow.week_start <= last_locked_week(now), Invoice.id.is_(None),
               SegmentRow.deleted.is_(False), SegmentRow.status != "rejected")
        .group_by(SegmentRow.contract_id, SegmentRow.week_start)
    ).all()
    contracts = {c.id: c for c in session.scalars(
        select(Contract).where(Contract.id.in_({row[0] for row in due})))} if due else {}
    timelines = load_timelines(session, contracts.values())
    for contract_id, week, seconds in due:
        contract = contracts[contract_id]
        # The week is billed at that week's terms (a rate change starts the week after it).
        rate_cents = timelines[contract_id].terms_for_week(week).rate_cents
        invoice = Invoice(
            contract_id=contract_id, week_start=week, billable_seconds=int(seconds or 0),
            disputed_seconds=0, rate_cents=rate_cents,
            amount_cents=amount_cents(int(seconds or 0), rate_cents), paid_cents=0,
            currency=contract.currency, status="in_review", created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(invoice)
                refresh_amount(session, invoice)  # disputes filed before the lock count
                _locked(session, invoice, contract, now)
            created += 1
        except IntegrityError:
            pass  # another worker invoiced this week first
    session.commit()
    return created


def approve_due_weeks(session: Session, now: datetime) -> int:
    """Approve, as 'auto', every invoice whose review deadline has passed.

    Each is a compare-and-set from ``in_review``, so of two workers only one approves (and
    records and mails) an invoice.
    """
    due = session.execute(
        select(Invoice, Contract).join(Contract, Contract.id == Invoice.contract_id)
        .where(Invoice.status == "in_review", Invoice.week_start <= last_reviewed_week(now))
    ).all()
    approved = 0
    for invoice, contract in due:
        result = session.execute(
            update(Invoice).where(Invoice.id == invoice.id, Invoice.status == "in_review")
            .values(status="approved", approved_by="auto", approved_at=now)
            .execution_options(synchronize_session=False))
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            continue
        session.refresh(invoice)
        _approved(session, invoice, contract, None, now)
        approved += 1
    session.commit()
    return approved


def pay_due_invoices(session: Session, now: datetime) -> int:
    """Pay what approved invoices still owe: a client debit and a freelancer credit each.

    Each payment is its own transaction: on PostgreSQL the invoice row is locked first
    (SELECT ... FOR UPDATE SKIP LOCKED), and everywhere the payment is a compare-and-set on
    (paid_cents, amount_cents), so a second worker holding a stale view pays nothing.
    """
    query = (select(Invoice.id, Invoice.amount_cents, Invoice.paid_cents, Invoice.currency,
                    Contract.client_id, Contract.freelancer_id)
             .join(Contract, Contract.id == Invoice.contract_id)
             .where(Invoice.status.in_(("approved", "paid")),
                    Invoice.amount_cents > Invoice.paid_cents)
             .order_by(Invoice.id))
    due = session.execute(query).all()
    # Approved with nothing (more) to pay, e.g. every minute disputed: settled as it is.
    session.execute(
        update(Invoice)
        .where(Invoice.status == "approved", Invoice.amount_cents <= Invoice.paid_cents)
        .values(status="paid", paid_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    postgres = session.get_bind().dialect.name == "postgresql"
    paid = 0
    for invoice_id, amount, already, currency, client_id, freelancer_id in due:
        if postgres and session.scalar(
            select(Invoice.id).where(Invoice.id == invoice_id)
            .with_for_update(skip_locked=True)
        ) is None:
            session.rollback()  # another worker holds this invoice right now
            continue
        claimed = session.execute(
            update(Invoice)
            .where(Invoice.id == invoice_id, Invoice.paid_cents == already,
                   Invoice.amount_cents == amount)
            .values(paid_cents=amount, status="paid", paid_at=now)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(claimed, "rowcount", 0) or 0) != 1:
            session.rollback()  # another worker paid it (or a dispute changed it) first
            continue
        entry_no = 1 + int(session.scalar(select(func.count(LedgerEntry.id)).where(
            LedgerEntry.invoice_id == invoice_id, LedgerEntry.account == "client")) or 0)
        owed = amount - already
        _paid(session, invoice_id, owed, entry_no, now)
        session.add_all([
            LedgerEntry(invoice_id=invoice_id, user_id=client_id, account="client",
                        entry_no=entry_no, amount_cents=-owed, currency=currency, created_at=now),
            LedgerEntry(invoice_id=invoice_id, user_id=freelancer_id, account="freelancer",
                        entry_no=entry_no, amount_cents=owed, currency=currency, created_at=now),
        ])
        try:
            session.commit()
            paid += 1
        except IntegrityError:
            session.rollback()
    session.expire_all()
    return paid


def close_weeks(session: Session, now: datetime) -> CloseReport:
    """Run every week transition due at ``now``: lock+invoice, auto-approve, escalate
    contested disputes past their deadline, pay; and queue the week's scheduled mails
    (Sunday's summary, Thursday's reminder), once each."""
    invoiced = invoice_due_weeks(session, now)
    approved = approve_due_weeks(session, now)
    escalated = escalate_due_disputes(session, now)
    report = CloseReport(invoiced=invoiced, approved=approved,
                         paid=pay_due_invoices(session, now), escalated=escalated)
    week_mail.queue_weekly_summaries(session, now)
    week_mail.queue_review_reminders(session, now)
    session.commit()
    return report


def _locked(session: Session, invoice: Invoice, contract: Contract, now: datetime) -> None:
    """The week locked and was invoiced: audit entry and the client's invoice mail."""
    record(session, actor=None, action="week.locked", subject_type="week",
           subject_id=f"{contract.id}:{invoice.week_start.isoformat()}", now=now,
           detail={"invoice_id": invoice.id, "amount_cents": invoice.amount_cents,
                   "currency": invoice.currency})
    week_mail.queue_invoice_ready(session, invoice=invoice, contract=contract, now=now)


def _approved(session: Session, invoice: Invoice, contract: Contract, actor: User | None,
              now: datetime) -> None:
    record(session, actor=actor, action="week.approved", subject_type="week",
           subject_id=f"{contract.id}:{invoice.week_start.isoformat()}", now=now,
           detail={"invoice_id": invoice.id, "by": invoice.approved_by,
                   "amount_cents": invoice.amount_cents})
    week_mail.queue_week_approved(session, invoice=invoice, contract=contract, now=now)


def _paid(session: Session, invoice_id: str, cents: int, entry_no: int, now: datetime) -> None:
    invoice = session.get(Invoice, invoice_id)
    contract = session.get(Contract, invoice.contract_id) if invoice else None
    if invoice is None or contract is None:
        return
    record(session, actor=None, action="week.paid", subject_type="week",
           subject_id=f"{contract.id}:{invoice.week_start.isoformat()}", now=now,
           detail={"invoice_id": invoice.id, "amount_cents": cents, "entry_no": entry_no,
                   "currency": invoice.currency})
    week_mail.queue_week_paid(session, invoice=invoice, contract=contract, cents=cents,
                              entry_no=entry_no, now=now)


def get_invoice(session: Session, *, contract_id: str, week_start: date) -> Invoice | None:
    return session.scalar(select(Invoice).where(
        Invoice.contract_id == contract_id, Invoice.week_start == week_start))


def approve_week(session: Session, *, user: User, contract_id: str, week_start: date,
                 now: datetime) -> Invoice:
    """The client approves a locked week's undisputed amount (idempotent once approved).

    Payment follows on the next ``close_weeks`` run (the server's timer).
    """
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    require_client(session, contract, user, what="approve its weeks",
                   refusal=Forbidden("only the contract's client approves its weeks.",
                                     code="not_the_client"))
    invoice = get_invoice(session, contract_id=contract_id, week_start=week_start)
    if invoice is None:
        raise Conflict("this week is not locked and invoiced yet: it can be approved after "
                       "Monday 12:00 UTC following the week.", code="week_not_locked")
    if invoice.status == "in_review":
        invoice.status = "approved"
        invoice.approved_by = "client"
        invoice.approved_at = now
        _approved(session, invoice, contract, user, now)
        session.commit()
    return invoice


def require_week_start(day: date) -> date:
    if day.weekday() != 0:
        raise NotFound(f"{day.isoformat()} is not a Monday: weeks start on Monday (UTC).",
                       code="not_a_week_start")
    return day
