"""Reading segments back: by id, by time range, the one being recorded."""

from __future__ import annotations

from datetime import datetime

from workdiary.core.model import Segment
from workdiary.store.base import StoreBase
from workdiary.store.codec import to_epoch


class QueriesMixin(StoreBase):
    def segment(self, segment_id: str) -> Segment | None:
        with self._db.reading() as conn:
            found = self._select_segments(conn, "id = ?", (segment_id,))
        return found[0] if found else None

    def segments_between(
        self, start: datetime, end: datetime, contract_id: str | None = None
    ) -> list[Segment]:
        """Segments overlapping [start, end), tombstones and the open one included, by start."""
        where = "start_at < ? AND end_at > ?"
        params: list[object] = [to_epoch(end), to_epoch(start)]
        if contract_id is not None:
            where += " AND contract_id = ?"
            params.append(contract_id)
        with self._db.reading() as conn:
            return self._select_segments(conn, where + " ORDER BY start_at, pk", params)

    def open_segment(self) -> Segment | None:
        """The segment being recorded (or left open by a crash), if any."""
        with self._db.reading() as conn:
            found = self._select_segments(
                conn, "closed_at IS NULL ORDER BY start_at DESC, pk DESC LIMIT 1", ()
            )
        return found[0] if found else None

    def is_closed(self, segment_id: str) -> bool:
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT closed_at FROM segments WHERE id = ?", (segment_id,)
            ).fetchone()
        return row is not None and row[0] is not None
