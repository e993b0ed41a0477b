"""The append-only audit log of state changes, and the mail outbox (mail waits here until sent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workdiary.server.models.base import Base, UTCDateTime, new_id


class AuditEntry(Base):
    """One state change: who (``actor_id``, None for the server itself), what, to what, when.

    Rows are only ever inserted (services/audit.py); no route updates or deletes them.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(64))  # e.g. "contract.offered"
    subject_type: Mapped[str] = mapped_column(String(32))  # user | contract | dispute | ...
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON object


class MailRow(Base):
    """A mail to send: queued in the same transaction as the change it reports.

    ``kind`` names its templates and ``context`` (JSON) fills them at delivery; ``dedupe_key``
    (unique when set) makes a scheduled mail queue once however often its job runs.
    """

    __tablename__ = "mail_outbox"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    to_email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    context: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
