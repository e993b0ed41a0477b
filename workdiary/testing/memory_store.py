"""``MemoryStore``: the desktop store's memory twin, for tests and benchmarks that need no disk.

It keeps the same rules as ``LocalStore`` for everything in ``workdiary.store.protocols``
(chain placement on close, empty segments dropped, tombstones, idle discards, sync states,
screenshot upload marks and purges), checked by the one contract suite both run
(``tests/store/test_store_contract.py``). Times are kept to the whole second, as the SQLite
store keeps them. Thread-safe: one lock around every call, as the real store's connection.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.clock import Clock, SystemClock
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment, SegmentKind
from workdiary.core.timegrid import isoformat_z
from workdiary.store.codec import SyncInfo
from workdiary.store.errors import StoreError
from workdiary.store.protocols import VerdictRecord
from workdiary.store.upload_queue import QueuedRecord
from workdiary.testing.memory_rows import (
    PENDING,
    QUARANTINED,
    UPLOADED,
    MemoryFile,
    SegmentRow,
    ShotRow,
    to_second,
)

if TYPE_CHECKING:
    from workdiary.store.local import LocalStore
    from workdiary.store.protocols import DesktopStore


class MemoryStore:
    """Segments, screenshots and settings in dicts; satisfies ``store.protocols.DesktopStore``."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._lock = threading.RLock()
        self._records: dict[str, SegmentRow] = {}  # insertion order = the SQLite primary key order
        self._settings: dict[str, str] = {}
        self._files: dict[str, tuple[bytes, bytes | None]] = {}  # sha256 -> (jpeg, thumbnail)

    # -- settings ---------------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        with self._lock:
            return self._settings.get(key)

    def set_setting(self, key: str, value: str) -> None:
        with self._lock:
            self._settings[key] = value

    def device_id(self) -> str:
        with self._lock:
            if "device_id" not in self._settings:
                self._settings["device_id"] = uuid.uuid4().hex
            return self._settings["device_id"]

    # -- recording --------------------------------------------------------------------------

    def start_segment(
        self, segment_id: str, contract_id: str, start: datetime, planned_end: datetime,
        memo: str = "",
    ) -> None:
        with self._lock:
            if segment_id in self._records:
                raise StoreError(f"segment {segment_id} is already in the local cache")
            self._records[segment_id] = SegmentRow(
                id=segment_id, contract_id=contract_id, start=to_second(start),
                end=to_second(planned_end), memo=memo)

    def add_minute(self, segment_id: str, minute: MinuteRecord) -> None:
        with self._lock:
            record = self._open(segment_id)
            at = to_second(minute.at)
            record.minutes[at] = replace(minute, at=at)

    def add_screenshot(
        self, segment_id: str, shot: ScreenshotRef, jpeg: bytes | None = None,
        thumbnail: bytes | None = None,
    ) -> None:
        with self._lock:
            if shot.sha256 is not None:
                if jpeg is None:
                    raise StoreError("a screenshot with a sha256 needs its JPEG bytes")
                self._files[shot.sha256] = (jpeg, thumbnail)
            record = self._open(segment_id)
            record.shots.append(ShotRow(replace(shot, taken_at=to_second(shot.taken_at))))

    def set_memo(self, segment_id: str, memo: str) -> None:
        with self._lock:
            record = self._not_uploaded(segment_id, "its memo cannot change")
            record.memo, record.signature = memo, ""

    def close_segment(self, segment_id: str, end: datetime) -> Segment | None:
        with self._lock:
            return self._close(self._open(segment_id), to_second(end))

    def set_signature(self, segment_id: str, signature: str) -> None:
        with self._lock:
            record = self._records.get(segment_id)
            if record is not None:
                record.signature = signature

    def discard_minutes(self, segment_id: str, minute_starts: Iterable[datetime]) -> str:
        with self._lock:
            record = self._records.get(segment_id)
            if record is None:
                return "emptied"
            if record.uploaded:
                return "uploaded"
            shas: list[str] = []
            for at in (to_second(moment) for moment in minute_starts):
                record.minutes.pop(at, None)
                gone = [s for s in record.shots if at <= s.ref.taken_at < at + timedelta(minutes=1)]
                shas += [s.ref.sha256 for s in gone if s.ref.sha256 is not None]
                record.shots = [s for s in record.shots if s not in gone]
            record.signature = ""
            self._remove_orphans(shas)
            if record.minutes:
                return "kept"
            if record.closed_at is None:
                return "emptied"
            self.delete_segment(segment_id)
            return "tombstone"

    def delete_segment(self, segment_id: str) -> Segment:
        with self._lock:
            record = self._records.get(segment_id)
            if record is None:
                raise StoreError(f"no segment {segment_id} in the local cache")
            if record.closed_at is None:
                raise StoreError(
                    f"segment {segment_id} is still being recorded: clock out first, then delete it"
                )
            if record.kind is SegmentKind.TOMBSTONE:
                raise StoreError(f"segment {segment_id} is already deleted")
            shas = [s.ref.sha256 for s in record.shots if s.ref.sha256 is not None]
            record.minutes, record.shots = {}, []
            record.kind, record.memo, record.redacted, record.signature = (
                SegmentKind.TOMBSTONE, "", False, "")
            record.memo_edit = None  # a deletion has no memo left to send
            if record.uploaded:
                record.delete_pending = True
            else:
                record.sync_state, record.server_status, record.server_reasons = PENDING, None, []
                record.billable_seconds = record.quarantine_reason = record.last_error = None
            self._remove_orphans(shas)
            return record.as_segment()

    # -- reading ----------------------------------------------------------------------------

    def segment(self, segment_id: str) -> Segment | None:
        with self._lock:
            record = self._records.get(segment_id)
            return None if record is None else record.as_segment()

    def open_segment(self) -> Segment | None:
        with self._lock:
            open_ones = [r for r in self._records.values() if r.closed_at is None]
            if not open_ones:
                return None
            latest = max(enumerate(open_ones), key=lambda pair: (pair[1].start, pair[0]))[1]
            return latest.as_segment()

    def sync_info(self, segment_id: str) -> SyncInfo:
        with self._lock:
            return self._get(segment_id).sync_info()

    # -- sync state -------------------------------------------------------------------------

    def pending_segments(self, closed_before: datetime, limit: int, *,
                         account: str | None = None,
                         seen_closed_before: datetime | None = None) -> list[Segment]:
        def due(r: SegmentRow) -> bool:
            assert r.closed_at is not None
            return r.closed_at < to_second(closed_before) or (
                seen_closed_before is not None and r.seen_at is not None
                and r.closed_at < to_second(seen_closed_before))

        with self._lock:
            waiting = [r for r in self._records.values()
                       if r.closed_at is not None and r.sync_state == PENDING and due(r)
                       and (account is None or r.account in ("", account))]
            return [r.as_segment() for r in self._in_chain_order(waiting)[:limit]]

    def bind_account(self, segment_id: str, account: str) -> None:
        with self._lock:
            record = self._records.get(segment_id)
            if record is not None and not record.account:
                record.account = account

    def mark_seen(self, segment_ids: Iterable[str], at: datetime) -> None:
        with self._lock:
            for segment_id in segment_ids:
                record = self._records.get(segment_id)
                if record is not None and record.seen_at is None:
                    record.seen_at = to_second(at)

    def queued_records(self) -> list[QueuedRecord]:
        with self._lock:
            waiting = [r for r in self._records.values() if r.closed_at is not None
                       and r.sync_state == PENDING and not r.delete_pending]
            return [QueuedRecord(r.id, r.account, r.closed_at, r.seen_at is not None)
                    for r in sorted(waiting, key=lambda r: r.closed_at or r.start)
                    if r.closed_at is not None]

    def pending_count(self) -> int:
        with self._lock:
            return sum(1 for r in self._records.values() if r.closed_at is not None and (
                (r.sync_state == PENDING and not r.delete_pending) or r.delete_pending))

    def delete_pending_segments(self, *, account: str | None = None) -> list[Segment]:
        with self._lock:
            due = [r for r in self._records.values() if r.delete_pending
                   and (account is None or r.account in ("", account))]
            return [r.as_segment() for r in self._in_chain_order(due)]

    def mark_deleted_on_server(self, segment_id: str) -> None:
        with self._lock:
            record = self._get(segment_id)
            record.delete_pending, record.last_error = False, None

    def deletion_refused(self, segment_id: str, reason: str) -> None:
        with self._lock:
            record = self._get(segment_id)
            record.delete_pending, record.sync_state = False, QUARANTINED
            record.quarantine_reason = record.last_error = reason

    def record_verdict(
        self, segment_id: str, status: str, billable_seconds: int, reasons: list[str],
        at: datetime | None = None,
    ) -> None:
        with self._lock:
            record = self._get(segment_id)
            record.sync_state, record.uploaded, record.server_status = UPLOADED, True, status
            record.billable_seconds, record.server_reasons = billable_seconds, list(reasons)
            record.uploaded_at = to_second(at if at is not None else self._clock.now())
            record.last_error = record.quarantine_reason = None

    def record_verdicts(self, verdicts: Sequence[VerdictRecord],
                        at: datetime | None = None) -> None:
        with self._lock:
            for verdict in verdicts:
                self._get(verdict[0])  # all known, or none recorded (as in one transaction)
            for segment_id, status, billable_seconds, reasons in verdicts:
                self.record_verdict(segment_id, status, billable_seconds, list(reasons), at)

    def quarantine(self, segment_id: str, reason: str) -> None:
        with self._lock:
            record = self._get(segment_id)
            record.sync_state, record.quarantine_reason = QUARANTINED, reason

    def set_sync_error(self, segment_id: str, message: str) -> None:
        with self._lock:
            self._get(segment_id).last_error = message

    def requeue(self, segment_id: str) -> None:
        with self._lock:
            record = self._get(segment_id)
            record.sync_state, record.quarantine_reason = PENDING, None

    # -- manual time and memo edits ---------------------------------------------------------

    def live_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        with self._lock:
            return [(r.start, r.end) for r in self._live(start, end)]

    def add_manual_segments(self, segment_ids: Sequence[str], contract_id: str,
                            pieces: Sequence[tuple[datetime, datetime]], memo: str,
                            account: str = "") -> list[Segment]:
        if not pieces:
            return []
        with self._lock:
            for start, end in pieces:
                for other in self._live(pieces[0][0], pieces[-1][1]):
                    if other.start < to_second(end) and to_second(start) < other.end:
                        raise StoreError(
                            f"{isoformat_z(start)}-{isoformat_z(end)} overlaps segment "
                            f"{other.id} ({isoformat_z(other.start)}-{isoformat_z(other.end)}): "
                            "the same time cannot be billed twice")
            made = []
            now = to_second(self._clock.now())
            for segment_id, (start, end) in zip(segment_ids, pieces, strict=True):
                record = SegmentRow(id=segment_id, contract_id=contract_id,
                                    start=to_second(start), end=to_second(end), memo=memo,
                                    kind=SegmentKind.MANUAL, account=account, seen_at=now)
                self._records[segment_id] = record
                self._chain(record)
                record.closed_at = now
                made.append(record.as_segment())
            return made

    def queue_memo_edit(self, segment_id: str, memo: str) -> None:
        with self._lock:
            record = self._get(segment_id)
            if record.kind is SegmentKind.TOMBSTONE or record.delete_pending:
                raise StoreError(f"segment {segment_id} is deleted: it has no memo to edit")
            if not record.uploaded:
                raise StoreError(f"segment {segment_id} is not uploaded yet: edit its memo "
                                 "directly")
            record.memo_edit, record.last_error = memo, None

    def memo_edits_pending(self, *, account: str | None = None) -> list[Segment]:
        with self._lock:
            due = [r for r in self._records.values() if r.memo_edit is not None and r.uploaded
                   and (account is None or r.account in ("", account))]
            return [replace(r.as_segment(), memo=r.memo_edit or "", signature="")
                    for r in self._in_chain_order(due)]

    def memo_edit_accepted(self, segment_id: str, memo: str, signature: str, status: str,
                           billable_seconds: int, reasons: list[str]) -> None:
        with self._lock:
            record = self._get(segment_id)
            record.memo, record.signature, record.memo_edited = memo, signature, True
            record.server_status, record.billable_seconds = status, billable_seconds
            record.server_reasons, record.last_error = list(reasons), None
            if record.memo_edit == memo:
                record.memo_edit = None

    def memo_edit_refused(self, segment_id: str, reason: str) -> None:
        with self._lock:
            record = self._get(segment_id)
            record.memo_edit, record.last_error = None, reason

    # -- screenshots ------------------------------------------------------------------------

    def screenshot_path(self, sha256: str) -> MemoryFile | None:
        with self._lock:
            stored = self._files.get(sha256)
            return None if stored is None else MemoryFile(stored[0])

    def thumbnail_path(self, sha256: str) -> MemoryFile | None:
        with self._lock:
            stored = self._files.get(sha256)
            return None if stored is None or stored[1] is None else MemoryFile(stored[1])

    def mark_screenshot_uploaded(self, sha256: str, at: datetime) -> None:
        with self._lock:
            for shot in self._shots(sha256):
                shot.uploaded_at = to_second(at)

    def mark_screenshots_uploaded(self, shas: Iterable[str], at: datetime) -> None:
        with self._lock:
            for sha in shas:
                self.mark_screenshot_uploaded(sha, at)

    def screenshot_uploaded(self, sha256: str) -> bool:
        with self._lock:
            return any(shot.uploaded_at is not None for shot in self._shots(sha256))

    def purge_uploaded_screenshots(self, accepted_before: datetime) -> int:
        with self._lock:
            before = to_second(accepted_before)
            shas = {
                shot.ref.sha256 for record in self._records.values()
                if record.sync_state == UPLOADED for shot in record.shots
                if shot.ref.sha256 is not None and not shot.purged
                and shot.uploaded_at is not None and shot.uploaded_at < before
            }
            for sha in shas:
                for shot in self._shots(sha):
                    shot.purged = True
            return sum(1 for sha in shas if self._files.pop(sha, None) is not None)

    # -- helpers ----------------------------------------------------------------------------

    def _get(self, segment_id: str) -> SegmentRow:
        record = self._records.get(segment_id)
        if record is None:
            raise StoreError(f"no segment {segment_id} in the local cache")
        return record

    def _open(self, segment_id: str) -> SegmentRow:
        record = self._get(segment_id)
        if record.closed_at is not None:
            raise StoreError(f"segment {segment_id} is closed: it takes no more records")
        return record

    def _not_uploaded(self, segment_id: str, what: str) -> SegmentRow:
        record = self._get(segment_id)
        if record.uploaded:
            raise StoreError(f"segment {segment_id} is already uploaded: {what}")
        return record

    def _close(self, record: SegmentRow, end: datetime) -> Segment | None:
        if not record.minutes or end <= record.start:
            self._drop(record)
            return None
        self._chain(record)
        record.end = end
        record.closed_at = to_second(self._clock.now())
        return record.as_segment()

    def _live(self, start: datetime, end: datetime) -> list[SegmentRow]:
        """Live segments touching [start, end), the one being recorded to its planned end."""
        return [r for r in self._records.values() if r.kind is not SegmentKind.TOMBSTONE
                and r.start < to_second(end) and r.end > to_second(start)]

    def _chain(self, record: SegmentRow) -> None:
        """Give a closing record its place in this device's chain."""
        device = self.device_id()
        chained = [r for r in self._records.values()
                   if r.device_id == device and r.seq is not None]
        previous = max(chained, key=lambda r: r.seq or 0, default=None)
        record.seq = previous.seq + 1 if previous is not None and previous.seq else 1
        record.prev_hash = chain_hash(previous.as_segment()) if previous else GENESIS_HASH
        record.device_id = device

    def _drop(self, record: SegmentRow) -> None:
        del self._records[record.id]
        self._remove_orphans([s.ref.sha256 for s in record.shots if s.ref.sha256 is not None])

    def _shots(self, sha256: str) -> list[ShotRow]:
        return [shot for record in self._records.values() for shot in record.shots
                if shot.ref.sha256 == sha256]

    def _remove_orphans(self, shas: Iterable[str]) -> None:
        for sha in shas:
            if not self._shots(sha):
                self._files.pop(sha, None)

    def _in_chain_order(self, records: list[SegmentRow]) -> list[SegmentRow]:
        return sorted(records, key=lambda r: (r.device_id, r.seq or 0))


if TYPE_CHECKING:  # mypy proves both stores satisfy every store protocol
    def _both_are_desktop_stores(
        memory: MemoryStore, local: LocalStore
    ) -> tuple[DesktopStore, DesktopStore]:
        return memory, local
