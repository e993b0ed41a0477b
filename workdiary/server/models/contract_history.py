"""What a contract was when: its terms per UTC week, its policy versions, its change history.

The contract row holds the newest terms and policy; these tables let a past week be invoiced at
that week's terms, a segment be checked against the policy the desktop recorded it under, and
both parties read every change (services/contracts.py, services/contract_timeline.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workdiary.server.models.base import Base, UTCDateTime


class ContractTerms(Base):
    """Rate and weekly limit from ``week_start`` (a UTC Monday) until the next row's week."""

    __tablename__ = "contract_terms"
    __table_args__ = (UniqueConstraint("contract_id", "week_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    rate_cents: Mapped[int] = mapped_column(Integer)
    weekly_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContractPolicy(Base):
    """One version of the tracking policy (``policy``: JSON of core.Policy.to_dict)."""

    __tablename__ = "contract_policies"
    __table_args__ = (UniqueConstraint("contract_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    policy: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContractEvent(Base):
    """One change of a contract, as both parties read it in its history.

    ``kind``: offered, accepted, declined, terms_changed, policy_changed, paused, resumed,
    ended. ``detail`` is a JSON object (old and new values).
    """

    __tablename__ = "contract_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="{}")
