"""The rows of ``MemoryStore``: a segment with its minutes, screenshots and sync columns.

They mirror the SQLite store's tables, times kept to the whole second as SQLite keeps them, and
turn into the same ``Segment`` and ``SyncInfo`` values ``LocalStore`` reads back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment, SegmentKind
from workdiary.store.codec import SyncInfo, from_epoch, to_epoch

PENDING, UPLOADED, QUARANTINED = "pending", "uploaded", "quarantined"


def to_second(moment: datetime) -> datetime:
    """``moment`` to the whole second, as the SQLite store keeps it."""
    return from_epoch(to_epoch(moment))


@dataclass(frozen=True, slots=True)
class MemoryFile:
    """A screenshot file held in memory; ``read_bytes`` as on a ``Path``."""

    data: bytes

    def read_bytes(self) -> bytes:
        return self.data


@dataclass
class ShotRow:
    ref: ScreenshotRef
    uploaded_at: datetime | None = None
    purged: bool = False


@dataclass
class SegmentRow:
    """One segment row with its minutes, screenshots and sync columns."""

    id: str
    contract_id: str
    start: datetime
    end: datetime  # the planned end while open, the real end once closed
    memo: str = ""
    kind: SegmentKind = SegmentKind.TRACKED
    redacted: bool = False
    device_id: str = ""
    seq: int | None = None
    prev_hash: str = ""
    signature: str = ""
    closed_at: datetime | None = None
    minutes: dict[datetime, MinuteRecord] = field(default_factory=dict)
    shots: list[ShotRow] = field(default_factory=list)
    sync_state: str = PENDING
    server_status: str | None = None
    server_reasons: list[str] = field(default_factory=list)
    billable_seconds: int | None = None
    quarantine_reason: str | None = None
    last_error: str | None = None
    uploaded_at: datetime | None = None
    uploaded: bool = False
    delete_pending: bool = False
    account: str = ""  # the account it is bound to ("" not bound yet)
    seen_at: datetime | None = None
    memo_edit: str | None = None  # a memo edit of the uploaded segment, still to be sent
    memo_edited: bool = False

    def as_segment(self) -> Segment:
        minutes = tuple(self.minutes[at] for at in sorted(self.minutes))
        end = self.end
        if self.closed_at is None and minutes:
            end = min(end, minutes[-1].at + timedelta(minutes=1))
        return Segment(
            id=self.id, contract_id=self.contract_id, start=self.start, end=end, kind=self.kind,
            memo=self.memo, minutes=minutes,
            screenshots=tuple(shot.ref for shot in sorted(
                self.shots, key=lambda shot: shot.ref.taken_at)),
            redacted=self.redacted, device_id=self.device_id, seq=self.seq or 0,
            prev_hash=self.prev_hash, signature=self.signature,
        )

    def sync_info(self) -> SyncInfo:
        return SyncInfo(
            sync_state=self.sync_state, server_status=self.server_status,
            server_reasons=list(self.server_reasons), billable_seconds=self.billable_seconds,
            quarantine_reason=self.quarantine_reason, last_error=self.last_error,
            uploaded_at=self.uploaded_at, uploaded=self.uploaded,
            delete_pending=self.delete_pending, closed_at=self.closed_at,
            memo_edit=self.memo_edit, memo_edited=self.memo_edited,
        )
