"""Client organisations: create one, read it, change a member's role, remove a member, and
put a contract into one. Invitations are in ``organisation_invitations``; who may see and act
on a contract of an organisation is ``contract_access``.

Rules (docs/design.md "Organisations"): a verified client account creates an organisation and
becomes its owner; owners manage members and invitations; an organisation keeps at least one
owner. A contract's ``client_id`` names the member who receives the client's mail; when that
member leaves or becomes a viewer, the organisation's contracts pass to the owner who made the
change (or the oldest remaining owner).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workdiary.server.errors import Conflict, Forbidden, NotFound, Unprocessable
from workdiary.server.models import (
    ORG_ROLES,
    Contract,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    User,
)
from workdiary.server.services import audit
from workdiary.server.services.contract_access import ACTING_ROLES, member_role
from workdiary.server.services.contracts import get_contract_for
from workdiary.server.services.users import ensure_verified

MAX_NAME = 120
MAX_ORGANISATIONS = 50  # per creator: a typo loop, not a real need, makes more


@dataclass(frozen=True, slots=True)
class MemberView:
    user_id: str
    name: str
    email: str
    role: str
    added_at: datetime

    def to_dict(self) -> dict[str, object]:
        return {"user_id": self.user_id, "name": self.name, "email": self.email,
                "role": self.role, "added_at": self.added_at.isoformat()}


@dataclass(frozen=True, slots=True)
class OrganisationView:
    organisation: Organisation
    my_role: str
    members: list[MemberView]
    invitations: list[OrganisationInvitation]  # pending ones, for owners only
    contract_count: int

    def to_dict(self) -> dict[str, object]:
        o = self.organisation
        return {"id": o.id, "name": o.name, "created_at": o.created_at.isoformat(),
                "my_role": self.my_role, "contract_count": self.contract_count,
                "members": [m.to_dict() for m in self.members],
                "invitations": [invitation_dict(i) for i in self.invitations]}


def invitation_dict(invitation: OrganisationInvitation) -> dict[str, object]:
    return {"id": invitation.id, "email": invitation.email, "role": invitation.role,
            "created_at": invitation.created_at.isoformat(),
            "expires_at": invitation.expires_at.isoformat()}


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not 0 < len(name) <= MAX_NAME or any(unicodedata.category(c) == "Cc" for c in name):
        raise Unprocessable(f"the organisation's name must have 1 to {MAX_NAME} characters, "
                            "none of them control characters.",
                            code="invalid_name")
    return name


def check_role(role: str, *, allowed: tuple[str, ...] = ORG_ROLES) -> str:
    if role not in allowed:
        raise Unprocessable(f"the role must be one of {', '.join(allowed)}, not {role[:20]!r}.",
                            code="invalid_role")
    return role


def create_organisation(session: Session, *, user: User, name: str,
                        now: datetime) -> Organisation:
    """A new organisation with ``user`` as its owner (committed)."""
    if user.role != "client":
        raise Forbidden("only client accounts create organisations.", code="not_a_client")
    ensure_verified(user)
    name = check_name(name)
    made = session.scalar(select(func.count(Organisation.id)).where(
        Organisation.created_by == user.id)) or 0
    if made >= MAX_ORGANISATIONS:
        raise Conflict(f"you created {MAX_ORGANISATIONS} organisations already: that is the "
                       "limit.", code="too_many_organisations")
    org = Organisation(name=name, created_by=user.id, created_at=now)
    session.add(org)
    session.flush()
    session.add(OrganisationMember(organisation_id=org.id, user_id=user.id, role="owner",
                                   added_at=now, added_by=user.id))
    audit.record(session, actor=user, action="organisation.created",
                 subject_type="organisation", subject_id=org.id, now=now,
                 detail={"name": name})
    session.commit()
    return org


def organisations_of(session: Session, *, user: User) -> list[tuple[Organisation, str]]:
    """The user's organisations with their role, by name."""
    return [(org, role) for org, role in session.execute(
        select(Organisation, OrganisationMember.role)
        .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
        .where(OrganisationMember.user_id == user.id)
        .order_by(Organisation.name, Organisation.id)).all()]


def scoped(session: Session, *, user: User, organisation_id: str) -> tuple[Organisation, str]:
    """The organisation and the user's role in it; 404 for non-members (nothing revealed)."""
    org = session.get(Organisation, organisation_id[:64])
    role = (member_role(session, organisation_id=org.id, user_id=user.id)
            if org is not None else None)
    if org is None or role is None:
        raise NotFound(f"you are in no organisation {organisation_id[:64]}.",
                       code="no_such_organisation")
    return org, role


def as_owner(session: Session, *, user: User, organisation_id: str) -> Organisation:
    org, role = scoped(session, user=user, organisation_id=organisation_id)
    if role != "owner":
        raise Forbidden("only the organisation's owners manage its members and invitations.",
                        code="not_an_owner")
    return org


def get_organisation(session: Session, *, user: User, organisation_id: str) -> OrganisationView:
    """Members (everyone's role), pending invitations (owners only) and the contract count."""
    org, role = scoped(session, user=user, organisation_id=organisation_id)
    rows = session.execute(
        select(OrganisationMember, User).join(User, User.id == OrganisationMember.user_id)
        .where(OrganisationMember.organisation_id == org.id)
        .order_by(OrganisationMember.added_at, User.name)).all()
    members = [MemberView(u.id, u.name, u.email, m.role, m.added_at) for m, u in rows]
    invitations = list(session.scalars(select(OrganisationInvitation).where(
        OrganisationInvitation.organisation_id == org.id,
        OrganisationInvitation.accepted_at.is_(None),
        OrganisationInvitation.revoked_at.is_(None))
        .order_by(OrganisationInvitation.created_at))) if role == "owner" else []
    count = session.scalar(select(func.count(Contract.id)).where(
        Contract.organisation_id == org.id)) or 0
    return OrganisationView(org, role, members, invitations, count)


