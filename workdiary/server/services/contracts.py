"""Contracts: reads, the operator's ``create_contract``, and the terms of a week.

Offers and their answers are in ``contract_offers``, later changes in ``contract_changes``.
A contract is visible only to its client (or, for a contract of an organisation, its members)
and its (bound) freelancer: the rule is ``contract_access``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from workdiary.core import model as core
from workdiary.core.errors import DomainError
from workdiary.core.week import week_start as week_start_of
from workdiary.server.errors import NotFound, Unprocessable
from workdiary.server.models import (
    Contract,
    ContractPolicy,
    ContractTerms,
    SegmentRow,
    User,
)
from workdiary.server.services.contract_access import side_of, visible_to
from workdiary.server.services.contract_timeline import Terms, pick_terms
from workdiary.server.services.users import get_user_by_email, normalise_email

MAX_RATE_CENTS = 100_000_00  # 100,000 per hour: anything above is a typo


def create_contract(
    session: Session, *, client_email: str, freelancer_email: str, title: str, rate_cents: int,
    now: datetime, currency: str = "USD", weekly_limit_minutes: int | None = None,
    policy: core.Policy | None = None,
) -> Contract:
    """Create an active contract between an existing client and an existing freelancer."""
    client = get_user_by_email(session, email=client_email)
    freelancer = get_user_by_email(session, email=freelancer_email)
    if client is None or client.role != "client":
        raise NotFound(f"no client with email {client_email}: add the user first.",
                       code="no_such_client")
    if freelancer is None or freelancer.role != "freelancer":
        raise NotFound(f"no freelancer with email {freelancer_email}: add the user first.",
                       code="no_such_freelancer")
    if not title.strip():
        raise Unprocessable("the contract title must not be empty.", code="invalid_title")
    if not 0 <= rate_cents <= MAX_RATE_CENTS:
        raise Unprocessable("the hourly rate must be between 0 and 100,000.", code="invalid_rate")
    if len(currency) != 3 or not currency.isalpha():
        raise Unprocessable("currency must be a 3-letter ISO code such as USD.",
                            code="invalid_currency")
    if weekly_limit_minutes is not None and not 0 < weekly_limit_minutes <= 7 * 24 * 60:
        raise Unprocessable("the weekly limit must be 1 minute to 168 hours.", code="invalid_limit")
    try:
        policy = policy or core.Policy()
    except DomainError as exc:
        raise Unprocessable(str(exc), code="invalid_policy") from exc
    contract = Contract(
        client_id=client.id, freelancer_id=freelancer.id, title=title.strip()[:200],
        rate_cents=rate_cents, currency=currency.upper(),
        weekly_limit_minutes=weekly_limit_minutes, status="active", created_at=now,
        policy_version=1, **policy.to_dict(),
    )
    session.add(contract)
    add_first_terms_and_policy(session, contract, now=now)
    session.commit()
    return contract


def add_first_terms_and_policy(session: Session, contract: Contract, *, now: datetime) -> None:
    """The first terms row (from the week the contract was made) and policy version 1."""
    session.flush()
    session.add(ContractTerms(contract_id=contract.id,
                              week_start=week_start_of(contract.created_at).date(),
                              rate_cents=contract.rate_cents,
                              weekly_limit_minutes=contract.weekly_limit_minutes,
                              created_at=now))
    session.add(ContractPolicy(contract_id=contract.id, version=contract.policy_version,
                               policy=json.dumps(contract.policy().to_dict()), created_at=now))


def terms_for_week(session: Session, contract: Contract, week_start: date) -> Terms:
    """Rate and weekly limit of ``contract`` in the UTC week starting ``week_start``: a change
    takes effect from the week after it was made, so each week keeps the terms it began with."""
    rows = session.scalars(select(ContractTerms).where(
        ContractTerms.contract_id == contract.id)).all()
    return pick_terms(contract, rows, week_start)


def bind_invitations(session: Session, *, user: User) -> int:
    """Give a verified freelancer the offers made to their email before they had an account
    (or before it was verified); returns how many were bound (committed)."""
    if user.role != "freelancer" or user.email_verified_at is None:
        return 0
    waiting = session.scalars(select(Contract).where(
        Contract.freelancer_id.is_(None),
        Contract.invited_email == normalise_email(user.email))).all()
    for contract in waiting:
        contract.freelancer_id = user.id
    if waiting:
        session.commit()
    return len(waiting)


def contracts_for(session: Session, *, user: User) -> list[Contract]:
    """Contracts the user hired (client), works on (freelancer) or sees as a member of their
    organisation, offers included, newest first; offers made to the user's email before the
    account existed are bound first."""
    bind_invitations(session, user=user)
    return list(session.scalars(
        select(Contract)
        .where(visible_to(user))
        .order_by(Contract.created_at.desc(), Contract.id)
    ))


def get_contract_for(session: Session, *, user: User, contract_id: str) -> Contract:
    """A contract the user has a side on (``contract_access``); NotFound otherwise (existence
    is not revealed, also not to a removed member)."""
    contract = session.get(Contract, contract_id[:64])
    if contract is None or side_of(session, contract, user) is None:
        raise NotFound(f"you have no contract {contract_id}.", code="no_such_contract")
    return contract


def role_on(contract: Contract, user: User) -> str:
    """'client', 'freelancer' or 'viewer': the user's side of a contract they can see (an
    organisation's owners and managers act as its client, its viewers only read); 'none'."""
    session = object_session(contract)
    if session is None:  # a detached row: only the contract's own columns can answer
        return ("freelancer" if contract.freelancer_id == user.id else
                "client" if contract.client_id == user.id else "none")
    return side_of(session, contract, user) or "none"


def billed_seconds(session: Session, *, contract_id: str, week_start: date) -> int:
    """Billable seconds of a contract-week (live, before the lock and disputes)."""
    return billed_seconds_by_contract(session, contract_ids=[contract_id],
                                      week_start=week_start).get(contract_id, 0)


def billed_seconds_by_contract(session: Session, *, contract_ids: Sequence[str],
                               week_start: date) -> dict[str, int]:
    """Billable seconds per contract in the week (what counts against the weekly limit),
    in one query; contracts without any are left out."""
    if not contract_ids:
        return {}
    query = (
        select(SegmentRow.contract_id, func.coalesce(func.sum(SegmentRow.billable_seconds), 0))
        .where(SegmentRow.contract_id.in_(list(contract_ids)),
               SegmentRow.week_start == week_start, SegmentRow.deleted.is_(False))
        .group_by(SegmentRow.contract_id)
    )
    return {cid: int(total) for cid, total in session.execute(query)}


def party_names(session: Session, contract: Contract) -> tuple[str, str]:
    """(client name, freelancer name); an offer to someone without an account yet names
    the invited email."""
    client = session.get(User, contract.client_id)
    freelancer = (session.get(User, contract.freelancer_id) if contract.freelancer_id
                  else None)
    return (client.name if client else "",
            freelancer.name if freelancer else (contract.invited_email or ""))


def to_core(session: Session, contract: Contract) -> core.Contract:
    client_name, freelancer_name = party_names(session, contract)
    return contract.to_core(client_name=client_name, freelancer_name=freelancer_name)
