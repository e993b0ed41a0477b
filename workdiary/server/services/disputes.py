"""Disputes: the client contests segments of a week in review; their minutes stay unpaid.

Filing and withdrawing live here; the conversation, the freelancer's answer and the admin's
decision in ``dispute_conversation``; the states and the escalation job in ``dispute_states``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from workdiary.core.week import review_deadline
from workdiary.server.errors import Conflict, Forbidden, NotFound, Unprocessable
from workdiary.server.models import Contract, Dispute, DisputeSegment, Invoice, SegmentRow, User
from workdiary.server.services import audit, mail
from workdiary.server.services.billing import refresh_amount
from workdiary.server.services.contract_access import require_client, side_of
from workdiary.server.services.contracts import get_contract_for
from workdiary.server.services.dispute_states import LIVE, WITHHOLDING
from workdiary.server.services.weeks import as_datetime, get_invoice


def _active_disputed_ids(session: Session, contract_id: str) -> set[str]:
    return set(session.scalars(
        select(DisputeSegment.segment_id).join(Dispute, Dispute.id == DisputeSegment.dispute_id)
        .where(Dispute.contract_id == contract_id, Dispute.state.in_(WITHHOLDING))))


class DisputableSegment(Protocol):
    """What ``disputable_segment_ids`` reads of a segment: an ORM row or a diary's plain row."""

    @property
    def id(self) -> str: ...
    @property
    def contract_id(self) -> str: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def billable_seconds(self) -> int: ...
    @property
    def week_start(self) -> date: ...


def review_open(invoice: Invoice, *, now: datetime) -> bool:
    """A locked week can be disputed while its invoice is in review, until the deadline."""
    return invoice.status == "in_review" and now < review_deadline(as_datetime(invoice.week_start))


def disputable_segment_ids(session: Session, *, user: User, contract_id: str,
                           segments: Sequence[DisputableSegment], now: datetime,
                           disputed: Collection[str] | None = None) -> set[str]:
    """Which of these segments ``user`` may dispute now (the pages offer these, and only these).

    The contract's client may dispute a segment of the contract that bills something, is not
    a tombstone and is not under an active dispute yet, in a week whose invoice is in review
    before its deadline: the rules ``create_dispute`` enforces, less disputes that would
    withhold nothing. ``disputed``: which of ``segments`` are under an active dispute, when
    the caller read that in this transaction already (a diary's views carry it).
    """
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    if side_of(session, contract, user) != "client":
        return set()
    if disputed is None:
        disputed = _active_disputed_ids(session, contract.id)
    candidates = [row for row in segments if row.contract_id == contract.id and not row.deleted
                  and row.billable_seconds > 0 and row.id not in disputed]
    open_weeks = set()
    for week in {row.week_start for row in candidates}:
        invoice = get_invoice(session, contract_id=contract.id, week_start=week)
        if invoice is not None and review_open(invoice, now=now):
            open_weeks.add(week)
    return {row.id for row in candidates if row.week_start in open_weeks}


def create_dispute(session: Session, *, user: User, contract_id: str, segment_ids: list[str],
                   reason: str, now: datetime) -> Dispute:
    """The client disputes segments of one locked week before its review deadline.

    The disputed minutes leave the invoice's amount until the dispute is withdrawn.
    """
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    require_client(session, contract, user, what="dispute segments",
                   refusal=Forbidden("only the contract's client disputes segments.",
                                     code="not_the_client"))
    if not reason.strip():
        raise Unprocessable("say why the segments are disputed.", code="invalid_reason")
    ids = list(dict.fromkeys(segment_ids))
    rows = list(session.scalars(select(SegmentRow).where(
        SegmentRow.id.in_(ids), SegmentRow.contract_id == contract_id)))
    found = {row.id for row in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"this contract has no segment {', '.join(missing[:5])}.",
                       code="no_such_segment")
    deleted = sorted(row.id for row in rows if row.deleted)
    if deleted:
        raise Unprocessable(f"segment {deleted[0]} was deleted by the freelancer: it bills "
                            "nothing, so there is nothing to dispute.", code="segment_deleted")
    weeks = {row.week_start for row in rows}
    if len(weeks) != 1:
        raise Unprocessable("a dispute covers segments of one week: file one per week.",
                            code="several_weeks")
    week = weeks.pop()
    invoice = get_invoice(session, contract_id=contract_id, week_start=week)
    if invoice is None:
        raise Conflict("this week is not locked yet: segments can be disputed once it is in "
                       "review (after Monday 12:00 UTC).", code="week_not_locked")
    if not review_open(invoice, now=now):
        raise Conflict("the review of this week is over: it was approved.", code="review_over")
    already = _active_disputed_ids(session, contract_id) & found
    if already:
        raise Conflict(f"segment {sorted(already)[0]} is already disputed.",
                       code="already_disputed")
    dispute = Dispute(contract_id=contract_id, week_start=week, reason=reason.strip()[:2000],
                      created_by=user.id, created_at=now)
    session.add(dispute)
    session.flush()
    session.add_all([DisputeSegment(dispute_id=dispute.id, segment_id=i) for i in ids])
    session.flush()
    refresh_amount(session, invoice)
    audit.record(session, actor=user, action="dispute.opened", subject_type="dispute",
                 subject_id=dispute.id, now=now,
                 detail={"contract_id": contract_id, "week_start": week.isoformat(),
                         "segment_ids": ids, "state": "open"})
    freelancer = session.get(User, contract.freelancer_id)
    if freelancer is not None:
        mail.queue(session, kind="dispute_opened", to_email=freelancer.email, user=freelancer,
                   now=now, context={**mail_context(contract, dispute, author=user),
                                     "reason": dispute.reason[:1000]})
    session.commit()
    return dispute


