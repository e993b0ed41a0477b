"""Client organisations: create, read, invite, accept, change roles, remove members, and put
a contract into one (docs/design.md, "Organisations")."""

from __future__ import annotations

from fastapi import APIRouter, Response

from workdiary.core.week import week_start
from workdiary.server.api.contracts import contract_public
from workdiary.server.api.organisation_schemas import (
    ContractOrganisation,
    InvitationAccept,
    InvitationCreate,
    InvitationPublic,
    MemberRole,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationSummary,
)
from workdiary.server.api.schemas import ContractPublic
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.services import organisation_invitations as invitations
from workdiary.server.services import organisations

router = APIRouter(tags=["organisations"])


def _public(session: DbSession, user: CurrentUser, organisation_id: str) -> dict[str, object]:
    return organisations.get_organisation(session, user=user,
                                          organisation_id=organisation_id).to_dict()


@router.post("/organisations", response_model=OrganisationPublic, status_code=201)
def create(body: OrganisationCreate, session: DbSession, user: CurrentUser,
           clock: AppClock) -> dict[str, object]:
    """A verified client creates an organisation and becomes its owner."""
    org = organisations.create_organisation(session, user=user, name=body.name,
                                            now=clock.now())
    return _public(session, user, org.id)


@router.get("/organisations", response_model=list[OrganisationSummary])
def mine(session: DbSession, user: CurrentUser) -> list[dict[str, str]]:
    """The caller's organisations and their role in each."""
    return [{"id": org.id, "name": org.name, "my_role": role}
            for org, role in organisations.organisations_of(session, user=user)]


@router.get("/organisations/{organisation_id}", response_model=OrganisationPublic)
def read(organisation_id: str, session: DbSession, user: CurrentUser) -> dict[str, object]:
    """Members and their roles (pending invitations for owners); 404 for non-members."""
    return _public(session, user, organisation_id)


@router.post("/organisations/{organisation_id}/invitations", response_model=InvitationPublic,
             status_code=201)
def invite(organisation_id: str, body: InvitationCreate, session: DbSession,
           user: CurrentUser, clock: AppClock) -> dict[str, object]:
    """An owner invites an email as manager or viewer; the link is mailed."""
    row = invitations.invite(session, user=user, organisation_id=organisation_id,
                             email=body.email, role=body.role, now=clock.now())
    return organisations.invitation_dict(row)


@router.delete("/organisations/{organisation_id}/invitations/{invitation_id}",
               status_code=204)
def revoke(organisation_id: str, invitation_id: str, session: DbSession, user: CurrentUser,
           clock: AppClock) -> Response:
    """An owner withdraws a pending invitation."""
    invitations.revoke(session, user=user, organisation_id=organisation_id,
                       invitation_id=invitation_id, now=clock.now())
    return Response(status_code=204)


@router.post("/organisation-invitations/accept", response_model=OrganisationPublic)
def accept(body: InvitationAccept, session: DbSession, user: CurrentUser,
           clock: AppClock) -> dict[str, object]:
    """The invited person (logged in with the invited, verified email) joins."""
    org, _member = invitations.accept(session, user=user, token=body.token, now=clock.now())
    return _public(session, user, org.id)


@router.patch("/organisations/{organisation_id}/members/{user_id}",
              response_model=OrganisationPublic)
def set_role(organisation_id: str, user_id: str, body: MemberRole, session: DbSession,
             user: CurrentUser, clock: AppClock) -> dict[str, object]:
    """An owner changes a member's role; the last owner stays an owner (409)."""
    organisations.set_member_role(session, user=user, organisation_id=organisation_id,
                                  member_id=user_id, role=body.role, now=clock.now())
    return _public(session, user, organisation_id)


@router.delete("/organisations/{organisation_id}/members/{user_id}", status_code=204)
def remove(organisation_id: str, user_id: str, session: DbSession, user: CurrentUser,
           clock: AppClock) -> Response:
    """An owner removes a member, or a member leaves; the last owner cannot (409)."""
    organisations.remove_member(session, user=user, organisation_id=organisation_id,
                                member_id=user_id, now=clock.now())
    return Response(status_code=204)


@router.post("/contracts/{contract_id}/organisation", response_model=ContractPublic)
def move(contract_id: str, body: ContractOrganisation, session: DbSession, user: CurrentUser,
         clock: AppClock) -> ContractPublic:
    """The client puts a contract of no organisation into one they own or manage."""
    now = clock.now()
    contract = organisations.move_contract(session, user=user, contract_id=contract_id,
                                           organisation_id=body.organisation_id, now=now)
    return contract_public(session, contract, user, week_start(now).date())
