"""Bodies of the organisation endpoints (every field bounded)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from workdiary.server.api.schemas import Strict
from workdiary.server.services.organisation_invitations import MAX_TOKEN
from workdiary.server.services.organisations import MAX_NAME


class OrganisationCreate(Strict):
    name: str = Field(min_length=1, max_length=MAX_NAME)


class InvitationCreate(Strict):
    email: str = Field(min_length=3, max_length=254)
    role: Literal["manager", "viewer"]


class InvitationAccept(Strict):
    token: str = Field(min_length=1, max_length=MAX_TOKEN)


class MemberRole(Strict):
    role: Literal["owner", "manager", "viewer"]


class ContractOrganisation(Strict):
    organisation_id: str = Field(min_length=1, max_length=64)


class MemberPublic(BaseModel):
    user_id: str
    name: str
    email: str
    role: Literal["owner", "manager", "viewer"]
    added_at: str


class InvitationPublic(BaseModel):
    id: str
    email: str
    role: Literal["manager", "viewer"]
    created_at: str
    expires_at: str


class OrganisationSummary(BaseModel):
    id: str
    name: str
    my_role: Literal["owner", "manager", "viewer"]


class OrganisationPublic(OrganisationSummary):
    created_at: str
    contract_count: int
    members: list[MemberPublic]
    invitations: list[InvitationPublic]  # pending ones; owners only (empty for others)
