"""Accounts and API tokens: Argon2 password hashes, random tokens stored as SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workdiary.server.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from workdiary.server.models import ROLES, ApiToken, User
from workdiary.server.services import audit, websessions
from workdiary.server.services.in_list import in_list

_hasher = PasswordHasher()  # stateless parameters object, safe to share
# Verified against when the email is unknown, so both paths cost one Argon2 verification.
_DUMMY_HASH = _hasher.hash("workdiary-no-such-user")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
MIN_PASSWORD = 8
# An API token expires after this long unused (each use slides it; the desktop renews it).
TOKEN_IDLE = timedelta(days=90)
TOKEN_SLIDE_STEP = timedelta(days=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, *, email: str, name: str, role: str, password: str, now: datetime,
    verified: bool = True, commit: bool = True,
) -> User:
    """Create an account. Refuses a duplicate email, an unknown role or a short password.

    ``verified``: an operator vouches for the address; self sign-up passes False and the
    account is verified by the mailed link. ``commit`` False only flushes, so the caller's
    audit entry and mail land in the same transaction."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise Unprocessable(f"{email!r} is not an email address.", code="invalid_email")
    if role not in ROLES:
        raise Unprocessable(f"role must be one of {', '.join(ROLES)}, not {role!r}.",
                            code="invalid_role")
    if len(password) < MIN_PASSWORD:
        raise Unprocessable(f"the password must have at least {MIN_PASSWORD} characters.",
                            code="weak_password")
    if not name.strip():
        raise Unprocessable("the name must not be empty.", code="invalid_name")
    user = User(email=email, name=name.strip(), role=role,
                password_hash=_hasher.hash(password), created_at=now,
                email_verified_at=now if verified else None)
    session.add(user)
    try:
        if commit:
            session.commit()
        else:
            session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"a user with email {email} already exists.", code="email_taken") from exc
    return user


def hash_password(password: str) -> str:
    """The Argon2 hash to store for ``password`` (the caller checked its length)."""
    return _hasher.hash(password)


def get_user_by_email(session: Session, *, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(session: Session, *, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user.")
    return user


def names_by_id(session: Session, *, user_ids: Iterable[str | None]) -> dict[str, str]:
    """Display names of these users, by id (one query; unknown ids and None are left out)."""
    wanted = {user_id for user_id in user_ids if user_id}
    if not wanted:
        return {}
    return {u.id: u.name
            for u in session.scalars(select(User).where(in_list(session, User.id, wanted)))}


def set_language(session: Session, *, user: User, language: str | None) -> None:
    """Remember the web pages' language on the account (None: follow the browser).

    The caller offers only languages it has catalogs for; the column holds 16 characters.
    """
    if language is not None and not (0 < len(language) <= 16):
        raise ValueError("a language code has 1 to 16 characters")
    user.language = language
    session.commit()


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The user when the password matches, else None (same cost whether or not the email exists)."""
    user = get_user_by_email(session, email=email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.commit()
    return user


def issue_token(session: Session, *, user: User, device_name: str, now: datetime) -> str:
    """A new random API token for ``user``; only its SHA-256 is stored. Returns the token."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token),
                         device_name=device_name[:200], created_at=now,
                         expires_at=now + TOKEN_IDLE))
    session.commit()
    return token


def token_row(session: Session, *, token: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))


def user_for_token(session: Session, *, token: str, now: datetime) -> User | None:
    """The owner of a live token (not revoked, not expired, account enabled), else None.

    Each use slides the expiry to ``TOKEN_IDLE`` ahead (written at most once a day)."""
    # The token and its owner in one round trip: every API request starts here. The token's
    # columns only: an entity of it would be built and tracked for nothing.
    found = session.execute(select(ApiToken.id, ApiToken.revoked, ApiToken.expires_at, User)
                            .join(User, User.id == ApiToken.user_id)
                            .where(ApiToken.token_hash == hash_token(token))).first()
    if found is None:
        return None
    token_id, revoked, expires_at, user = found
    live = token_is_live(session, token_id=token_id, revoked=revoked, expires_at=expires_at,
                         disabled=user.disabled, now=now)
    return user if live else None


def token_is_live(session: Session | Connection, *, token_id: str, revoked: bool,
                  expires_at: datetime, disabled: bool, now: datetime) -> bool:
    """Whether a found token is live (not revoked, not expired, account enabled); a live one's
    expiry slides to ``TOKEN_IDLE`` ahead, written (and committed) at most once a day. A
    session or a bare connection (the screenshot upload's)."""
    if revoked or now >= expires_at or disabled:
        return False
    if now + TOKEN_IDLE - expires_at >= TOKEN_SLIDE_STEP:
        session.execute(update(ApiToken).where(ApiToken.id == token_id)
                        .values(expires_at=now + TOKEN_IDLE))
        session.commit()
    return True


def invalid_token() -> Unauthorized:
    return Unauthorized("the API token is unknown, revoked or expired: log in again.",
                        code="invalid_token")


def renew_token(session: Session, *, token: str, now: datetime) -> ApiToken:
    """Move a live token's expiry to ``TOKEN_IDLE`` from now (the desktop does this ahead of
    expiry); returns the row. The caller has checked the token is live."""
    row = token_row(session, token=token)
    if row is None:
        raise NotFound("no such token.", code="invalid_token")
    row.expires_at = now + TOKEN_IDLE
    session.commit()
    return row


def revoke_token(session: Session, *, token: str) -> None:
    """Revoke a token (logout). Unknown tokens are ignored."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is not None and not row.revoked:
        row.revoked = True
        session.commit()


def _end_everything(session: Session, user: User) -> None:
    """End the user's web sessions and revoke their API tokens (not yet committed)."""
    websessions.end_all(session, user_id=user.id)
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id)
                    .values(revoked=True))


def change_password(session: Session, *, email: str, password: str) -> User:
    """Set a new password; every web session and API token of the account ends with the old one."""
    user = get_user_by_email(session, email=email)
    if user is None:
        raise NotFound(f"there is no user {normalise_email(email)}.", code="no_such_user")
    if len(password) < MIN_PASSWORD:
        raise Unprocessable(f"the password must have at least {MIN_PASSWORD} characters.",
                            code="weak_password")
    user.password_hash = _hasher.hash(password)
    _end_everything(session, user)
    session.commit()
    return user


def set_disabled(session: Session, *, email: str, disabled: bool, now: datetime,
                 actor: User | None = None) -> User:
    """Disable an account (no sign-in, sessions and tokens end at once) or enable it again.

    Audited as ``user.disabled`` / ``user.enabled`` by ``actor`` (None: the operator's CLI)
    when the state changes."""
    user = get_user_by_email(session, email=email)
    if user is None:
        raise NotFound(f"there is no user {normalise_email(email)}.", code="no_such_user")
    if user.disabled != disabled:
        audit.record(session, actor=actor, action="user.disabled" if disabled else
                     "user.enabled", subject_type="user", subject_id=user.id, now=now,
                     detail={"email": user.email})
    user.disabled = disabled
    if disabled:
        _end_everything(session, user)
    session.commit()
    return user


def ensure_verified(user: User) -> None:
    """Refuse a step that needs a proven address (offering or accepting a contract)."""
    if user.email_verified_at is None:
        raise Forbidden(f"verify your email address first: open the link mailed to {user.email} "
                        "(or ask for a new one on your account page).", code="email_unverified")
