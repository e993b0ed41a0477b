"""Who sees a contract and from which side: the one access rule every service and page uses.

A user's side of a contract is
- ``freelancer``: the contract's freelancer;
- ``client``: for a contract of an organisation, an owner or manager of it (the contract's
  ``client_id`` is only the member who offered it and receives the client's mail); for any
  other contract, its client;
- ``viewer``: a viewer of the contract's organisation (reads everything the client reads,
  changes nothing);
- None: anyone else, who learns nothing (404), a removed member included.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from workdiary.server.errors import Forbidden
from workdiary.server.models import Contract, OrganisationMember, User

Side = Literal["freelancer", "client", "viewer"]
ACTING_ROLES = ("owner", "manager")


def member_role(session: Session, *, organisation_id: str, user_id: str) -> str | None:
    """The user's role in the organisation, or None for a non-member."""
    return session.scalar(select(OrganisationMember.role).where(
        OrganisationMember.organisation_id == organisation_id,
        OrganisationMember.user_id == user_id))


def side_of(session: Session, contract: Contract, user: User) -> Side | None:
    """The user's side of the contract (module docstring), or None."""
    if contract.freelancer_id == user.id:
        return "freelancer"
    if contract.organisation_id is not None:
        role = member_role(session, organisation_id=contract.organisation_id, user_id=user.id)
        if role is None:
            return None
        return "client" if role in ACTING_ROLES else "viewer"
    return "client" if contract.client_id == user.id else None


def visible_to(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Contract`` for the contracts ``user`` has a side on."""
    orgs = select(OrganisationMember.organisation_id).where(
        OrganisationMember.user_id == user.id)
    return or_(Contract.freelancer_id == user.id,
               and_(Contract.organisation_id.is_(None), Contract.client_id == user.id),
               Contract.organisation_id.in_(orgs))


def read_only(what: str) -> Forbidden:
    return Forbidden(f"you are a viewer of this contract's organisation: you can read it, but "
                     f"only its owners and managers {what}.", code="read_only_member")


def require_client(session: Session, contract: Contract, user: User, *, what: str,
                   refusal: Forbidden) -> None:
    """Refuse unless ``user`` acts as the contract's client: a viewer gets ``read_only_member``
    (``what`` completes its sentence), the freelancer ``refusal``."""
    side = side_of(session, contract, user)
    if side == "viewer":
        raise read_only(what)
    if side != "client":
        raise refusal
