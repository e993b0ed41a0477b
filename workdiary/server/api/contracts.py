"""Contracts: the caller's list; a client's offers and changes, the freelancer's answers, and
the history both read (docs/design.md, "Contract offers and lifecycle")."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core import model as core
from workdiary.core.billing import whole_minutes
from workdiary.core.errors import DomainError
from workdiary.core.week import week_start
from workdiary.server.api.schemas import (
    ContractCreate,
    ContractEventPublic,
    ContractPatch,
    ContractPublic,
    OrganisationRef,
    PolicyPatch,
    PolicyPublic,
    TermsPublic,
)
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.errors import Unprocessable
from workdiary.server.models import Contract, ContractTerms, Organisation, User
from workdiary.server.services import contract_changes, contract_offers, contracts
from workdiary.server.services.contract_history import contract_history
from workdiary.server.services.contract_terms import hours_to_minutes, rate_to_cents

router = APIRouter(tags=["contracts"])


def contract_public(session: Session, contract: Contract, user: User,
                    week: date) -> ContractPublic:
    """The API shape of a contract, with the caller's side, this week's terms (and next
    week's when they change) and the week's billed seconds so far."""
    client_name, freelancer_name = contracts.party_names(session, contract)
    org = (session.get(Organisation, contract.organisation_id)
           if contract.organisation_id else None)
    terms = contracts.terms_for_week(session, contract, week)
    later = session.scalar(select(ContractTerms).where(
        ContractTerms.contract_id == contract.id, ContractTerms.week_start > week)
        .order_by(ContractTerms.week_start))
    week_seconds = contracts.billed_seconds(session, contract_id=contract.id, week_start=week)
    return ContractPublic(
        id=contract.id, title=contract.title, client_id=contract.client_id,
        freelancer_id=contract.freelancer_id, client_name=client_name,
        freelancer_name=freelancer_name, role=contracts.role_on(contract, user),  # type: ignore[arg-type]
        rate_cents=terms.rate_cents, currency=contract.currency,
        weekly_limit_minutes=terms.weekly_limit_minutes,
        status=contract.status,
        policy=PolicyPublic(**contract.policy().to_dict()),  # type: ignore[arg-type]
        week_start=week,
        week_minutes=whole_minutes(week_seconds), week_seconds=week_seconds,
        invited_email=contract.invited_email, policy_version=contract.policy_version,
        next_terms=None if later is None else TermsPublic(
            week_start=later.week_start, rate_cents=later.rate_cents,
            weekly_limit_minutes=later.weekly_limit_minutes),
        organisation=None if org is None else OrganisationRef(id=org.id, name=org.name),
    )


def merged_policy(base: core.Policy, patch: PolicyPatch) -> core.Policy:
    """``base`` with the fields the patch gives; a value core refuses is a 422."""
    values = base.to_dict()
    values.update(patch.model_dump(exclude_none=True))
    try:
        return core.Policy.from_dict(values)
    except (DomainError, ValueError) as exc:
        raise Unprocessable(f"the tracking policy is invalid: {exc}.",
                            code="invalid_policy") from exc


@router.get("/contracts", response_model=list[ContractPublic])
def list_contracts(session: DbSession, user: CurrentUser, clock: AppClock) -> list[ContractPublic]:
    """Contracts the caller hired or works on, offers included."""
    this_week = week_start(clock.now()).date()
    return [contract_public(session, c, user, this_week)
            for c in contracts.contracts_for(session, user=user)]


@router.post("/contracts", response_model=ContractPublic, status_code=201)
def offer(body: ContractCreate, session: DbSession, user: CurrentUser,
          clock: AppClock) -> ContractPublic:
    """A client offers a contract to a freelancer's email (status ``offered``), optionally
    for an organisation they own or manage."""
    now = clock.now()
    contract = contract_offers.offer_contract(
        session, client=user, freelancer_email=body.freelancer_email, title=body.title,
        rate_cents=rate_to_cents(body.rate), currency=body.currency,
        weekly_limit_minutes=hours_to_minutes(body.weekly_limit_hours),
        policy=merged_policy(core.Policy(), body.policy), now=now,
        organisation_id=body.organisation_id)
    return contract_public(session, contract, user, week_start(now).date())


@router.post("/contracts/{contract_id}/accept", response_model=ContractPublic)
def accept(contract_id: str, session: DbSession, user: CurrentUser,
           clock: AppClock) -> ContractPublic:
    now = clock.now()
    contract = contract_offers.accept_offer(session, user=user, contract_id=contract_id, now=now)
    return contract_public(session, contract, user, week_start(now).date())


@router.post("/contracts/{contract_id}/decline", response_model=ContractPublic)
def decline(contract_id: str, session: DbSession, user: CurrentUser,
            clock: AppClock) -> ContractPublic:
    now = clock.now()
    contract = contract_offers.decline_offer(session, user=user, contract_id=contract_id,
                                             now=now)
    return contract_public(session, contract, user, week_start(now).date())


@router.patch("/contracts/{contract_id}", response_model=ContractPublic)
def change(contract_id: str, body: ContractPatch, session: DbSession, user: CurrentUser,
           clock: AppClock) -> ContractPublic:
    """The client changes terms (from next Monday, UTC) and/or the tracking policy."""
    now = clock.now()
    current = contracts.get_contract_for(session, user=user, contract_id=contract_id)
    limit: int | contract_changes._Unset | None = contract_changes.UNSET
    if "weekly_limit_hours" in body.model_fields_set:
        limit = hours_to_minutes(body.weekly_limit_hours)
    contract = contract_changes.change_contract(
        session, user=user, contract_id=contract_id, now=now,
        rate_cents=None if body.rate is None else rate_to_cents(body.rate),
        weekly_limit_minutes=limit,
        policy=None if body.policy is None else merged_policy(current.policy(), body.policy))
    return contract_public(session, contract, user, week_start(now).date())


def _status_route(action: str):  # type: ignore[no-untyped-def]
    change_status = {"pause": contract_changes.pause_contract,
                     "resume": contract_changes.resume_contract,
                     "end": contract_changes.end_contract}[action]

    def route(contract_id: str, session: DbSession, user: CurrentUser,
              clock: AppClock) -> ContractPublic:
        now = clock.now()
        contract = change_status(session, user=user, contract_id=contract_id, now=now)
        return contract_public(session, contract, user, week_start(now).date())

    route.__name__ = f"{action}_contract"
    route.__doc__ = {"pause": "The client pauses the contract: segments starting from now "
                              "are refused (contract_inactive).",
                     "resume": "The client resumes a paused contract.",
                     "end": "Either party ends the contract (the client may withdraw an "
                            "offer)."}[action]
    return route


for _action in ("pause", "resume", "end"):
    router.add_api_route(f"/contracts/{{contract_id}}/{_action}", _status_route(_action),
                         methods=["POST"], response_model=ContractPublic)


@router.get("/contracts/{contract_id}/history", response_model=list[ContractEventPublic])
def history(contract_id: str, session: DbSession, user: CurrentUser) -> list[dict[str, object]]:
    """Every change of the contract, oldest first, for both parties."""
    return [entry.to_dict() for entry in
            contract_history(session, user=user, contract_id=contract_id)]
