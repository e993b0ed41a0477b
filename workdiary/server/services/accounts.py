"""Self-service accounts: sign-up, verifying the address, resetting and changing the password.

Every change records its audit entry and queues its mail in the same transaction, so a change
without its mail (or a mail without its change) never happens. Mail contexts carry links as
paths; delivery prefixes the server's public address. Rate limits are the caller's
(``server/mailratelimit.py``); these functions only decide and change.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from workdiary.server.errors import Conflict, Forbidden, Unprocessable
from workdiary.server.models import ApiToken, User
from workdiary.server.services import account_tokens, audit, mail, users, websessions
from workdiary.server.services.account_tokens import RESET, VERIFY

SELF_SERVICE_ROLES = ("client", "freelancer")  # sign-up never makes an admin
MAX_PASSWORD = 1024  # Argon2 takes any length; a bound keeps a request from costing more
MAX_NAME = 200


class WrongPassword(Forbidden):
    """The current password given to change it did not match (callers count it as a failed
    login)."""

    code = "wrong_password"


def check_password(password: str) -> None:
    """Refuse a password that is too short or too long."""
    if len(password) < users.MIN_PASSWORD:
        raise Unprocessable(f"the password must have at least {users.MIN_PASSWORD} characters.",
                            code="weak_password")
    if len(password) > MAX_PASSWORD:
        raise Unprocessable(f"the password may have at most {MAX_PASSWORD} characters.",
                            code="invalid_password")


def _queue_verification(session: Session, *, user: User, now: datetime) -> None:
    link = account_tokens.issue(session, user=user, purpose=VERIFY, now=now)
    mail.queue(session, kind="verify_email", to_email=user.email, user=user, now=now,
               context={"name": user.name, "link": link,
                        "expires_at": now + account_tokens.LIFETIMES[VERIFY]})


def sign_up(session: Session, *, email: str, name: str, password: str, role: str,
            now: datetime) -> User:
    """A new, unverified account, and a verification mail with a link valid for 7 days."""
    if role not in SELF_SERVICE_ROLES:
        raise Unprocessable(f"role must be client or freelancer, not {role!r}.",
                            code="invalid_role")
    if len(name) > MAX_NAME:
        raise Unprocessable(f"the name may have at most {MAX_NAME} characters.",
                            code="invalid_name")
    check_password(password)
    user = users.create_user(session, email=email, name=name, role=role, password=password,
                             now=now, verified=False, commit=False)
    audit.record(session, actor=user, action="user.signed_up", subject_type="user",
                 subject_id=user.id, now=now, detail={"role": role})
    _queue_verification(session, user=user, now=now)
    session.commit()
    return user


def _mark_verified(session: Session, *, user: User, now: datetime, via: str) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = now
        audit.record(session, actor=user, action="user.email_verified", subject_type="user",
                     subject_id=user.id, now=now, detail={"via": via})


def verify_email(session: Session, *, token: str, now: datetime) -> User:
    """Prove the address with the mailed link's token (used once)."""
    row, user = account_tokens.live(session, token=token, purpose=VERIFY, now=now)
    row.used_at = now
    _mark_verified(session, user=user, now=now, via="link")
    session.commit()
    return user


def resend_verification(session: Session, *, user: User, now: datetime) -> None:
    """Mail a new verification link (earlier links stay valid until they expire)."""
    if user.email_verified_at is not None:
        raise Conflict(f"{user.email} is already verified.", code="already_verified")
    _queue_verification(session, user=user, now=now)
    session.commit()


def request_password_reset(session: Session, *, email: str, now: datetime) -> None:
    """Mail a reset link (valid for an hour) when an enabled account has this email; else
    only commit what the caller added (its rate-limit count). The caller answers the same
    either way, and both ways do one lookup and one commit, so nobody learns who has an
    account."""
    user = users.get_user_by_email(session, email=email[:254])
    if user is None or user.disabled:
        secrets.token_urlsafe(32)  # the same small work as issuing one
        session.commit()
        return
    link = account_tokens.issue(session, user=user, purpose=RESET, now=now)
    mail.queue(session, kind="password_reset", to_email=user.email, user=user, now=now,
               context={"name": user.name, "link": link,
                        "expires_at": now + account_tokens.LIFETIMES[RESET]})
    session.commit()


def check_reset_token(session: Session, *, token: str, now: datetime) -> User:
    """The account a reset link is for, without using the link (the web form shows first)."""
    return account_tokens.live(session, token=token, purpose=RESET, now=now)[1]


def _end_access(session: Session, *, user: User, keep_api_token: str | None = None,
                keep_web_session: str | None = None) -> None:
    """End the account's web sessions and API tokens, except the one making the change."""
    websessions.end_all(session, user_id=user.id, keep=keep_web_session)
    query = update(ApiToken).where(ApiToken.user_id == user.id)
    if keep_api_token:
        query = query.where(ApiToken.token_hash != users.hash_token(keep_api_token))
    session.execute(query.values(revoked=True))


def _password_changed_mail(session: Session, *, user: User, now: datetime, how: str) -> None:
    # "Not you? Reset it": the link lets the owner take the account back.
    mail.queue(session, kind="password_changed", to_email=user.email, user=user, now=now,
               context={"name": user.name, "at": now, "how": how, "link": "/forgot-password"})


def reset_password(session: Session, *, token: str, password: str, now: datetime) -> User:
    """Set a new password with a reset link's token: every session, API token and other
    reset link of the account ends. The mailed link also proves the address."""
    row, user = account_tokens.live(session, token=token, purpose=RESET, now=now)
    check_password(password)
    user.password_hash = users.hash_password(password)
    account_tokens.end_open(session, user=user, purpose=RESET, now=now)
    row.used_at = now
    _end_access(session, user=user)
    _mark_verified(session, user=user, now=now, via="password_reset")
    audit.record(session, actor=user, action="user.password_reset", subject_type="user",
                 subject_id=user.id, now=now)
    _password_changed_mail(session, user=user, now=now, how="reset")
    session.commit()
    return user


def change_password(session: Session, *, user: User, current_password: str, new_password: str,
                    now: datetime, keep_api_token: str | None = None,
                    keep_web_session: str | None = None) -> None:
    """A signed-in user's new password: the current one must match; every other web session
    and API token ends (the one making the change is kept)."""
    if len(current_password) > MAX_PASSWORD or users.authenticate(
            session, email=user.email, password=current_password) is None:
        raise WrongPassword("the current password is wrong.")
    check_password(new_password)
    user.password_hash = users.hash_password(new_password)
    _end_access(session, user=user, keep_api_token=keep_api_token,
                keep_web_session=keep_web_session)
    account_tokens.end_open(session, user=user, purpose=RESET, now=now)
    audit.record(session, actor=user, action="user.password_changed", subject_type="user",
                 subject_id=user.id, now=now)
    _password_changed_mail(session, user=user, now=now, how="change")
    session.commit()
