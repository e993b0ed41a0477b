"""GET /contracts: what the caller is party to, with policy and this week's minutes."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from sqlalchemy.orm import Session

from workdiary.core.billing import whole_minutes
from workdiary.core.week import week_start
from workdiary.server.api.schemas import ContractPublic, PolicyPublic
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.models import Contract, User
from workdiary.server.services import contracts

router = APIRouter(tags=["contracts"])


def contract_public(session: Session, contract: Contract, user: User,
                    week: date) -> ContractPublic:
    """The API shape of a contract, with the caller's side and the week's minutes so far."""
    client_name, freelancer_name = contracts.party_names(session, contract)
    week_seconds = contracts.billed_seconds(session, contract_id=contract.id, week_start=week)
    return ContractPublic(
        id=contract.id, title=contract.title, client_id=contract.client_id,
        freelancer_id=contract.freelancer_id, client_name=client_name,
        freelancer_name=freelancer_name, role=contracts.role_on(contract, user),  # type: ignore[arg-type]
        rate_cents=contract.rate_cents, currency=contract.currency,
        weekly_limit_minutes=contract.weekly_limit_minutes, status=contract.status,
        policy=PolicyPublic(**contract.policy().to_dict()),  # type: ignore[arg-type]
        week_start=week,
        week_minutes=whole_minutes(week_seconds), week_seconds=week_seconds,
    )


@router.get("/contracts", response_model=list[ContractPublic])
def list_contracts(session: DbSession, user: CurrentUser, clock: AppClock) -> list[ContractPublic]:
    """Contracts the caller hired or works on."""
    this_week = week_start(clock.now()).date()
    return [contract_public(session, c, user, this_week)
            for c in contracts.contracts_for(session, user=user)]
