"""Uploaded segments (wire body plus columns to query), screenshots and who may see them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from workdiary.core.billing import whole_minutes
from workdiary.server.models.base import Base, UTCDateTime


class SegmentRow(Base):
    """One segment as uploaded, with its verdict. ``body`` is the signed wire shape."""

    __tablename__ = "segments"
    __table_args__ = (
        Index("ix_segments_freelancer_time", "freelancer_id", "start", "end"),
        Index("ix_segments_contract_week", "contract_id", "week_start"),
        Index("ix_segments_device_seq", "device_id", "seq"),
        # Covers the team dashboard's week (services/dashboard.py): summed from the index
        # alone, without reading 48,000 rows for 200 contracts.
        Index("ix_segments_dashboard", "contract_id", "week_start", "deleted", "start", "end",
              "kind", "status", "billable_seconds", "tracked_minutes", "active_minutes"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    freelancer_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    week_start: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    # Billing by the second (docs/design.md, "Billed time"); minutes are derived, never stored.
    billable_seconds: Mapped[int] = mapped_column(Integer)
    over_limit_seconds: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    memo: Mapped[str] = mapped_column(Text, default="")
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    chain_hash: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the signed body
    body: Mapped[dict[str, object]] = mapped_column(JSON)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The freelancer replaced the memo after upload (a re-signed record): diaries say "edited".
    memo_edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The activity meter's parts (core/activity.py), kept beside the body so the team
    # dashboard averages a week of many contracts in SQL instead of parsing every body.
    tracked_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def over_limit_minutes(self) -> int:
        return whole_minutes(self.over_limit_seconds)


class Screenshot(Base):
    """A stored image blob (content-addressed), who uploaded it first, and what binds it.

    ``device_id`` is the uploader's device (the ``X-Workdiary-Device`` header, checked to be the
    uploader's own); ``stamp_segment_id`` / ``stamp_taken_at`` are what the image's own stamp
    (JPEG comment) says. A segment's reference counts as evidence only when all three match it.
    """

    __tablename__ = "screenshots"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    device_id: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    stamp_segment_id: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    stamp_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                            default=None)


class SegmentScreenshot(Base):
    """A segment's reference to a screenshot (or thumbnail): what authorises a download."""

    __tablename__ = "segment_screenshots"
    __table_args__ = (UniqueConstraint("segment_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    segment_id: Mapped[str] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)


class SegmentDayTotal(Base):
    """One contract's UTC day of segments, summed (the team dashboard's week reads seven
    of these per contract instead of every segment). Kept by ``services/day_totals.py``
    wherever a segment is stored, deleted or re-judged; never the record of anything: it
    can always be recomputed from ``segments``."""

    __tablename__ = "segment_day_totals"

    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    billed_seconds: Mapped[int] = mapped_column(Integer, default=0)
    manual_seconds: Mapped[int] = mapped_column(Integer, default=0)
    unprotected_seconds: Mapped[int] = mapped_column(Integer, default=0)  # tracked time only
    tracked_minutes: Mapped[int] = mapped_column(Integer, default=0)
    active_minutes: Mapped[int] = mapped_column(Integer, default=0)