def mail_context(contract: Contract, dispute: Dispute, *,
                 author: User | None) -> dict[str, object]:
    """What every dispute mail says (the keys of docs/design.md "Mail"): the contract, the week,
    who acted, the disputed time in seconds, and the page's path. Each kind adds its own words
    under one key: ``reason`` (opened), ``message`` (a message), ``note`` (the decision)."""
    session = object_session(dispute)
    seconds = session.scalar(
        select(func.coalesce(func.sum(SegmentRow.billable_seconds), 0))
        .join(DisputeSegment, DisputeSegment.segment_id == SegmentRow.id)
        .where(DisputeSegment.dispute_id == dispute.id)) if session is not None else 0
    return {"dispute_id": dispute.id, "title": contract.title,
            "week_start": dispute.week_start.isoformat(), "state": dispute.state,
            "by_name": author.name if author else "", "disputed_seconds": int(seconds or 0),
            "link": f"/disputes/{dispute.id}"}


def withdraw_dispute(session: Session, *, user: User, contract_id: str, dispute_id: str,
                     now: datetime) -> Dispute:
    """The client withdraws a dispute: its minutes are billed again (and paid, if the week
    was already paid, by the next ``close_weeks`` run). Idempotent; possible while the
    dispute is live (open, contested or escalated), not once it is accepted or decided."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    dispute = session.get(Dispute, dispute_id)
    if dispute is None or dispute.contract_id != contract.id:
        raise NotFound(f"this contract has no dispute {dispute_id}.", code="no_such_dispute")
    require_client(session, contract, user, what="withdraw its disputes",
                   refusal=Forbidden("only the contract's client withdraws its disputes.",
                                     code="not_the_client"))
    if dispute.state == "withdrawn":
        return dispute
    if dispute.state not in LIVE:
        raise Conflict(f"this dispute is {dispute.state.replace('_', ' ')}: it can no longer "
                       "be withdrawn.", code="dispute_closed")
    before = dispute.state
    dispute.state = "withdrawn"
    dispute.withdrawn_at = now
    session.flush()
    invoice = get_invoice(session, contract_id=contract_id, week_start=dispute.week_start)
    if invoice is not None:
        refresh_amount(session, invoice)
    audit.record(session, actor=user, action="dispute.withdrawn", subject_type="dispute",
                 subject_id=dispute.id, now=now, detail={"from": before, "to": "withdrawn"})
    session.commit()
    return dispute


def dispute_segment_ids(session: Session, dispute: Dispute) -> list[str]:
    return list(session.scalars(select(DisputeSegment.segment_id).where(
        DisputeSegment.dispute_id == dispute.id).order_by(DisputeSegment.id)))


def disputes_of_week(session: Session, *, contract_id: str, week_start: date) -> list[Dispute]:
    """All disputes of a contract-week, oldest first (callers check the viewer first)."""
    return list(session.scalars(select(Dispute).where(
        Dispute.contract_id == contract_id, Dispute.week_start == week_start,
    ).order_by(Dispute.created_at, Dispute.id)))


def week_disputes(session: Session, *, contract_id: str, week_start: date
                  ) -> list[tuple[Dispute, list[str]]]:
    """The week's disputes (withdrawn ones too), oldest first, each with its segment ids.

    Two queries whatever the number of disputes (callers check the viewer first).
    """
    disputes = disputes_of_week(session, contract_id=contract_id, week_start=week_start)
    if not disputes:
        return []
    links = session.execute(
        select(DisputeSegment.dispute_id, DisputeSegment.segment_id)
        .where(DisputeSegment.dispute_id.in_([d.id for d in disputes]))
        .order_by(DisputeSegment.id))
    by_dispute: dict[str, list[str]] = {}
    for dispute_id, segment_id in links:
        by_dispute.setdefault(dispute_id, []).append(segment_id)
    return [(d, by_dispute.get(d.id, [])) for d in disputes]


def disputed_segment_ids(session: Session, *, contract_id: str) -> set[str]:
    """Ids of the contract's segments under an active dispute."""
    return _active_disputed_ids(session, contract_id)
