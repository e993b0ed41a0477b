"""The server's one read model of a diary: a contract's stored segments, scoped to the viewer.

The JSON API and the web pages both render these typed views (the API through ``to_dict``,
the pages through their layout in ``server/web``), so a script and a browser read the same
facts. Tombstones are part of it: a deletion stays visible as a deletion (it is evidence for
the client), with no time, no evidence and no pay (docs/design.md, "Deleted segments").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core.activity import Activity
from workdiary.core.billing import whole_minutes
from workdiary.core.canonical import SegmentSummary, summary_from_dict
from workdiary.core.model import ScreenshotRef, SegmentKind
from workdiary.core.timegrid import isoformat_z, local_day_bounds
from workdiary.server.errors import Unprocessable
from workdiary.server.models import Contract, SegmentRow, User
from workdiary.server.services import disputes as dispute_service
from workdiary.server.services.billing import amount_cents
from workdiary.server.services.contracts import get_contract_for
from workdiary.server.services.screenshots import segment_showing


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Unprocessable(f"{tz!r} is not a time zone: use an IANA name like Europe/Paris.",
                            code="invalid_tz") from exc


class StoredSegment(NamedTuple):
    """The columns of a stored segment that a diary shows, read as a plain row: a day's 144
    segments load without the ORM's per-entity bookkeeping, which cost a diary page more
    than the rows' JSON, and read faster after (a tuple field, not an instrumented one)."""

    id: str
    contract_id: str
    start: datetime
    end: datetime
    week_start: date
    kind: str
    status: str
    billable_seconds: int
    over_limit_seconds: int
    reasons: list[str]
    memo: str
    memo_edited: bool
    redacted: bool
    body: dict[str, object]
    deleted: bool

    @property
    def over_limit_minutes(self) -> int:
        return whole_minutes(self.over_limit_seconds)


_STORED_COLUMNS = tuple(getattr(SegmentRow, name) for name in StoredSegment._fields)


def stored_segments_between(session: Session, *, contract_id: str, start: datetime,
                            end: datetime) -> list[StoredSegment]:
    """A contract's stored segments starting in [start, end), oldest first, as plain rows;
    tombstones included (a deletion stays visible in a diary; it bills nothing).

    Not scoped: callers check the contract belongs to the viewer first."""
    rows = session.execute(select(*_STORED_COLUMNS).where(
        SegmentRow.contract_id == contract_id,
        SegmentRow.start >= start, SegmentRow.start < end,
    ).order_by(SegmentRow.start, SegmentRow.id))
    return [StoredSegment._make(row) for row in rows]


@dataclass(frozen=True, slots=True)
class SegmentView:
    """A stored segment with its evidence summed up and its verdict, as diaries and
    timesheets show it."""

    row: SegmentRow | StoredSegment
    summary: SegmentSummary
    disputed: bool

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def start(self) -> datetime:
        return self.row.start

    @property
    def end(self) -> datetime:
        return self.row.end

    @property
    def week_start(self) -> date:
        return self.row.week_start

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def memo(self) -> str:
        return self.row.memo

    @property
    def deleted(self) -> bool:
        """A tombstone: shown as a deletion, never billed, never disputable."""
        return self.row.deleted

    @property
    def manual(self) -> bool:
        return self.summary.kind is SegmentKind.MANUAL

    @property
    def activity(self) -> Activity:
        return self.summary.activity

    @property
    def measured_from_idle(self) -> bool:
        """Activity from the desktop's idle time (native Wayland), not input counts."""
        return self.summary.measured_from_idle

    @property
    def memo_edited(self) -> bool:
        """The memo was replaced after upload (a re-signed record; diaries say "edited")."""
        return bool(self.row.memo_edited) and not self.row.deleted

    @property
    def billable_seconds(self) -> int:
        return 0 if self.row.deleted else self.row.billable_seconds

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def tracked_seconds(self) -> int:
        """The model's own count: exact tracked seconds (a manual span, 0 for a tombstone)."""
        return self.summary.tracked_seconds

    @property
    def tracked_minutes(self) -> int:
        return whole_minutes(self.tracked_seconds)

    @property
    def screenshots(self) -> tuple[ScreenshotRef, ...]:
        return self.summary.screenshots

    def to_dict(self) -> dict[str, Any]:
        """The API's segment shape (DESIGN.md 'Shapes that scripts rely on')."""
        body = self.row.body
        return {
            "id": self.row.id, "contract_id": self.row.contract_id,
            "start": isoformat_z(self.row.start), "end": isoformat_z(self.row.end),
            "kind": self.row.kind, "status": self.row.status,
            "billable_minutes": self.billable_minutes,
            "billable_seconds": self.billable_seconds,
            "over_limit_minutes": self.row.over_limit_minutes,
            "over_limit_seconds": self.row.over_limit_seconds,
            "reasons": list(self.row.reasons), "memo": self.row.memo,
            "memo_edited": self.memo_edited,
            "redacted": self.row.redacted, "disputed": self.disputed,
            "activity": {"level": self.activity.level, "bars": self.activity.bars,
                         "percent": self.activity.percent},
            "minutes": [] if self.deleted else list(body.get("minutes", [])),  # type: ignore[call-overload]
            "screenshots": [] if self.deleted else list(body.get("screenshots", [])),  # type: ignore[call-overload]
        }


