"""Invitations to an organisation: an owner invites an email as manager or viewer; the mailed
link carries a random token (only its SHA-256 is kept, as for account links); the person signs
up if they have no account, then accepts while logged in with that email.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workdiary.server.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from workdiary.server.models import (
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    User,
)
from workdiary.server.services import audit, mail
from workdiary.server.services.contract_access import member_role
from workdiary.server.services.organisations import as_owner, check_role
from workdiary.server.services.users import (
    EMAIL_RE,
    ensure_verified,
    get_user_by_email,
    hash_token,
    normalise_email,
)

INVITABLE_ROLES = ("manager", "viewer")
LIFETIME = timedelta(days=14)
ACCEPT_PATH = "/organisation-invitations/accept"
MAX_TOKEN = 128
MAX_PER_DAY = 50  # invitations an organisation sends in 24 hours: no one mail-bombs an inbox


def invite(session: Session, *, user: User, organisation_id: str, email: str, role: str,
           now: datetime) -> OrganisationInvitation:
    """An owner invites ``email`` as ``role`` (committed) and the invitation is mailed; a
    second invitation to the same email replaces the pending one."""
    org = as_owner(session, user=user, organisation_id=organisation_id)
    role = check_role(role, allowed=INVITABLE_ROLES)
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise Unprocessable(f"{email[:254]!r} is not an email address.", code="invalid_email")
    invitee = get_user_by_email(session, email=email)
    if invitee is not None and member_role(session, organisation_id=org.id,
                                           user_id=invitee.id) is not None:
        raise Conflict(f"{email} is already a member of {org.name}: change their role "
                       "instead.", code="already_member")
    if invitee is not None and invitee.role != "client":
        raise Unprocessable(f"{email} is a {invitee.role} account: organisations are for "
                            "client accounts; invite the person's client address.",
                            code="not_a_client")
    sent = session.scalar(select(func.count(OrganisationInvitation.id)).where(
        OrganisationInvitation.organisation_id == org.id,
        OrganisationInvitation.created_at > now - timedelta(days=1))) or 0
    if sent >= MAX_PER_DAY:
        raise Conflict(f"{org.name} sent {MAX_PER_DAY} invitations in the last 24 hours: try "
                       "again tomorrow.", code="too_many_invitations")
    session.execute(update(OrganisationInvitation).where(
        OrganisationInvitation.organisation_id == org.id, OrganisationInvitation.email == email,
        OrganisationInvitation.accepted_at.is_(None),
        OrganisationInvitation.revoked_at.is_(None)).values(revoked_at=now))
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation(
        organisation_id=org.id, email=email, role=role, token_hash=hash_token(token),
        invited_by=user.id, created_at=now, expires_at=now + LIFETIME)
    session.add(invitation)
    session.flush()
    audit.record(session, actor=user, action="organisation.invited",
                 subject_type="organisation", subject_id=org.id, now=now,
                 detail={"invitation_id": invitation.id, "email": email, "role": role})
    link = f"{ACCEPT_PATH}?token={quote(token)}"
    mail.queue(session, kind="organisation_invitation", to_email=email, user=invitee, now=now,
               context={"organisation_name": org.name, "by_name": user.name, "role": role,
                        "has_account": invitee is not None,
                        "link": link if invitee is not None else signup_link(email, link),
                        "expires_at": invitation.expires_at.isoformat()})
    session.commit()
    return invitation


def signup_link(email: str, then: str) -> str:
    """Sign up with the invited email, then come back to the invitation."""
    return "/signup?" + urlencode({"email": email, "next": then})


def revoke(session: Session, *, user: User, organisation_id: str, invitation_id: str,
           now: datetime) -> None:
    """An owner revokes a pending invitation (committed; revoking twice changes nothing)."""
    org = as_owner(session, user=user, organisation_id=organisation_id)
    row = session.get(OrganisationInvitation, invitation_id[:64])
    if row is None or row.organisation_id != org.id:
        raise NotFound(f"{org.name} has no invitation {invitation_id[:64]}.",
                       code="no_such_invitation")
    if row.accepted_at is not None:
        raise Conflict("this invitation was accepted: remove the member instead.",
                       code="invitation_accepted")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(session, actor=user, action="organisation.invitation_revoked",
                     subject_type="organisation", subject_id=org.id, now=now,
                     detail={"invitation_id": row.id, "email": row.email})
        session.commit()


def pending(session: Session, *, token: str,
            now: datetime) -> tuple[OrganisationInvitation, Organisation]:
    """The open invitation of a token and its organisation, or a 400 that says what is
    wrong with the link."""
    row = None
    if 0 < len(token) <= MAX_TOKEN:
        row = session.scalar(select(OrganisationInvitation).where(
            OrganisationInvitation.token_hash == hash_token(token)))
    org = session.get(Organisation, row.organisation_id) if row is not None else None
    if row is None or org is None:
        raise BadRequest("this invitation link is not valid: open the newest invitation from "
                         "your mail.", code="token_invalid")
    if row.accepted_at is not None:
        raise BadRequest("this invitation was already accepted.", code="token_used")
    if row.revoked_at is not None:
        raise BadRequest("this invitation was withdrawn; ask the organisation's owner for a "
                         "new one.", code="invitation_revoked")
    if now >= row.expires_at:
        raise BadRequest("this invitation has expired; ask the organisation's owner for a new "
                         "one.", code="token_expired")
    return row, org


def accept(session: Session, *, user: User, token: str,
           now: datetime) -> tuple[Organisation, OrganisationMember]:
    """The invited person, logged in with the invited (verified) email, joins (committed)."""
    row, org = pending(session, token=token, now=now)
    if normalise_email(user.email) != row.email:
        raise Forbidden(f"this invitation is for {row.email}: log in with that address to "
                        "accept it.", code="wrong_account")
    ensure_verified(user)
    if user.role != "client":
        raise Forbidden("organisations are for client accounts: accept with a client "
                        "account.", code="not_a_client")
    if member_role(session, organisation_id=org.id, user_id=user.id) is not None:
        raise Conflict(f"you are already a member of {org.name}.", code="already_member")
    member = OrganisationMember(organisation_id=org.id, user_id=user.id, role=row.role,
                                added_at=now, added_by=row.invited_by)
    session.add(member)
    row.accepted_at, row.accepted_by = now, user.id
    audit.record(session, actor=user, action="organisation.joined",
                 subject_type="organisation", subject_id=org.id, now=now,
                 detail={"invitation_id": row.id, "role": row.role})
    session.commit()
    return org, member
