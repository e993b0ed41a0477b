"""Recording: what the tracker writes, one committed transaction per call.

Closing a segment assigns its place in the device's hash chain (device id, seq, prev_hash)
in the same transaction, so a crash can never leave two segments with one seq.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment, SegmentKind
from workdiary.store.base import StoreBase
from workdiary.store.codec import MINUTE_COLUMNS, minute_values, screenshot_values, to_epoch
from workdiary.store.errors import StoreError


class RecordingMixin(StoreBase):
    def start_segment(
        self, segment_id: str, contract_id: str, start: datetime, planned_end: datetime,
        memo: str = "",
    ) -> None:
        """Open a segment that the tracker is recording (it has no place in the chain yet)."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO segments (id, contract_id, kind, start_at, end_at, memo) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (segment_id, contract_id, SegmentKind.TRACKED.value, to_epoch(start),
                 to_epoch(planned_end), memo),
            )

    def add_minute(self, segment_id: str, minute: MinuteRecord) -> None:
        """Append one finished minute to an open segment, committed at once."""
        with self._db.transaction() as conn:
            pk = self._open_pk(conn, segment_id)
            conn.execute(
                f"INSERT INTO minutes (segment, {MINUTE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                minute_values(pk, minute),
            )

    def add_screenshot(
        self, segment_id: str, shot: ScreenshotRef, jpeg: bytes | None = None,
        thumbnail: bytes | None = None,
    ) -> None:
        """Write the files (if any) and then the reference; a failed capture has no files."""
        if shot.sha256 is not None:
            if jpeg is None:
                raise StoreError("a screenshot with a sha256 needs its JPEG bytes")
            self._files.write(shot.sha256, jpeg, thumbnail)
        with self._db.transaction() as conn:
            pk = self._open_pk(conn, segment_id)
            conn.execute(
                "INSERT INTO screenshots (segment, taken_at, sha256, width, height, size, "
                "thumb_sha256, error, app, window_title, blurred, redacted) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                screenshot_values(pk, shot),
            )

    def set_memo(self, segment_id: str, memo: str) -> None:
        """Change a segment's memo; a closed, unsent segment loses its (now stale) signature."""
        with self._db.transaction() as conn:
            self._refuse_if_uploaded(conn, segment_id, "its memo cannot change")
            conn.execute(
                "UPDATE segments SET memo = ?, signature = '' WHERE id = ?", (memo, segment_id)
            )

    def close_segment(self, segment_id: str, end: datetime) -> Segment | None:
        """Close an open segment at ``end`` and give it its place in the chain.

        A segment without a single recorded minute is dropped instead (returns None): there
        is nothing to bill and it never entered the chain.
        """
        with self._db.transaction() as conn:
            pk = self._open_pk(conn, segment_id)
            return self._close(conn, pk, segment_id, to_epoch(end))

    def set_signature(self, segment_id: str, signature: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE segments SET signature = ? WHERE id = ?", (signature, segment_id)
            )

    def discard_minutes(self, segment_id: str, minute_starts: Iterable[datetime]) -> str:
        """Remove minutes (an idle period the user discarded) and the screenshots taken in them.

        Returns what became of the segment: "kept" (it still has minutes), "emptied" (an open
        segment with no minute left: it is dropped when it closes empty), "tombstone" (a
        closed segment left empty is deleted) or "uploaded" (the server already has it:
        nothing changed).
        """
        ats = sorted(to_epoch(at) for at in minute_starts)
        shas: list[str] = []
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT pk, closed_at, uploaded FROM segments WHERE id = ?", (segment_id,)
            ).fetchone()
            if row is None:
                return "emptied"
            pk, closed_at, uploaded = row
            if uploaded:
                return "uploaded"
            for at in ats:
                conn.execute("DELETE FROM minutes WHERE segment = ? AND at = ?", (pk, at))
                shas += [sha for (sha,) in conn.execute(
                    "SELECT sha256 FROM screenshots WHERE segment = ? AND taken_at >= ? AND "
                    "taken_at < ? AND sha256 IS NOT NULL", (pk, at, at + 60),
                )]
                conn.execute(
                    "DELETE FROM screenshots WHERE segment = ? AND taken_at >= ? AND taken_at < ?",
                    (pk, at, at + 60),
                )
            conn.execute("UPDATE segments SET signature = '' WHERE pk = ?", (pk,))
            orphans = [sha for sha in shas if not self._sha_in_use(conn, sha)]
            left = conn.execute("SELECT 1 FROM minutes WHERE segment = ? LIMIT 1", (pk,))
            outcome = "kept" if left.fetchone() is not None else (
                "emptied" if closed_at is None else "tombstone"
            )
        for sha in orphans:
            self._files.remove(sha)
        if outcome == "tombstone":
            self.delete_segment(segment_id)
        return outcome

    def recover_interrupted(self) -> list[Segment]:
        """After a crash: close each open segment at the end of its last recorded minute.

        An open segment without any finished minute is removed (it never entered the chain).
        Returns the segments closed, in order.
        """
        closed: list[Segment] = []
        with self._db.transaction() as conn:
            rows = conn.execute(
                "SELECT pk, id, end_at FROM segments WHERE closed_at IS NULL "
                "ORDER BY start_at, pk"
            ).fetchall()
            for pk, segment_id, planned_end in rows:
                last = conn.execute(
                    "SELECT MAX(at) FROM minutes WHERE segment = ?", (pk,)
                ).fetchone()[0]
                if last is None:
                    self._drop(conn, pk)
                    continue
                segment = self._close(conn, pk, segment_id, min(int(last) + 60, planned_end))
                if segment is not None:
                    closed.append(segment)
        return closed

    def delete_segment(self, segment_id: str) -> Segment:
        """Delete a closed segment's time: it becomes a tombstone with the same place in the
        chain, its screenshot files go, and the deletion is queued for upload."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT pk, closed_at, uploaded, kind FROM segments WHERE id = ?", (segment_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no segment {segment_id} in the local cache")
            pk, closed_at, uploaded, kind = row
            if closed_at is None:
                raise StoreError(
                    f"segment {segment_id} is still being recorded: clock out first, then delete it"
                )
            if kind == SegmentKind.TOMBSTONE.value:
                raise StoreError(f"segment {segment_id} is already deleted")
            shas = [
                sha for (sha,) in conn.execute(
                    "SELECT sha256 FROM screenshots WHERE segment = ? AND sha256 IS NOT NULL",
                    (pk,),
                )
            ]
            conn.execute("DELETE FROM minutes WHERE segment = ?", (pk,))
            conn.execute("DELETE FROM screenshots WHERE segment = ?", (pk,))
            if uploaded:
                sync = "delete_pending = 1"
            else:
                sync = ("sync_state = 'pending', server_status = NULL, server_reasons = NULL, "
                        "billable_seconds = NULL, quarantine_reason = NULL, last_error = NULL")
            conn.execute(
                f"UPDATE segments SET kind = ?, memo = '', redacted = 0, signature = '', "
                f"memo_edit = NULL, {sync} "
                f"WHERE pk = ?", (SegmentKind.TOMBSTONE.value, pk),
            )
            orphans = [sha for sha in shas if not self._sha_in_use(conn, sha)]
            (segment,) = self._select_segments(conn, "pk = ?", (pk,))
        for sha in orphans:
            self._files.remove(sha)
        return segment

    # -- helpers ------------------------------------------------------------------------

    def _open_pk(self, conn: sqlite3.Connection, segment_id: str) -> int:
        row = conn.execute(
            "SELECT pk, closed_at FROM segments WHERE id = ?", (segment_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no segment {segment_id} in the local cache")
        if row[1] is not None:
            raise StoreError(f"segment {segment_id} is closed: it takes no more records")
        return int(row[0])

    def _close(
        self, conn: sqlite3.Connection, pk: int, segment_id: str, end_at: int
    ) -> Segment | None:
        has_minutes = conn.execute(
            "SELECT 1 FROM minutes WHERE segment = ? LIMIT 1", (pk,)
        ).fetchone()
        start_at = conn.execute("SELECT start_at FROM segments WHERE pk = ?", (pk,)).fetchone()[0]
        if has_minutes is None or end_at <= start_at:
            self._drop(conn, pk)
            return None
        device = self._device_id_in(conn)
        previous = self._select_segments(
            conn, "device_id = ? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1", (device,)
        )
        seq = previous[0].seq + 1 if previous else 1
        prev_hash = chain_hash(previous[0]) if previous else GENESIS_HASH
        conn.execute(
            "UPDATE segments SET end_at = ?, device_id = ?, seq = ?, prev_hash = ?, "
            "closed_at = ? WHERE pk = ?",
            (end_at, device, seq, prev_hash, to_epoch(self._clock.now()), pk),
        )
        (segment,) = self._select_segments(conn, "pk = ?", (pk,))
        return segment

    def _drop(self, conn: sqlite3.Connection, pk: int) -> None:
        shas = [
            sha for (sha,) in conn.execute(
                "SELECT sha256 FROM screenshots WHERE segment = ? AND sha256 IS NOT NULL", (pk,)
            )
        ]
        conn.execute("DELETE FROM segments WHERE pk = ?", (pk,))  # cascades
        for sha in shas:
            if not self._sha_in_use(conn, sha):
                self._files.remove(sha)

    def _refuse_if_uploaded(self, conn: sqlite3.Connection, segment_id: str, what: str) -> None:
        row = conn.execute("SELECT uploaded FROM segments WHERE id = ?", (segment_id,)).fetchone()
        if row is None:
            raise StoreError(f"no segment {segment_id} in the local cache")
        if row[0]:
            raise StoreError(f"segment {segment_id} is already uploaded: {what}")
