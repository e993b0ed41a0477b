"""Offers: a client offers a contract to a freelancer's email; the freelancer accepts or
declines. Each step is kept in the contract's history, audited, and mailed to the other side.

The freelancer may have no account yet: the offer keeps the invited email, its mail carries a
sign-up link, and the first verified freelancer account with that email is bound to it
(``contracts.bind_invitations``, on listing and on accepting).
"""

from __future__ import annotations

import urllib.parse
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core import model as core
from workdiary.server.errors import Conflict, Forbidden, Unprocessable
from workdiary.server.models import Contract, User
from workdiary.server.services import audit, mail
from workdiary.server.services.contract_history import add_event
from workdiary.server.services.contract_terms import check_terms
from workdiary.server.services.contracts import (
    add_first_terms_and_policy,
    bind_invitations,
    get_contract_for,
)
from workdiary.server.services.organisations import require_acting_member
from workdiary.server.services.users import (
    EMAIL_RE,
    ensure_verified,
    get_user_by_email,
    normalise_email,
)

OFFERS_PAGE = "/offers"
MAX_TITLE = 200


def offer_contract(session: Session, *, client: User, freelancer_email: str, title: str,
                   rate_cents: int, currency: str, weekly_limit_minutes: int | None,
                   policy: core.Policy, now: datetime,
                   organisation_id: str | None = None) -> Contract:
    """A new contract in status ``offered`` (committed), mailed to the freelancer; with
    ``organisation_id`` it belongs to that organisation (the offerer owns or manages it)."""
    if client.role != "client":
        raise Forbidden("only clients offer contracts.", code="not_a_client")
    ensure_verified(client)
    org = (require_acting_member(session, user=client, organisation_id=organisation_id)
           if organisation_id is not None else None)
    email = normalise_email(freelancer_email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise Unprocessable(f"{freelancer_email!r} is not an email address.",
                            code="invalid_email")
    if email == normalise_email(client.email):
        raise Unprocessable("you cannot offer a contract to yourself.", code="offer_to_self")
    title = title.strip()
    if not 0 < len(title) <= MAX_TITLE:
        raise Unprocessable(f"the title must have 1 to {MAX_TITLE} characters.",
                            code="invalid_title")
    currency = check_terms(rate_cents=rate_cents, currency=currency,
                           weekly_limit_minutes=weekly_limit_minutes)
    freelancer = get_user_by_email(session, email=email)
    if freelancer is not None and freelancer.role != "freelancer":
        raise Unprocessable(f"{email} is a {freelancer.role} account, not a freelancer: offer "
                            "the contract to the freelancer's own email.",
                            code="not_a_freelancer")
    # The same offer twice (a double submit): the same title to the same email, still open.
    if any(t.strip().lower() == title.lower() for t in session.scalars(
            select(Contract.title).where(Contract.client_id == client.id,
                                         Contract.invited_email == email,
                                         Contract.status == "offered"))):
        raise Conflict(f"you already have an open offer \u201c{title}\u201d to {email}: wait "
                       "for the answer, or withdraw it (end) before offering again.",
                       code="duplicate_offer")
    bound = freelancer if freelancer is not None and freelancer.email_verified_at else None
    contract = Contract(
        client_id=client.id, freelancer_id=bound.id if bound else None, invited_email=email,
        title=title, rate_cents=rate_cents, currency=currency,
        weekly_limit_minutes=weekly_limit_minutes, status="offered", created_at=now,
        policy_version=1, organisation_id=org.id if org else None, **policy.to_dict())
    session.add(contract)
    add_first_terms_and_policy(session, contract, now=now)
    detail = {"title": title, "rate_cents": rate_cents, "currency": currency,
              "weekly_limit_minutes": weekly_limit_minutes, "policy": policy.to_dict(),
              "freelancer_email": email, "organisation_id": org.id if org else None}
    add_event(session, contract, actor=client, kind="offered", now=now, detail=detail)
    audit.record(session, actor=client, action="contract.offered", subject_type="contract",
                 subject_id=contract.id, now=now, detail=detail)
    mail.queue(session, kind="contract_offer", to_email=email, user=freelancer, now=now,
               context={"contract_id": contract.id, "title": title, "client_name": client.name,
                        "rate_cents": rate_cents, "currency": currency,
                        "weekly_limit_minutes": weekly_limit_minutes,
                        "weekly_limit_hours": (round(weekly_limit_minutes / 60, 2)
                                               if weekly_limit_minutes else None),
                        "policy": policy.to_dict(), "has_account": freelancer is not None,
                        "link": OFFERS_PAGE if freelancer is not None
                        else signup_link(email)})
    session.commit()
    return contract


def signup_link(email: str) -> str:
    """The sign-up page for an invited email, returning to the offers afterwards."""
    return "/signup?" + urllib.parse.urlencode({"email": email, "next": OFFERS_PAGE})


def _open_offer(session: Session, *, user: User, contract_id: str) -> Contract:
    bind_invitations(session, user=user)
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    if contract.freelancer_id != user.id:
        raise Forbidden("only the freelancer the contract is offered to answers it.",
                        code="not_the_freelancer")
    if contract.status != "offered":
        raise Conflict(f"this contract is {contract.status}, not an open offer.",
                       code="not_an_offer")
    return contract


def accept_offer(session: Session, *, user: User, contract_id: str, now: datetime) -> Contract:
    """The freelancer accepts: the contract is active from now (committed)."""
    ensure_verified(user)
    contract = _open_offer(session, user=user, contract_id=contract_id)
    return _answer(session, contract, user, "accepted", now)


def decline_offer(session: Session, *, user: User, contract_id: str,
                  now: datetime) -> Contract:
    """The freelancer declines: the offer is closed (committed)."""
    contract = _open_offer(session, user=user, contract_id=contract_id)
    return _answer(session, contract, user, "declined", now)


def _answer(session: Session, contract: Contract, user: User, answer: str,
            now: datetime) -> Contract:
    contract.status = "active" if answer == "accepted" else "declined"
    add_event(session, contract, actor=user, kind=answer, now=now, detail={})
    audit.record(session, actor=user, action=f"contract.{answer}", subject_type="contract",
                 subject_id=contract.id, now=now, detail={"status": contract.status})
    client = session.get(User, contract.client_id)
    if client is not None:
        mail.queue(session, kind="contract_answered", to_email=client.email, user=client,
                   now=now, context={"contract_id": contract.id, "title": contract.title,
                                     "freelancer_name": user.name, "answer": answer,
                                     "link": f"/contracts/{contract.id}"})
    session.commit()
    return contract
