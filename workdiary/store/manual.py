"""Manual time and memo edits of uploaded segments (docs/design.md, "Manual time", "Memo").

Manual segments are written closed, each with its place in the device's chain (as a tracked
segment gets when it closes), in one transaction that first checks the overlap rule against
every live local segment of any contract, the one being recorded included. The user entered
them, so they count as seen.

A memo edit of an uploaded segment does not touch the uploaded record: the new memo waits in
``memo_edit`` until the server takes the re-signed record (then it becomes the memo) or
refuses it for good (then it is dropped and the refusal kept as the segment's last error).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.model import Segment, SegmentKind
from workdiary.core.timegrid import isoformat_z
from workdiary.store.base import StoreBase
from workdiary.store.codec import from_epoch, to_epoch
from workdiary.store.errors import StoreError


class ManualMixin(StoreBase):
    def live_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """[start, end) of the live segments (not deleted, any contract) touching the range."""
        with self._db.reading() as conn:
            return [(s, e) for _, s, e in self._live(conn, start, end)]

    def add_manual_segments(self, segment_ids: Sequence[str], contract_id: str,
                            pieces: Sequence[tuple[datetime, datetime]], memo: str,
                            account: str = "") -> list[Segment]:
        """Write closed manual segments for ``pieces`` (grid slots, in order), chained; a
        StoreError, and nothing written, when any overlaps a live segment."""
        if not pieces:
            return []
        now = to_epoch(self._clock.now())
        with self._db.transaction() as conn:
            clash = self._live(conn, pieces[0][0], pieces[-1][1])
            for start, end in pieces:
                for other_id, other_start, other_end in clash:
                    if other_start < end and start < other_end:
                        raise StoreError(
                            f"{isoformat_z(start)}-{isoformat_z(end)} overlaps segment "
                            f"{other_id} ({isoformat_z(other_start)}-{isoformat_z(other_end)}): "
                            "the same time cannot be billed twice")
            device = self._device_id_in(conn)
            made: list[Segment] = []
            for segment_id, (start, end) in zip(segment_ids, pieces, strict=True):
                previous = self._select_segments(
                    conn, "device_id = ? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
                    (device,))
                seq = previous[0].seq + 1 if previous else 1
                prev_hash = chain_hash(previous[0]) if previous else GENESIS_HASH
                conn.execute(
                    "INSERT INTO segments (id, contract_id, kind, start_at, end_at, memo, "
                    "device_id, seq, prev_hash, closed_at, account, seen_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (segment_id, contract_id, SegmentKind.MANUAL.value, to_epoch(start),
                     to_epoch(end), memo, device, seq, prev_hash, now, account, now))
                (segment,) = self._select_segments(conn, "id = ?", (segment_id,))
                made.append(segment)
        return made

    # -- memo edits ---------------------------------------------------------------------------

    def queue_memo_edit(self, segment_id: str, memo: str) -> None:
        """Queue a new memo for an uploaded segment (sent re-signed by the outbox)."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT uploaded, kind, delete_pending FROM segments WHERE id = ?",
                (segment_id,)).fetchone()
            if row is None:
                raise StoreError(f"no segment {segment_id} in the local cache")
            uploaded, kind, delete_pending = row
            if kind == SegmentKind.TOMBSTONE.value or delete_pending:
                raise StoreError(f"segment {segment_id} is deleted: it has no memo to edit")
            if not uploaded:
                raise StoreError(f"segment {segment_id} is not uploaded yet: edit its memo "
                                 "directly")
            conn.execute("UPDATE segments SET memo_edit = ?, last_error = NULL WHERE id = ?",
                         (memo, segment_id))

    def memo_edits_pending(self, *, account: str | None = None) -> list[Segment]:
        """Uploaded segments with a memo edit to send: each as the record to re-sign (the new
        memo, no signature), in chain order (``account``: bound to it or to none)."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT id, memo_edit FROM segments WHERE memo_edit IS NOT NULL AND "
                "uploaded = 1 AND (? IS NULL OR account IN ('', ?)) ORDER BY device_id, seq",
                (account, account)).fetchall()
            edits = dict(rows)
            segments = self._select_segments(
                conn, f"id IN ({','.join('?' * len(edits))}) ORDER BY device_id, seq",
                list(edits)) if edits else []
        return [replace(s, memo=str(edits[s.id]), signature="") for s in segments]

    def memo_edit_accepted(self, segment_id: str, memo: str, signature: str, status: str,
                           billable_seconds: int, reasons: list[str]) -> None:
        """The server took the re-signed record: it is now the local one too. An edit made
        meanwhile (another memo) stays queued."""
        with self._db.transaction() as conn:
            self._require(conn, segment_id)
            conn.execute(
                "UPDATE segments SET memo = ?, signature = ?, memo_edited = 1, server_status = ?, "
                "billable_seconds = ?, server_reasons = ?, last_error = NULL, memo_edit = "
                "CASE WHEN memo_edit = ? THEN NULL ELSE memo_edit END WHERE id = ?",
                (memo, signature, status, billable_seconds, json.dumps(list(reasons)), memo,
                 segment_id))

    def memo_edit_refused(self, segment_id: str, reason: str) -> None:
        """The server refused the edit for good (e.g. the week locked): drop it, keep why."""
        with self._db.transaction() as conn:
            self._require(conn, segment_id)
            conn.execute("UPDATE segments SET memo_edit = NULL, last_error = ? WHERE id = ?",
                         (reason, segment_id))

    # -- helpers ------------------------------------------------------------------------------

    def _live(self, conn: sqlite3.Connection, start: datetime, end: datetime
              ) -> list[tuple[str, datetime, datetime]]:
        """(id, start, end) of live segments touching [start, end); the one being recorded
        up to its planned end, since its current minute is not written yet."""
        rows = conn.execute(
            "SELECT id, start_at, end_at FROM segments WHERE start_at < ? AND end_at > ? AND "
            "kind != ? ORDER BY start_at, pk",
            (to_epoch(end), to_epoch(start), SegmentKind.TOMBSTONE.value)).fetchall()
        return [(str(i), from_epoch(int(s)), from_epoch(int(e))) for i, s, e in rows]

    def _require(self, conn: sqlite3.Connection, segment_id: str) -> None:
        if conn.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone() is None:
            raise StoreError(f"no segment {segment_id} in the local cache")
