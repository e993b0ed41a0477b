"""Opening the SQLite cache safely: check the file, refuse what we cannot read, migrate.

A file that is not a database, a truncated or damaged one, or one from a newer version is
reported with a ``StoreError`` and never written to: nothing runs that could modify it
before those checks pass.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workdiary.store.errors import StoreError
from workdiary.store.migrations import MIGRATIONS, Migration, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
_WHAT_TO_DO = (
    "It was left untouched. Move it aside (rename it) to start with an empty cache, or "
    "restore it from a backup (workdiary keeps *.bak copies beside it before each migration)."
)


def _unusable(path: Path, what: str) -> StoreError:
    return StoreError(f"the local database {path} {what}. {_WHAT_TO_DO}")


def check_file(path: Path) -> None:
    """Cheap checks of the file header before SQLite touches it (SQLite itself only notices
    some damage when it reads the damaged page)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return  # an empty file is a new database
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise _unusable(path, "is not an SQLite database (corrupt or another kind of file)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    count_is_valid = header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    # With a WAL to replay the main file may lag behind its header; SQLite checks that case.
    if count_is_valid and not wal_pending and page_count * page_size > size:
        raise _unusable(
            path, f"is truncated ({size} bytes on disk, {page_count * page_size} expected)"
        )


def open_connection(
    path: Path, migrations: tuple[Migration, ...] = MIGRATIONS
) -> tuple[sqlite3.Connection, Path | None]:
    """Open, verify and migrate the database; returns the connection and any backup made."""
    check_file(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    except sqlite3.Error as exc:
        raise StoreError(
            f"cannot open the local database {path}: {exc}. Check that the folder exists "
            f"and is writable."
        ) from exc
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise _unusable(path, f"is damaged (SQLite quick_check: {result})")
        conn.execute("PRAGMA busy_timeout = 10000")
        backup = migrate(conn, path, migrations)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: SQLite refused WAL mode ({mode}); is the folder on NFS?")
        # FULL: each minute's commit is on disk before we go on (one fsync a minute).
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _unusable(path, f"cannot be read ({exc})") from exc
    except StoreError:
        conn.close()
        raise
    return conn, backup


class Database:
    """One connection shared by threads under a lock, so writes never overlap."""

    def __init__(self, path: Path, migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.conn, self.backup = open_connection(path, migrations)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, committed on success, rolled back on any error."""
        with self.lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._write_error(exc) from exc
            try:
                yield self.conn
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise self._write_error(exc) from exc
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise self._write_error(exc) from exc

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            try:
                yield self.conn
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"reading {self.path} failed: {exc}") from exc

    def _write_error(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(
            f"writing to the local database {self.path} failed: {exc}. Check free disk space "
            f"and that no other program locks the file."
        )

    def close(self) -> None:
        with self.lock:
            self.conn.close()
