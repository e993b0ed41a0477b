"""A dispute after it is filed: the parties' conversation, the freelancer's answer (accept or
contest) and an admin's decision on an escalated one.

Who may do what (the same rules for the API and the pages; ``DisputeView.can`` lists them):
- the contract's client and freelancer see the dispute and write messages while it is live;
- the freelancer accepts (live) or contests (open); the client withdraws (``disputes.py``);
- an admin sees every dispute (facts, disputed segments, conversation) but writes nothing but a
  decision, and only on an escalated dispute;
- anyone else gets 404: a dispute's existence is not revealed.
Every change is audited and mails the other side in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workdiary.core.billing import whole_minutes
from workdiary.core.timegrid import isoformat_z
from workdiary.server.errors import Conflict, Forbidden, NotFound, Unprocessable
from workdiary.server.models import Contract, Dispute, DisputeMessage, SegmentRow, User
from workdiary.server.services import audit, mail
from workdiary.server.services.billing import amount_cents, refresh_amount
from workdiary.server.services.contract_access import read_only, side_of
from workdiary.server.services.diary import SegmentView, segment_views
from workdiary.server.services.dispute_states import LIVE, escalation_time
from workdiary.server.services.disputes import dispute_segment_ids, mail_context
from workdiary.server.services.users import names_by_id
from workdiary.server.services.weeks import get_invoice

MAX_MESSAGE = 4000  # characters of one message
MAX_MESSAGES = 500  # messages of one dispute: a conversation, not a chat log
MAX_NOTE = 2000  # characters of an admin's decision note
OUTCOMES = {"pay": "decided_pay", "refund": "decided_refund"}


@dataclass(frozen=True, slots=True)
class MessageView:
    id: str
    author_id: str
    author_name: str
    author_side: str  # client | freelancer
    text: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "author_id": self.author_id, "author_name": self.author_name,
                "author_side": self.author_side, "text": self.text,
                "created_at": isoformat_z(self.created_at)}


@dataclass(frozen=True, slots=True)
class DisputeView:
    """A dispute as its parties and the admins see it."""

    dispute: Dispute
    contract: Contract
    client_name: str
    freelancer_name: str
    viewer_side: str  # client | freelancer | viewer (an organisation's) | admin
    segments: list[SegmentView]
    messages: list[MessageView]
    rate_cents: int  # the invoice's rate (the contract's before the week is invoiced)

    @property
    def billable_seconds(self) -> int:
        """What the disputed segments bill: the time at stake, to the second."""
        return sum(s.billable_seconds for s in self.segments)

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def amount_cents(self) -> int:
        """Their seconds x the rate, rounded once (as the invoice rounds the week)."""
        return amount_cents(self.billable_seconds, self.rate_cents)

    @property
    def can(self) -> dict[str, bool]:
        state, side = self.dispute.state, self.viewer_side
        party = side in ("client", "freelancer")
        return {"message": party and state in LIVE,
                "accept": side == "freelancer" and state in LIVE,
                "contest": side == "freelancer" and state == "open",
                "withdraw": side == "client" and state in LIVE,
                "decide": side == "admin" and state == "escalated"}

    def to_dict(self) -> dict[str, Any]:
        d = self.dispute

        def stamp(value: datetime | None) -> str | None:
            return isoformat_z(value) if value else None

        return {
            "id": d.id, "contract_id": d.contract_id, "contract_title": self.contract.title,
            "week_start": d.week_start.isoformat(), "state": d.state, "reason": d.reason,
            "client_name": self.client_name, "freelancer_name": self.freelancer_name,
            "segment_ids": [s.id for s in self.segments],
            "billable_minutes": self.billable_minutes,
            "billable_seconds": self.billable_seconds, "amount_cents": self.amount_cents,
            "currency": self.contract.currency, "created_at": isoformat_z(d.created_at),
            "withdrawn_at": stamp(d.withdrawn_at), "accepted_at": stamp(d.accepted_at),
            "contested_at": stamp(d.contested_at), "escalate_at": stamp(d.escalate_at),
            "escalated_at": stamp(d.escalated_at), "decided_at": stamp(d.decided_at),
            "decision_note": d.decision_note, "viewer_side": self.viewer_side,
            "can": self.can, "messages": [m.to_dict() for m in self.messages],
        }


def _side(session: Session, contract: Contract, user: User) -> str | None:
    side = side_of(session, contract, user)
    if side is not None:
        return side
    return "admin" if user.role == "admin" else None


def _scoped(session: Session, *, user: User, dispute_id: str) -> tuple[Dispute, Contract, str]:
    """The dispute, its contract and the viewer's side; 404 for anyone without a side."""
    dispute = session.get(Dispute, dispute_id[:64])
    contract = session.get(Contract, dispute.contract_id) if dispute is not None else None
    side = _side(session, contract, user) if contract is not None else None
    if dispute is None or contract is None or side is None:
        raise NotFound(f"you have no dispute {dispute_id[:64]}.", code="no_such_dispute")
    return dispute, contract, side


