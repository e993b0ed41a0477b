"""Contracts between a client and a freelancer, with the client's tracking policy as columns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workdiary.core import model as core
from workdiary.server.models.base import Base, UTCDateTime, new_id


class Contract(Base):
    __tablename__ = "contracts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    # None while an offer waits for an account with ``invited_email`` (bound when it exists).
    freelancer_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True,
                                                      nullable=True)
    invited_email: Mapped[str | None] = mapped_column(String(254), index=True, nullable=True)
    # The client organisation the contract belongs to (its members' roles decide access).
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True, nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    rate_cents: Mapped[int] = mapped_column(Integer)  # per hour
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    weekly_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # offered | declined | active | paused | ended (operator-made contracts start active)
    status: Mapped[str] = mapped_column(String(16), default="active")
    segment_minutes: Mapped[int] = mapped_column(Integer, default=10)
    screenshots_per_segment: Mapped[int] = mapped_column(Integer, default=1)
    capture: Mapped[str] = mapped_column(String(16), default="all")
    blur: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_redaction: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    window_titles: Mapped[bool] = mapped_column(Boolean, default=False)
    idle_minutes: Mapped[int] = mapped_column(Integer, default=10)
    # The columns above hold the newest policy; its number in contract_policies.
    policy_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def policy(self) -> core.Policy:
        return core.Policy(
            segment_minutes=self.segment_minutes,
            screenshots_per_segment=self.screenshots_per_segment,
            capture=core.CaptureMode(self.capture),
            blur=self.blur,
            allow_redaction=self.allow_redaction,
            allow_manual=self.allow_manual,
            window_titles=self.window_titles,
            idle_minutes=self.idle_minutes,
        )

    def to_core(self, *, client_name: str = "", freelancer_name: str = "") -> core.Contract:
        """The domain contract (what verification and the desktop see)."""
        return core.Contract(
            id=self.id,
            title=self.title,
            client_name=client_name,
            freelancer_name=freelancer_name,
            rate_cents=self.rate_cents,
            currency=self.currency,
            weekly_limit_minutes=self.weekly_limit_minutes,
            status=self.status,
            policy=self.policy(),
        )