def segment_views(session: Session, rows: Sequence[SegmentRow | StoredSegment],
                  contract_id: str) -> list[SegmentView]:
    """Stored rows as views, marking the ones under an active dispute. The bodies were
    checked on upload, so they are summed up in place rather than parsed again."""
    disputed = dispute_service.disputed_segment_ids(session, contract_id=contract_id)
    return [SegmentView(row, summary_from_dict(row.body), row.id in disputed) for row in rows]


@dataclass(frozen=True, slots=True)
class DiaryTotals:
    """A day's sums, in seconds. ``billable_seconds`` includes disputed seconds (the API's
    field); ``undisputed_seconds`` is what the week's amount counts. Each ``*_minutes`` is
    ``floor(total seconds / 60)`` of the total, not a sum of per-segment minutes."""

    segments: int
    tracked_seconds: int
    billable_seconds: int
    disputed_seconds: int
    active_minutes: int
    by_status: dict[str, int]

    @property
    def undisputed_seconds(self) -> int:
        return self.billable_seconds - self.disputed_seconds

    @property
    def tracked_minutes(self) -> int:
        return whole_minutes(self.tracked_seconds)

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def disputed_minutes(self) -> int:
        return whole_minutes(self.disputed_seconds)

    @property
    def undisputed_minutes(self) -> int:
        return whole_minutes(self.undisputed_seconds)

    def to_dict(self) -> dict[str, int]:
        return {"segments": self.segments, "billable_minutes": self.billable_minutes,
                "billable_seconds": self.billable_seconds,
                "tracked_minutes": self.tracked_minutes, "tracked_seconds": self.tracked_seconds,
                "active_minutes": self.active_minutes}


def totals_of(segments: list[SegmentView]) -> DiaryTotals:
    billable = [s for s in segments if s.status != "rejected"]
    return DiaryTotals(
        segments=len(segments),
        tracked_seconds=sum(s.tracked_seconds for s in segments),
        billable_seconds=sum(s.billable_seconds for s in billable),
        disputed_seconds=sum(s.billable_seconds for s in billable if s.disputed),
        active_minutes=sum(s.activity.active_minutes for s in segments),
        by_status=dict(Counter(s.status for s in segments)),
    )


@dataclass(frozen=True, slots=True)
class CaptureFailure:
    """One cause of failed screenshots in a day: said once, with how often and since when."""

    error: str
    count: int
    since: datetime  # the first failed capture of this cause that day (UTC)


def capture_failures(segments: list[SegmentView]) -> list[CaptureFailure]:
    """The day's failed screenshots grouped by their reason, in order of first failure, so a
    page says a repeated reason once instead of under every segment."""
    grouped: dict[str, list[datetime]] = {}
    for view in segments:
        if view.deleted:
            continue
        for shot in view.screenshots:
            if shot.error:
                grouped.setdefault(shot.error, []).append(shot.taken_at)
    failures = [CaptureFailure(error, len(times), min(times)) for error, times in grouped.items()]
    return sorted(failures, key=lambda failure: failure.since)


@dataclass(frozen=True, slots=True)
class DiaryView:
    contract: Contract
    day: date
    tz: str
    start: datetime  # UTC instant where the local day starts
    end: datetime
    segments: list[SegmentView] = field(default_factory=list)

    @property
    def totals(self) -> DiaryTotals:
        return totals_of(self.segments)

    @property
    def capture_failures(self) -> list[CaptureFailure]:
        return capture_failures(self.segments)

    @property
    def undisputed_cents(self) -> int:
        """What the day's undisputed seconds are worth, rounded as the invoice rounds."""
        return amount_cents(self.totals.undisputed_seconds, self.contract.rate_cents)

    @property
    def week_boundaries(self) -> list[datetime]:
        """UTC Monday 00:00 instants that fall inside this local day (to mark on the page)."""
        monday = self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        monday -= timedelta(days=monday.weekday())
        marks = []
        while monday < self.end:
            if monday >= self.start:
                marks.append(monday)
            monday += timedelta(days=7)
        return marks

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(), "tz": self.tz, "contract_id": self.contract.id,
            "start": isoformat_z(self.start), "end": isoformat_z(self.end),
            "week_boundaries": [isoformat_z(m) for m in self.week_boundaries],
            "segments": [s.to_dict() for s in self.segments],
            "totals": self.totals.to_dict(),
        }


def get_diary(session: Session, *, user: User, contract_id: str, day: date,
              tz: str = "UTC") -> DiaryView:
    """The segments of a contract that start on ``day`` in the viewer's time zone."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    start, end = local_day_bounds(day, zone(tz))
    rows = stored_segments_between(session, contract_id=contract.id, start=start, end=end)
    return DiaryView(contract, day, tz, start, end, segment_views(session, rows, contract.id))


def get_segment_with_screenshot(session: Session, *, user: User, contract_id: str,
                                sha256: str) -> SegmentView | None:
    """The contract's live segment that shows the screenshot, or None (then: not found)."""
    contract = get_contract_for(session, user=user, contract_id=contract_id)
    row = segment_showing(session, contract_id=contract.id, sha256=sha256)
    return None if row is None else segment_views(session, [row], contract.id)[0]
