"""The single-use, expiring tokens of mailed links: verify an address, reset a password.

The link carries a random token; the ``account_tokens`` row keeps only its SHA-256, the
purpose and the expiry. A token is used once (``used_at``); a password reset also ends every
other open link of the account.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workdiary.server.errors import BadRequest
from workdiary.server.models import AccountToken, User
from workdiary.server.services.users import hash_token

VERIFY = "verify"
RESET = "reset"
LIFETIMES = {VERIFY: timedelta(days=7), RESET: timedelta(hours=1)}
LINK_PATHS = {VERIFY: "/verify-email", RESET: "/reset-password"}
MAX_TOKEN = 128  # issued tokens have 43 characters; anything longer is not one of ours


def issue(session: Session, *, user: User, purpose: str, now: datetime) -> str:
    """A new token for ``user`` (added, not committed); returns the link path that carries it."""
    token = secrets.token_urlsafe(32)
    session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=hash_token(token),
                             created_at=now, expires_at=now + LIFETIMES[purpose]))
    return f"{LINK_PATHS[purpose]}?token={quote(token)}"


def live(session: Session, *, token: str, purpose: str, now: datetime) -> tuple[AccountToken,
                                                                               User]:
    """The token's row and its (enabled) account, or a 400 that says what is wrong with it."""
    row = None
    if 0 < len(token) <= MAX_TOKEN:
        row = session.scalar(select(AccountToken).where(
            AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose))
    user = session.get(User, row.user_id) if row is not None else None
    what = "verification" if purpose == VERIFY else "password reset"
    if row is None or user is None or user.disabled:
        raise BadRequest(f"this {what} link is not valid: open the newest link from your "
                         "mail, or ask for a new one.", code="token_invalid")
    if row.used_at is not None:
        raise BadRequest(f"this {what} link was already used; a link works once. Ask for a new "
                         "one if you still need it.", code="token_used")
    if now >= row.expires_at:
        raise BadRequest(f"this {what} link has expired; ask for a new one.",
                         code="token_expired")
    return row, user


def end_open(session: Session, *, user: User, purpose: str, now: datetime) -> None:
    """Mark every unused token of ``purpose`` of the account as used (not committed)."""
    session.execute(update(AccountToken)
                    .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
                           AccountToken.used_at.is_(None))
                    .values(used_at=now))
