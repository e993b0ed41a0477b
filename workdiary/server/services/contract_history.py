"""A contract's history: every change (offer, answer, terms, policy, pause, resume, end), kept
for both parties to read, and the mail that tells the other party about it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.server.models import Contract, ContractEvent, User
from workdiary.server.services import mail
from workdiary.server.services.contracts import get_contract_for
from workdiary.server.services.users import names_by_id


def add_event(session: Session, contract: Contract, *, actor: User | None, kind: str,
              now: datetime, detail: Mapping[str, object]) -> None:
    """Append one change to the history (not committed: it lands with the change)."""
    session.flush()  # the contract has its id
    session.add(ContractEvent(contract_id=contract.id, at=now,
                              actor_id=actor.id if actor else None, kind=kind,
                              detail=json.dumps(dict(detail), sort_keys=True, default=str)))


def notify(session: Session, contract: Contract, *, actor: User, change: str, now: datetime,
           detail: Mapping[str, object]) -> None:
    """Queue ``contract_changed`` to the party who did not make the change (a change by an
    organisation's manager goes to the freelancer)."""
    other_id = contract.client_id if actor.id == contract.freelancer_id else contract.freelancer_id
    other = session.get(User, other_id) if other_id else None
    to_email = other.email if other else contract.invited_email
    if not to_email:
        return
    mail.queue(session, kind="contract_changed", to_email=to_email, user=other, now=now,
               context=changed_mail_context(contract, actor=actor, change=change, detail=detail))


# History kinds as the contract_changed mail names them (docs/design.md, "Mail").
_MAIL_CHANGE = {"terms_changed": "terms", "policy_changed": "policy"}


def changed_mail_context(contract: Contract, *, actor: User, change: str,
                         detail: Mapping[str, object]) -> dict[str, object]:
    """The contract_changed mail's context: who changed what, and new terms from when."""
    context: dict[str, object] = {
        "contract_id": contract.id, "title": contract.title, "by_name": actor.name,
        "change": _MAIL_CHANGE.get(change, change), "currency": contract.currency,
        "detail": dict(detail), "link": f"/contracts/{contract.id}"}
    if change == "terms_changed":
        rate, limit = detail.get("rate_cents"), detail.get("weekly_limit_minutes")
        if isinstance(rate, dict):
            context["rate_cents"] = rate.get("new")
        if isinstance(limit, dict) and isinstance(limit.get("new"), int):
            context["weekly_limit_hours"] = round(limit["new"] / 60, 2)
        context["effective"] = detail.get("from_week")
    return context


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    kind: str
    actor_id: str | None
    actor_name: str
    detail: dict[str, object]

    def to_dict(self) -> dict[str, object]:
        return {"at": self.at.isoformat(), "kind": self.kind, "actor_id": self.actor_id,
                "actor_name": self.actor_name, "detail": self.detail}


def contract_history(session: Session, *, user: User, contract_id: str) -> list[HistoryEntry]:
    """Every change of a contract the user is party to, oldest first."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    rows = session.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract.id)
                           .order_by(ContractEvent.at, ContractEvent.id)).all()
    names = names_by_id(session, user_ids=[row.actor_id for row in rows])
    return [HistoryEntry(row.at, row.kind, row.actor_id,
                         names.get(row.actor_id, "") if row.actor_id else "server",
                         json.loads(row.detail)) for row in rows]
