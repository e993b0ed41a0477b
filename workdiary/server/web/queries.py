"""Read-only queries the pages need and the services do not offer.

Writes (approve, dispute, withdraw, revoke) and the plain lists (contracts, invoices,
devices) go through the server's services. The caller scopes by contract first
(``pages_diary.scoped_contract``: only its client or its freelancer see it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workdiary.core.model import SegmentKind
from workdiary.core.timegrid import isoformat_z
from workdiary.server.models import (
    Dispute,
    DisputeSegment,
    SegmentRow,
    SegmentScreenshot,
    User,
)


def user_names(db: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {u.id: u.name for u in db.scalars(select(User).where(User.id.in_(wanted)))}


def segments_between(
    db: Session, contract_id: str, start: datetime, end: datetime
) -> list[SegmentRow]:
    """The contract's segments that start in [start, end), in time order."""
    query = (
        select(SegmentRow)
        .where(
            SegmentRow.contract_id == contract_id,
            SegmentRow.start >= start,
            SegmentRow.start < end,
        )
        .order_by(SegmentRow.start, SegmentRow.id)
    )
    return list(db.scalars(query))


def week_segments(db: Session, contract_id: str, week: date) -> list[SegmentRow]:
    query = (
        select(SegmentRow)
        .where(SegmentRow.contract_id == contract_id, SegmentRow.week_start == week)
        .order_by(SegmentRow.start, SegmentRow.id)
    )
    return list(db.scalars(query))


def segment_shape(row: SegmentRow) -> dict[str, Any]:
    """A stored segment in the diary shape of the HTTP API."""
    body: dict[str, Any] = dict(row.body or {})
    return {
        "id": row.id,
        "contract_id": row.contract_id,
        "start": isoformat_z(row.start),
        "end": isoformat_z(row.end),
        "kind": SegmentKind.TOMBSTONE.value if row.deleted else row.kind,
        "status": row.status,
        "billable_minutes": 0 if row.deleted else row.billable_minutes,
        "over_limit_minutes": row.over_limit_minutes,
        "reasons": list(row.reasons or ()),
        "memo": row.memo,
        "redacted": row.redacted,
        "minutes": [] if row.deleted else list(body.get("minutes") or ()),
        "screenshots": [] if row.deleted else list(body.get("screenshots") or ()),
    }


def disputed_segment_ids(db: Session, segment_ids: Sequence[str]) -> set[str]:
    """Which of these segments are in a dispute that was not withdrawn."""
    if not segment_ids:
        return set()
    query = (
        select(DisputeSegment.segment_id)
        .join(Dispute, Dispute.id == DisputeSegment.dispute_id)
        .where(DisputeSegment.segment_id.in_(list(segment_ids)), Dispute.withdrawn_at.is_(None))
    )
    return set(db.scalars(query))


def week_minutes(db: Session, contract_ids: Sequence[str], week: date) -> dict[str, int]:
    """Billable minutes per contract in the week (what counts against the weekly limit)."""
    if not contract_ids:
        return {}
    query = (
        select(SegmentRow.contract_id, func.coalesce(func.sum(SegmentRow.billable_minutes), 0))
        .where(
            SegmentRow.contract_id.in_(list(contract_ids)),
            SegmentRow.week_start == week,
            SegmentRow.deleted.is_(False),
        )
        .group_by(SegmentRow.contract_id)
    )
    return {cid: int(total) for cid, total in db.execute(query)}


def screenshot_in_contract(db: Session, contract_id: str, sha256: str) -> SegmentRow | None:
    """The segment of this contract that refers to the screenshot, or None (then: 404)."""
    query = (
        select(SegmentRow)
        .join(SegmentScreenshot, SegmentScreenshot.segment_id == SegmentRow.id)
        .where(
            SegmentScreenshot.contract_id == contract_id,
            SegmentScreenshot.sha256 == sha256,
            SegmentRow.deleted.is_(False),
        )
        .limit(1)
    )
    return db.scalar(query)
