"""Who a waiting record belongs to and whether the user has seen it.

A closed segment is bound to the account that recorded it (``bind_account``), so a second
account logged in on this computer never uploads it; it waits until its own account logs in
again. A segment the user has been shown (``mark_seen``: the tray's diary or `workdiary diary`)
may skip its review window on `workdiary sync --now`. ``queued_records`` is what `sync` and
`status` count from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from workdiary.store.base import StoreBase
from workdiary.store.codec import from_epoch, to_epoch


@dataclass(frozen=True, slots=True)
class QueuedRecord:
    """A closed segment waiting for upload."""

    segment_id: str
    account: str  # the account key it is bound to; "" when not bound yet
    closed_at: datetime
    seen: bool


class UploadQueueMixin(StoreBase):
    def bind_account(self, segment_id: str, account: str) -> None:
        """Bind a segment to ``account`` unless it is bound already (the first binding stays)."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE segments SET account = ? WHERE id = ? AND account = ''",
                         (account, segment_id))

    def mark_seen(self, segment_ids: Iterable[str], at: datetime) -> None:
        """Note that the user was shown these segments (the first time counts)."""
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE segments SET seen_at = ? WHERE id = ? AND seen_at IS NULL",
                [(to_epoch(at), segment_id) for segment_id in segment_ids])

    def queued_records(self) -> list[QueuedRecord]:
        """Closed segments still to upload (not deletions, not quarantined), oldest first."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT id, account, closed_at, seen_at FROM segments WHERE closed_at IS NOT "
                "NULL AND sync_state = 'pending' AND delete_pending = 0 ORDER BY closed_at, pk"
            ).fetchall()
        return [QueuedRecord(row[0], row[1], from_epoch(row[2]), row[3] is not None)
                for row in rows]
