"""What the store's parts share: the database, the screenshot files, the clock, row loading."""

from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from workdiary.core.clock import Clock
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment
from workdiary.store.codec import (
    MINUTE_COLUMNS,
    SCREENSHOT_COLUMNS,
    SEGMENT_COLUMNS,
    minute_from_row,
    screenshot_from_row,
    segment_from_row,
)
from workdiary.store.connection import Database
from workdiary.store.errors import StoreError
from workdiary.store.files import ScreenshotFiles


class StoreBase:
    _db: Database
    _files: ScreenshotFiles
    _clock: Clock

    @staticmethod
    def _device_id_in(conn: sqlite3.Connection) -> str:
        """This device's id, created (uuid4 hex) and stored on first use, inside ``conn``'s
        transaction when there is one."""
        row = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
        if row is not None:
            return str(row[0])
        device = uuid.uuid4().hex
        conn.execute("INSERT INTO settings (key, value) VALUES ('device_id', ?)", (device,))
        return device

    @staticmethod
    def _sha_in_use(conn: sqlite3.Connection, sha: str) -> bool:
        return conn.execute(
            "SELECT 1 FROM screenshots WHERE sha256 = ? LIMIT 1", (sha,)
        ).fetchone() is not None

    def _pk(self, conn: sqlite3.Connection, segment_id: str) -> int:
        row = conn.execute("SELECT pk FROM segments WHERE id = ?", (segment_id,)).fetchone()
        if row is None:
            raise StoreError(f"no segment {segment_id} in the local cache")
        return int(row[0])

    def _select_segments(
        self, conn: sqlite3.Connection, where: str, params: Sequence[object]
    ) -> list[Segment]:
        rows = conn.execute(f"SELECT {SEGMENT_COLUMNS} FROM segments WHERE {where}", params)
        return self._load(conn, rows.fetchall())

    def _load(self, conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[Segment]:
        """Attach minutes and screenshots to segment rows with two queries in all."""
        if not rows:
            return []
        pks = [int(row[0]) for row in rows]
        minutes: dict[int, list[MinuteRecord]] = defaultdict(list)
        shots: dict[int, list[ScreenshotRef]] = defaultdict(list)
        for chunk_start in range(0, len(pks), 500):
            chunk = pks[chunk_start:chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(
                f"SELECT segment, {MINUTE_COLUMNS} FROM minutes WHERE segment IN ({marks}) "
                f"ORDER BY segment, at", chunk,
            ):
                minutes[row[0]].append(minute_from_row(row[1:]))
            for row in conn.execute(
                f"SELECT segment, {SCREENSHOT_COLUMNS} FROM screenshots "
                f"WHERE segment IN ({marks}) ORDER BY segment, taken_at, rowid", chunk,
            ):
                shots[row[0]].append(screenshot_from_row(row[1:]))
        return [
            segment_from_row(row, tuple(minutes[pk]), tuple(shots[pk]))
            for row, pk in zip(rows, pks, strict=True)
        ]
