"""Invoices (one per contract-week: the timesheet once locked), disputes and the ledger."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workdiary.core.billing import whole_minutes
from workdiary.server.models.base import Base, UTCDateTime, new_id


class Invoice(Base):
    __tablename__ = "invoices"
    # One invoice per contract-week, however many workers close the week at once.
    __table_args__ = (UniqueConstraint("contract_id", "week_start"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    billable_seconds: Mapped[int] = mapped_column(Integer)  # at lock, before disputes
    disputed_seconds: Mapped[int] = mapped_column(Integer, default=0)
    rate_cents: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)  # undisputed amount
    paid_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # in_review | approved | paid
    approved_by: Mapped[str | None] = mapped_column(String(16), nullable=True)  # client | auto
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def disputed_minutes(self) -> int:
        return whole_minutes(self.disputed_seconds)


class Dispute(Base):
    __tablename__ = "disputes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # open | accepted | contested | withdrawn | escalated | decided_pay | decided_refund
    # (services/dispute_states.py says which states keep the time out of the invoice).
    state: Mapped[str] = mapped_column(String(16), default="open", server_default="open",
                                       index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    contested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Fixed when contested: an admin takes over if the client has not withdrawn by then.
    escalate_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class DisputeMessage(Base):
    """One message of a dispute's conversation, by the client or the freelancer."""

    __tablename__ = "dispute_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    dispute_id: Mapped[str] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DisputeSegment(Base):
    __tablename__ = "dispute_segments"
    __table_args__ = (UniqueConstraint("dispute_id", "segment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dispute_id: Mapped[str] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id"), index=True)


class LedgerEntry(Base):
    """Money moved for an invoice: a client debit (negative) and a freelancer credit per payment."""

    __tablename__ = "ledger_entries"
    # entry_no counts payments of one invoice (a withdrawn dispute after payment pays the rest
    # as entry 2, ...); the constraint makes a concurrent second payment fail instead of double.
    __table_args__ = (UniqueConstraint("invoice_id", "account", "entry_no"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    account: Mapped[str] = mapped_column(String(16))  # client | freelancer
    entry_no: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)  # signed: debit < 0 < credit
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