def get_dispute(session: Session, *, user: User, dispute_id: str) -> DisputeView:
    """The dispute with its disputed segments and its conversation, oldest message first."""
    dispute, contract, side = _scoped(session, user=user, dispute_id=dispute_id)
    ids = dispute_segment_ids(session, dispute)
    rows = list(session.scalars(select(SegmentRow).where(SegmentRow.id.in_(ids))
                                .order_by(SegmentRow.start, SegmentRow.id))) if ids else []
    messages = list(session.scalars(select(DisputeMessage).where(
        DisputeMessage.dispute_id == dispute.id).order_by(DisputeMessage.created_at,
                                                          DisputeMessage.id)))
    # Authors include an organisation's managers, who write as the client.
    names = names_by_id(session, user_ids=[contract.client_id, contract.freelancer_id,
                                           *(m.author_id for m in messages)])
    invoice = get_invoice(session, contract_id=contract.id, week_start=dispute.week_start)
    return DisputeView(
        dispute=dispute, contract=contract, client_name=names.get(contract.client_id, ""),
        freelancer_name=names.get(contract.freelancer_id, ""), viewer_side=side,
        segments=segment_views(session, rows, contract.id),
        messages=[MessageView(
            m.id, m.author_id, names.get(m.author_id, ""),
            "freelancer" if m.author_id == contract.freelancer_id else "client", m.text,
            m.created_at) for m in messages],
        rate_cents=invoice.rate_cents if invoice is not None else contract.rate_cents)


def _closed(dispute: Dispute) -> Conflict:
    return Conflict(f"this dispute is {dispute.state.replace('_', ' ')}: that is no longer "
                    "possible.", code="dispute_closed")


def _other_party(session: Session, contract: Contract, user: User) -> User | None:
    other = contract.client_id if user.id == contract.freelancer_id else contract.freelancer_id
    return session.get(User, other)


def post_message(session: Session, *, user: User, dispute_id: str, text: str,
                 now: datetime) -> DisputeMessage:
    """A party writes to the dispute while it is live; the other party is mailed."""
    dispute, contract, side = _scoped(session, user=user, dispute_id=dispute_id)
    if side == "admin":
        raise Forbidden("only the contract's client and freelancer write in a dispute; an "
                        "admin decides it.", code="not_a_party")
    if side == "viewer":
        raise read_only("write in its disputes")
    text = text.strip()
    if not text:
        raise Unprocessable("the message is empty.", code="invalid_message")
    if len(text) > MAX_MESSAGE:
        raise Unprocessable(f"a message has at most {MAX_MESSAGE} characters.",
                            code="invalid_message")
    if dispute.state not in LIVE:
        raise _closed(dispute)
    written = session.scalar(select(func.count(DisputeMessage.id)).where(
        DisputeMessage.dispute_id == dispute.id)) or 0
    if written >= MAX_MESSAGES:
        raise Conflict(f"this dispute already has {MAX_MESSAGES} messages.",
                       code="too_many_messages")
    message = DisputeMessage(dispute_id=dispute.id, author_id=user.id, text=text,
                             created_at=now)
    session.add(message)
    session.flush()
    audit.record(session, actor=user, action="dispute.message", subject_type="dispute",
                 subject_id=dispute.id, now=now,
                 detail={"message_id": message.id, "side": side, "characters": len(text)})
    other = _other_party(session, contract, user)
    if other is not None:
        mail.queue(session, kind="dispute_message", to_email=other.email, user=other, now=now,
                   context={**mail_context(contract, dispute, author=user),
                            "message": text[:1000]})
    session.commit()
    return message


