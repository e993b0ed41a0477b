"""Self-service accounts: the single-use tokens of mailed links, and the requests that send mail.

A token is random and mailed; only its SHA-256 is kept (like API tokens), so a copy of the
database cannot verify an address or reset a password. ``MailRequest`` rows count sign-ups,
reset requests and verification resends per target address and per client address, so nobody
can make the server mail-bomb an inbox (server/mailratelimit.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workdiary.server.models.base import Base, UTCDateTime, new_id


class AccountToken(Base):
    """The token of one mailed link: ``purpose`` verify (the address) or reset (the password)."""

    __tablename__ = "account_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # verify | reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the link was used, or ended unused (a reset ends the account's other links).
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class MailRequest(Base):
    """One request that may send mail (``action``: signup | reset | verify), for the limiter."""

    __tablename__ = "mail_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(254), index=True)  # normalised target email
    address: Mapped[str] = mapped_column(String(64), index=True)  # client IP
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
