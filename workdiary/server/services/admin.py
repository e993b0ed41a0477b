"""What an admin reads and changes: accounts (disable/enable), contracts, the disputes queue
and the audit log.

An admin is an account with role ``admin`` (``workdiary server add-user --role admin``). It
is never party to a contract (contracts join a client and a freelancer), so it cannot clock in,
upload or see diaries; it reads contract facts (parties, rate, status), not their evidence.
Screenshots of disputed segments open to an admin only while that dispute waits for an admin's
decision (``screenshots.may_view``). Every list here is bounded and newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core.timegrid import isoformat_z
from workdiary.server.errors import Conflict, Forbidden, NotFound
from workdiary.server.models import Contract, Dispute, User
from workdiary.server.services import audit, users
from workdiary.server.services.dispute_states import STATES

MAX_LIST = 500


def require_admin(user: User) -> None:
    if user.role != "admin":
        raise Forbidden("this is for admins only.", code="not_an_admin")


def user_dict(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "disabled": user.disabled, "created_at": isoformat_z(user.created_at),
            "email_verified": user.email_verified_at is not None}


def list_users(session: Session, *, admin: User, limit: int = MAX_LIST) -> list[User]:
    require_admin(admin)
    return list(session.scalars(select(User).order_by(User.created_at.desc(), User.id)
                                .limit(max(1, min(limit, MAX_LIST)))))


def set_user_disabled(session: Session, *, admin: User, user_id: str, disabled: bool,
                      now: datetime) -> User:
    """Disable an account (its sessions and tokens end at once) or enable it; audited.

    An admin cannot disable themselves (someone must stay able to undo it)."""
    require_admin(admin)
    target = session.get(User, user_id[:64])
    if target is None:
        raise NotFound(f"there is no user {user_id[:64]}.", code="no_such_user")
    if disabled and target.id == admin.id:
        raise Conflict("you cannot disable your own account.", code="cannot_disable_self")
    return users.set_disabled(session, email=target.email, disabled=disabled, actor=admin,
                              now=now)


@dataclass(frozen=True, slots=True)
class ContractLine:
    contract: Contract
    client_name: str
    freelancer_name: str

    def to_dict(self) -> dict[str, Any]:
        c = self.contract
        return {"id": c.id, "title": c.title, "status": c.status, "client_id": c.client_id,
                "client_name": self.client_name, "freelancer_id": c.freelancer_id,
                "freelancer_name": self.freelancer_name, "rate_cents": c.rate_cents,
                "currency": c.currency, "weekly_limit_minutes": c.weekly_limit_minutes,
                "created_at": isoformat_z(c.created_at)}


def list_contracts(session: Session, *, admin: User, limit: int = MAX_LIST) -> list[ContractLine]:
    require_admin(admin)
    rows = list(session.scalars(select(Contract).order_by(Contract.created_at.desc(),
                                                           Contract.id)
                                .limit(max(1, min(limit, MAX_LIST)))))
    names = users.names_by_id(session, user_ids=[c.client_id for c in rows] +
                              [c.freelancer_id for c in rows])
    return [ContractLine(c, names.get(c.client_id, ""), names.get(c.freelancer_id, ""))
            for c in rows]


@dataclass(frozen=True, slots=True)
class DisputeLine:
    dispute: Dispute
    contract_title: str

    def to_dict(self) -> dict[str, Any]:
        d = self.dispute
        return {"id": d.id, "contract_id": d.contract_id, "contract_title": self.contract_title,
                "week_start": d.week_start.isoformat(), "state": d.state, "reason": d.reason,
                "created_at": isoformat_z(d.created_at),
                "escalate_at": isoformat_z(d.escalate_at) if d.escalate_at else None,
                "escalated_at": isoformat_z(d.escalated_at) if d.escalated_at else None}


def list_disputes(session: Session, *, admin: User, state: str | None = None,
                  limit: int = MAX_LIST) -> list[DisputeLine]:
    """Disputes, the escalated ones (the queue) first, then newest first; or one state's."""
    require_admin(admin)
    query = select(Dispute, Contract.title).join(Contract, Contract.id == Dispute.contract_id)
    if state is not None:
        if state not in STATES:
            raise NotFound(f"there is no dispute state {state[:32]!r}.", code="no_such_state")
        query = query.where(Dispute.state == state)
    rows = session.execute(query.order_by((Dispute.state != "escalated"),
                                          Dispute.escalated_at, Dispute.created_at.desc(),
                                          Dispute.id)
                           .limit(max(1, min(limit, MAX_LIST)))).all()
    return [DisputeLine(d, title) for d, title in rows]


@dataclass(frozen=True)
class AuditNames:
    """What the audit page names its entries with: accounts, contracts and disputes by id."""

    users: dict[str, User]
    contracts: dict[str, Contract]
    disputes: dict[str, Dispute]


def audit_contract_id(entry: audit.AuditView) -> str | None:
    """The contract an entry is about, when it is about one (a week's subject is
    ``<contract id>:<week start>``; a segment's entry names its contract in the detail)."""
    if entry.subject_type == "contract":
        return entry.subject_id
    if entry.subject_type == "week":
        return entry.subject_id.split(":", 1)[0]
    found = entry.detail.get("contract_id")
    return found if isinstance(found, str) else None


def audit_names(session: Session, *, admin: User,
                entries: list[audit.AuditView]) -> AuditNames:
    """The accounts, contracts and disputes a page of the log mentions (three queries)."""
    require_admin(admin)
    dispute_ids = {e.subject_id for e in entries if e.subject_type == "dispute"}
    disputes = {d.id: d for d in session.scalars(
        select(Dispute).where(Dispute.id.in_(dispute_ids)))} if dispute_ids else {}
    contract_ids = {c for c in (audit_contract_id(e) for e in entries) if c}
    contract_ids |= {d.contract_id for d in disputes.values()}
    contracts = {c.id: c for c in session.scalars(
        select(Contract).where(Contract.id.in_(contract_ids)))} if contract_ids else {}
    user_ids = {e.actor_id for e in entries if e.actor_id}
    user_ids |= {e.subject_id for e in entries if e.subject_type == "user"}
    user_ids |= {str(e.detail["by"]) for e in entries if isinstance(e.detail.get("by"), str)}
    found = {u.id: u for u in session.scalars(
        select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    return AuditNames(users=found, contracts=contracts, disputes=disputes)


def audit_page(session: Session, *, admin: User, before_id: int | None = None,
               limit: int = 100) -> list[audit.AuditView]:
    """A page of the audit log, newest first; ``before_id`` pages backwards. Read-only."""
    require_admin(admin)
    return audit.entries(session, before_id=before_id, limit=limit)