def _freelancer_only(side: str) -> None:
    if side != "freelancer":
        raise Forbidden("only the contract's freelancer answers a dispute.",
                        code="not_the_freelancer")


def accept_dispute(session: Session, *, user: User, dispute_id: str,
                   now: datetime) -> Dispute:
    """The freelancer concedes: the disputed time leaves the invoice for good (the client is
    not charged for it, or keeps it). Idempotent once accepted."""
    dispute, contract, side = _scoped(session, user=user, dispute_id=dispute_id)
    _freelancer_only(side)
    if dispute.state == "accepted":
        return dispute
    if dispute.state not in LIVE:
        raise _closed(dispute)
    before = dispute.state
    dispute.state, dispute.accepted_at = "accepted", now
    session.flush()
    invoice = get_invoice(session, contract_id=contract.id, week_start=dispute.week_start)
    if invoice is not None:
        refresh_amount(session, invoice)  # unchanged amount: accepted time stays out
    audit.record(session, actor=user, action="dispute.accepted", subject_type="dispute",
                 subject_id=dispute.id, now=now, detail={"from": before, "to": "accepted"})
    session.commit()
    return dispute


def contest_dispute(session: Session, *, user: User, dispute_id: str,
                    now: datetime) -> Dispute:
    """The freelancer contests an open dispute: unless the client withdraws it by
    ``escalate_at`` (``dispute_states.escalation_time``), an admin decides. Idempotent."""
    dispute, _contract, side = _scoped(session, user=user, dispute_id=dispute_id)
    _freelancer_only(side)
    if dispute.state == "contested":
        return dispute
    if dispute.state != "open":
        raise _closed(dispute)
    dispute.state, dispute.contested_at = "contested", now
    dispute.escalate_at = escalation_time(dispute.week_start, now)
    audit.record(session, actor=user, action="dispute.contested", subject_type="dispute",
                 subject_id=dispute.id, now=now,
                 detail={"from": "open", "to": "contested",
                         "escalate_at": isoformat_z(dispute.escalate_at)})
    session.commit()
    return dispute


def decide_dispute(session: Session, *, user: User, dispute_id: str, outcome: str, note: str,
                   now: datetime) -> Dispute:
    """An admin decides an escalated dispute: ``pay`` bills the disputed time again (paid to
    the freelancer through the ledger by the next close-weeks run), ``refund`` leaves it out
    for good (the client keeps the money). Both parties are mailed."""
    dispute, contract, side = _scoped(session, user=user, dispute_id=dispute_id)
    if side != "admin" or user.role != "admin":
        raise Forbidden("only an admin decides a dispute.", code="not_an_admin")
    if outcome not in OUTCOMES:
        raise Unprocessable("the outcome is 'pay' or 'refund'.", code="invalid_outcome")
    note = note.strip()
    if not note or len(note) > MAX_NOTE:
        raise Unprocessable(f"say why in a note of 1 to {MAX_NOTE} characters.",
                            code="invalid_note")
    if dispute.state != "escalated":
        raise Conflict("only an escalated dispute is decided: this one is "
                       f"{dispute.state.replace('_', ' ')}.", code="not_escalated")
    dispute.state = OUTCOMES[outcome]
    dispute.decided_at, dispute.decided_by, dispute.decision_note = now, user.id, note
    session.flush()
    invoice = get_invoice(session, contract_id=contract.id, week_start=dispute.week_start)
    if invoice is not None:
        refresh_amount(session, invoice)
    audit.record(session, actor=user, action="dispute.decided", subject_type="dispute",
                 subject_id=dispute.id, now=now,
                 detail={"from": "escalated", "to": dispute.state, "outcome": outcome,
                         "note": note[:200]})
    for party_id in (contract.client_id, contract.freelancer_id):
        party = session.get(User, party_id)
        if party is not None:
            mail.queue(session, kind="dispute_decided", to_email=party.email, user=party,
                       now=now, context={**mail_context(contract, dispute, author=user),
                                         "outcome": outcome, "note": note[:1000]})
    session.commit()
    return dispute
