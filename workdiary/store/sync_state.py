"""Per-segment sync state and screenshot upload marks: what the outbox reads and writes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from workdiary.core.model import Segment
from workdiary.store.base import StoreBase
from workdiary.store.codec import SYNC_COLUMNS, SyncInfo, sync_info_from_row, to_epoch
from workdiary.store.errors import StoreError
from workdiary.store.protocols import VerdictRecord

PENDING, UPLOADED, QUARANTINED = "pending", "uploaded", "quarantined"


class SyncStateMixin(StoreBase):
    def sync_info(self, segment_id: str) -> SyncInfo:
        with self._db.reading() as conn:
            row = conn.execute(
                f"SELECT {SYNC_COLUMNS} FROM segments WHERE id = ?", (segment_id,)
            ).fetchone()
        if row is None:
            raise StoreError(f"no segment {segment_id} in the local cache")
        return sync_info_from_row(row)

    def pending_segments(self, closed_before: datetime, limit: int, *,
                         account: str | None = None,
                         seen_closed_before: datetime | None = None) -> list[Segment]:
        """Closed segments waiting for upload (tombstones included), in device chain order.

        ``account``: only those bound to it or not bound yet. ``seen_closed_before``: also
        the ones the user has seen that closed before it (`sync --now`).
        """
        seen_before = to_epoch(seen_closed_before) if seen_closed_before else None
        with self._db.reading() as conn:
            return self._select_segments(
                conn,
                "closed_at IS NOT NULL AND sync_state = 'pending' AND (closed_at < ? OR "
                "(seen_at IS NOT NULL AND closed_at < ?)) AND (? IS NULL OR account IN ('', ?)) "
                "ORDER BY device_id, seq LIMIT ?",
                (to_epoch(closed_before), seen_before, account, account, limit),
            )

    def pending_count(self) -> int:
        """Closed segments not yet on the server, plus server deletions still due."""
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM segments WHERE closed_at IS NOT NULL AND "
                "((sync_state = 'pending' AND delete_pending = 0) OR delete_pending = 1)"
            ).fetchone()
        return int(row[0])

    def delete_pending_segments(self, *, account: str | None = None) -> list[Segment]:
        """Tombstones of segments the server already has: their DELETE is still due
        (``account``: only those bound to it or to none)."""
        with self._db.reading() as conn:
            return self._select_segments(
                conn, "delete_pending = 1 AND (? IS NULL OR account IN ('', ?)) "
                "ORDER BY device_id, seq", (account, account))

    def mark_deleted_on_server(self, segment_id: str) -> None:
        self._update(segment_id, "delete_pending = 0, last_error = NULL", ())

    def deletion_refused(self, segment_id: str, reason: str) -> None:
        """The server refused for good to delete an uploaded segment (its week locked): stop
        asking, and keep the refusal as the record's quarantine reason for the user to see."""
        self._update(
            segment_id,
            "delete_pending = 0, sync_state = 'quarantined', quarantine_reason = ?, "
            "last_error = ?",
            (reason, reason),
        )

    def record_verdict(
        self, segment_id: str, status: str, billable_seconds: int, reasons: list[str],
        at: datetime | None = None,
    ) -> None:
        """The server accepted the segment: store its verdict and mark it uploaded."""
        moment = at if at is not None else self._clock.now()
        self._update(
            segment_id,
            "sync_state = 'uploaded', uploaded = 1, server_status = ?, billable_seconds = ?, "
            "server_reasons = ?, uploaded_at = ?, last_error = NULL, quarantine_reason = NULL",
            (status, billable_seconds, json.dumps(list(reasons)), to_epoch(moment)),
        )

    def record_verdicts(self, verdicts: Sequence[VerdictRecord],
                        at: datetime | None = None) -> None:
        """``record_verdict`` for a whole batch in one transaction: one disk sync per batch
        instead of one per segment (a catch-up after a week offline records hundreds)."""
        moment = to_epoch(at if at is not None else self._clock.now())
        with self._db.transaction() as conn:
            for segment_id, status, billable_seconds, reasons in verdicts:
                cursor = conn.execute(
                    "UPDATE segments SET sync_state = 'uploaded', uploaded = 1, "
                    "server_status = ?, billable_seconds = ?, server_reasons = ?, "
                    "uploaded_at = ?, last_error = NULL, quarantine_reason = NULL WHERE id = ?",
                    (status, billable_seconds, json.dumps(list(reasons)), moment, segment_id))
                if cursor.rowcount == 0:
                    raise StoreError(f"no segment {segment_id} in the local cache")

    def quarantine(self, segment_id: str, reason: str) -> None:
        """The server refused the segment for good: keep it aside without blocking the rest."""
        self._update(
            segment_id, "sync_state = 'quarantined', quarantine_reason = ?", (reason,)
        )

    def set_sync_error(self, segment_id: str, message: str) -> None:
        """A transient failure: the segment stays pending; the message is shown."""
        self._update(segment_id, "last_error = ?", (message,))

    def requeue(self, segment_id: str) -> None:
        """Put a quarantined segment back in the queue (after the user fixed the cause)."""
        self._update(segment_id, "sync_state = 'pending', quarantine_reason = NULL", ())

    # -- screenshots --------------------------------------------------------------------

    def screenshot_path(self, sha256: str) -> Path | None:
        """The JPEG file, if it is still on disk."""
        path = self._files.image_path(sha256)
        return path if path.exists() else None

    def thumbnail_path(self, sha256: str) -> Path | None:
        path = self._files.thumb_path(sha256)
        return path if path.exists() else None

    def mark_screenshot_uploaded(self, sha256: str, at: datetime) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE screenshots SET uploaded_at = ? WHERE sha256 = ?", (to_epoch(at), sha256)
            )

    def mark_screenshots_uploaded(self, shas: Iterable[str], at: datetime) -> None:
        """``mark_screenshot_uploaded`` for several images in one transaction."""
        with self._db.transaction() as conn:
            conn.executemany("UPDATE screenshots SET uploaded_at = ? WHERE sha256 = ?",
                             [(to_epoch(at), sha) for sha in shas])

    def screenshot_uploaded(self, sha256: str) -> bool:
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT 1 FROM screenshots WHERE sha256 = ? AND uploaded_at IS NOT NULL LIMIT 1",
                (sha256,),
            ).fetchone()
        return row is not None

    def purge_uploaded_screenshots(self, accepted_before: datetime) -> int:
        """Delete the files of screenshots uploaded before ``accepted_before`` whose segment the
        server accepted; their metadata stays. Returns how many image files were deleted."""
        with self._db.transaction() as conn:
            rows = conn.execute(
                "SELECT DISTINCT s.sha256 FROM screenshots s JOIN segments g ON g.pk = s.segment "
                "WHERE s.sha256 IS NOT NULL AND s.purged = 0 AND s.uploaded_at IS NOT NULL "
                "AND s.uploaded_at < ? AND g.sync_state = 'uploaded'",
                (to_epoch(accepted_before),),
            ).fetchall()
            shas = [str(sha) for (sha,) in rows]
            conn.executemany("UPDATE screenshots SET purged = 1 WHERE sha256 = ?",
                             [(sha,) for sha in shas])
        return sum(1 for sha in shas if self._files.remove(sha))

    def _update(self, segment_id: str, assignments: str, params: tuple[object, ...]) -> None:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE segments SET {assignments} WHERE id = ?", (*params, segment_id)
            )
            if cursor.rowcount == 0:
                raise StoreError(f"no segment {segment_id} in the local cache")
