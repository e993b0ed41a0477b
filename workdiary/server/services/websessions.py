"""Web sessions kept in the database, so the server can end them (logout, password change,
account disabled), short-lived and renewed while used.

The browser's cookie carries a random token; the ``web_sessions`` row holds its SHA-256, the
user and ``expires_at``. A session ends after ``IDLE`` without a request, and in any case
``LIFETIME`` after sign-in; each request renews ``expires_at`` (written at most once per
``RENEW_EVERY``, not on every request).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from workdiary.server.models import User, WebSessionRow

IDLE = timedelta(hours=2)
LIFETIME = timedelta(days=7)
RENEW_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, *, user: User, now: datetime) -> str:
    """A new session for ``user``; returns the token for the cookie (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(WebSessionRow(token_hash=_hash(token), user_id=user.id, created_at=now,
                              expires_at=now + IDLE))
    session.commit()
    return token


def resolve(session: Session, *, token: str | None, now: datetime) -> User | None:
    """The signed-in user of a live session, renewing it; None when ended, expired or the
    account is disabled (an expired row is removed)."""
    if not token:
        return None
    row = session.get(WebSessionRow, _hash(token))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled or now >= row.expires_at:
        session.delete(row)
        session.commit()
        return None
    renewed = min(now + IDLE, row.created_at + LIFETIME)
    if renewed - row.expires_at >= RENEW_EVERY:
        row.expires_at = renewed
        session.commit()
    return user


def end(session: Session, *, token: str | None) -> None:
    """End one session (logout); an unknown token is ignored."""
    if token:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _hash(token)))
        session.commit()


def end_all(session: Session, *, user_id: str, keep: str | None = None) -> int:
    """End every session of a user (password changed, account disabled), except the one of
    the token ``keep`` (the browser that changed the password); returns how many.
    The caller commits."""
    query = delete(WebSessionRow).where(WebSessionRow.user_id == user_id)
    if keep:
        query = query.where(WebSessionRow.token_hash != _hash(keep))
    result = session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)
