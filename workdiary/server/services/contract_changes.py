"""Changes to a running contract: terms (from the next UTC week), the tracking policy (a new
version, used from the next segment the desktop starts after it refreshes), pause, resume and
end. Each is kept in the history, audited and mailed to the other party, in one transaction.

Segments that start while a contract is paused or ended are refused (``contract_inactive``,
judged by ``contract_timeline`` from the history's times).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core import model as core
from workdiary.core.week import week_start
from workdiary.server.errors import Conflict, Forbidden
from workdiary.server.models import Contract, ContractPolicy, ContractTerms, User
from workdiary.server.services import audit
from workdiary.server.services.contract_access import read_only, require_client, side_of
from workdiary.server.services.contract_history import add_event, notify
from workdiary.server.services.contract_terms import check_terms
from workdiary.server.services.contracts import get_contract_for


class _Unset:
    """No value given (a PATCH may set the weekly limit to None: no limit)."""


UNSET: Final = _Unset()


def _as_client(session: Session, user: User, contract_id: str) -> Contract:
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    require_client(session, contract, user, what="change it",
                   refusal=Forbidden("only the contract's client changes it.",
                                     code="not_the_client"))
    return contract


def _running(contract: Contract) -> None:
    if contract.status == "offered":
        raise Conflict("the offer is not accepted yet: end (withdraw) it and offer new terms.",
                       code="not_accepted")
    if contract.status not in ("active", "paused"):
        raise Conflict(f"this contract is {contract.status}: it can no longer change.",
                       code="contract_closed")


def change_contract(session: Session, *, user: User, contract_id: str, now: datetime,
                    rate_cents: int | None = None,
                    weekly_limit_minutes: int | _Unset | None = UNSET,
                    policy: core.Policy | None = None) -> Contract:
    """The client changes rate and weekly limit (from next Monday 00:00 UTC) and/or the
    policy (a new version at once). Values equal to the current ones change nothing."""
    contract = _as_client(session, user, contract_id)
    _running(contract)
    new_rate = contract.rate_cents if rate_cents is None else rate_cents
    new_limit = (contract.weekly_limit_minutes if isinstance(weekly_limit_minutes, _Unset)
                 else weekly_limit_minutes)
    check_terms(rate_cents=new_rate, currency=contract.currency,
                weekly_limit_minutes=new_limit)
    if (new_rate, new_limit) != (contract.rate_cents, contract.weekly_limit_minutes):
        _change_terms(session, contract, user, new_rate, new_limit, now)
    if policy is not None and policy != contract.policy():
        _change_policy(session, contract, user, policy, now)
    session.commit()
    return contract


def _change_terms(session: Session, contract: Contract, user: User, rate_cents: int,
                  limit: int | None, now: datetime) -> None:
    from_week = (week_start(now) + timedelta(days=7)).date()
    row = session.scalar(select(ContractTerms).where(
        ContractTerms.contract_id == contract.id, ContractTerms.week_start == from_week))
    if row is None:
        session.add(ContractTerms(contract_id=contract.id, week_start=from_week,
                                  rate_cents=rate_cents, weekly_limit_minutes=limit,
                                  created_at=now))
    else:  # a second change in the same week replaces the first, still from next week
        row.rate_cents, row.weekly_limit_minutes, row.created_at = rate_cents, limit, now
    detail = {"from_week": from_week.isoformat(),
              "rate_cents": {"old": contract.rate_cents, "new": rate_cents},
              "weekly_limit_minutes": {"old": contract.weekly_limit_minutes, "new": limit}}
    contract.rate_cents, contract.weekly_limit_minutes = rate_cents, limit
    _record(session, contract, user, "terms_changed", now, detail)


def _change_policy(session: Session, contract: Contract, user: User, policy: core.Policy,
                   now: datetime) -> None:
    old = contract.policy().to_dict()
    version = contract.policy_version + 1
    session.add(ContractPolicy(contract_id=contract.id, version=version,
                               policy=json.dumps(policy.to_dict()), created_at=now))
    for key, value in policy.to_dict().items():
        setattr(contract, key, value)
    contract.policy_version = version
    changed = {key: {"old": old[key], "new": value}
               for key, value in policy.to_dict().items() if old[key] != value}
    _record(session, contract, user, "policy_changed", now,
            {"version": version, "changes": changed})


def _record(session: Session, contract: Contract, user: User, kind: str, now: datetime,
            detail: dict[str, object]) -> None:
    add_event(session, contract, actor=user, kind=kind, now=now, detail=detail)
    audit.record(session, actor=user, action=f"contract.{kind}", subject_type="contract",
                 subject_id=contract.id, now=now, detail=detail)
    notify(session, contract, actor=user, change=kind, now=now, detail=detail)


def _set_status(session: Session, contract: Contract, user: User, kind: str, status: str,
                now: datetime) -> Contract:
    old = contract.status
    contract.status = status
    _record(session, contract, user, kind, now, {"status": {"old": old, "new": status}})
    session.commit()
    return contract


def pause_contract(session: Session, *, user: User, contract_id: str,
                   now: datetime) -> Contract:
    """The client pauses: segments starting from now are refused until resumed."""
    contract = _as_client(session, user, contract_id)
    if contract.status != "active":
        raise Conflict(f"only an active contract can be paused; this one is {contract.status}.",
                       code="not_active")
    return _set_status(session, contract, user, "paused", "paused", now)


def resume_contract(session: Session, *, user: User, contract_id: str,
                    now: datetime) -> Contract:
    contract = _as_client(session, user, contract_id)
    if contract.status != "paused":
        raise Conflict(f"only a paused contract can be resumed; this one is {contract.status}.",
                       code="not_paused")
    return _set_status(session, contract, user, "resumed", "active", now)


def end_contract(session: Session, *, user: User, contract_id: str, now: datetime) -> Contract:
    """Either party ends a running contract; the client may also withdraw an open offer."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    side = side_of(session, contract, user)
    if side == "viewer":
        raise read_only("end it")
    allowed = ("offered", "active", "paused") if side == "client" else ("active", "paused")
    if contract.status not in allowed:
        hint = " (decline an offer instead)" if contract.status == "offered" else ""
        raise Conflict(f"this contract is {contract.status}: it cannot be ended{hint}.",
                       code="not_running")
    return _set_status(session, contract, user, "ended", "ended", now)
