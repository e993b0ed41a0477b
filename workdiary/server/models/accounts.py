"""Users, their API tokens (stored hashed) and their devices (Ed25519 public keys)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from workdiary.server.models.base import Base, UTCDateTime, new_id

ROLES = ("freelancer", "client", "admin")


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # freelancer | client | admin
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A disabled account cannot sign in; its web sessions and API tokens end at once.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The web pages' language (a code the server has a catalog for); None: the browser's.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True, default=None)
    # When the owner proved the address (the mailed link); None: unverified, who may sign in
    # but may not offer or accept contracts. Accounts made by an operator count as verified.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Mail kinds the owner opted out of, space-separated (services/notifications.py); security
    # mail (verification, password) is never in it.
    mail_opt_out: Mapped[str] = mapped_column(String(800), default="", server_default="")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the token
    device_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sliding: each use moves it to ``TOKEN_IDLE`` ahead (services/users.py); past it, 401.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebSessionRow(Base):
    """A signed-in browser: the cookie carries a random token, only its SHA-256 is kept here.

    Deleting the row ends the session (logout, password change, account disabled);
    ``expires_at`` slides forward while the browser is used (see services/websessions.py).
    """

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginFailure(Base):
    """One failed sign-in (API or web), for the login limiter shared by every worker."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(254), index=True)  # normalised email
    address: Mapped[str] = mapped_column(String(64), index=True)  # client IP
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the raw 32 bytes
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
