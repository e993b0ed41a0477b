"""Client organisations (teams): members with a role, and the mailed invitations to join.

A contract may belong to an organisation (``contracts.organisation_id``); then who may read
and act on it follows the members' roles (services/contract_access.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workdiary.server.models.base import Base, UTCDateTime, new_id

# owner: everything, members and invitations; manager: offers, changes, approves, disputes;
# viewer: reads diaries, timesheets, invoices and history, changes nothing.
ORG_ROLES = ("owner", "manager", "viewer")


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OrganisationMember(Base):
    __tablename__ = "organisation_members"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # owner | manager | viewer
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class OrganisationInvitation(Base):
    """An invitation mailed to ``email``; only the SHA-256 of its token is kept."""

    __tablename__ = "organisation_invitations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # normalised
    role: Mapped[str] = mapped_column(String(16))  # manager | viewer
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    accepted_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