def _membership(session: Session, org: Organisation, member_id: str) -> OrganisationMember:
    row = session.scalar(select(OrganisationMember).where(
        OrganisationMember.organisation_id == org.id,
        OrganisationMember.user_id == member_id[:64]))
    if row is None:
        raise NotFound(f"{org.name} has no member {member_id[:64]}.", code="no_such_member")
    return row


def _owners(session: Session, org: Organisation) -> list[OrganisationMember]:
    return list(session.scalars(select(OrganisationMember).where(
        OrganisationMember.organisation_id == org.id, OrganisationMember.role == "owner")
        .order_by(OrganisationMember.added_at, OrganisationMember.id)))


def _keep_an_owner(session: Session, org: Organisation, row: OrganisationMember) -> None:
    if row.role == "owner" and len(_owners(session, org)) == 1:
        raise Conflict(f"{org.name} needs at least one owner: make another member an owner "
                       "first.", code="last_owner")


def _hand_over_contracts(session: Session, org: Organisation, leaving_id: str, actor: User,
                         now: datetime) -> None:
    """The organisation's contracts whose client of record is leaving (or now only reads)
    pass to the acting owner, or the oldest other owner."""
    contracts = list(session.scalars(select(Contract).where(
        Contract.organisation_id == org.id, Contract.client_id == leaving_id)))
    if not contracts:
        return
    heir = actor.id if actor.id != leaving_id and member_role(
        session, organisation_id=org.id, user_id=actor.id) in ACTING_ROLES else next(
        o.user_id for o in _owners(session, org) if o.user_id != leaving_id)
    for contract in contracts:
        contract.client_id = heir
        audit.record(session, actor=actor, action="contract.client_changed",
                     subject_type="contract", subject_id=contract.id, now=now,
                     detail={"client_id": {"old": leaving_id, "new": heir},
                             "organisation_id": org.id})


def set_member_role(session: Session, *, user: User, organisation_id: str, member_id: str,
                    role: str, now: datetime) -> OrganisationMember:
    """An owner changes a member's role (committed); the last owner keeps theirs."""
    org = as_owner(session, user=user, organisation_id=organisation_id)
    role = check_role(role)
    row = _membership(session, org, member_id)
    if row.role == role:
        return row
    if role != "owner":
        _keep_an_owner(session, org, row)
    old, row.role = row.role, role
    session.flush()
    if role == "viewer":
        _hand_over_contracts(session, org, row.user_id, user, now)
    audit.record(session, actor=user, action="organisation.member_role_changed",
                 subject_type="organisation", subject_id=org.id, now=now,
                 detail={"user_id": row.user_id, "role": {"old": old, "new": role}})
    session.commit()
    return row


def remove_member(session: Session, *, user: User, organisation_id: str, member_id: str,
                  now: datetime) -> None:
    """An owner removes a member, or a member leaves (committed). From then on the member sees
    none of the organisation's contracts; the last owner cannot go."""
    org, my_role = scoped(session, user=user, organisation_id=organisation_id)
    if member_id != user.id and my_role != "owner":
        raise Forbidden("only the organisation's owners remove members (you may leave).",
                        code="not_an_owner")
    row = _membership(session, org, member_id)
    _keep_an_owner(session, org, row)
    session.delete(row)
    session.flush()
    _hand_over_contracts(session, org, row.user_id, user, now)
    audit.record(session, actor=user, action="organisation.member_removed",
                 subject_type="organisation", subject_id=org.id, now=now,
                 detail={"user_id": row.user_id, "role": row.role})
    session.commit()


def require_acting_member(session: Session, *, user: User, organisation_id: str) -> Organisation:
    """The organisation, if ``user`` may act for it (owner or manager); else 404 / 403."""
    org, role = scoped(session, user=user, organisation_id=organisation_id)
    if role not in ACTING_ROLES:
        raise Forbidden(f"you are a viewer of {org.name}: only its owners and managers offer "
                        "or take in contracts.", code="read_only_member")
    return org


def move_contract(session: Session, *, user: User, contract_id: str, organisation_id: str,
                  now: datetime) -> Contract:
    """The client of a contract of no organisation puts it into one they own or manage
    (committed); its members' roles apply from then on."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    if contract.organisation_id is not None:
        if contract.organisation_id == organisation_id:
            return contract
        raise Conflict("this contract already belongs to an organisation.",
                       code="already_in_organisation")
    if contract.client_id != user.id:
        raise Forbidden("only the contract's client puts it into an organisation.",
                        code="not_the_client")
    org = require_acting_member(session, user=user, organisation_id=organisation_id)
    contract.organisation_id = org.id
    audit.record(session, actor=user, action="contract.organisation_set",
                 subject_type="contract", subject_id=contract.id, now=now,
                 detail={"organisation_id": org.id, "name": org.name})
    session.commit()
    return contract


def organisation_names(session: Session, ids: list[str | None]) -> dict[str, str]:
    """Names of these organisations by id (one query)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(wanted))).tuples().all())
