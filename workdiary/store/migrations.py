"""Versioned schema migrations, applied in order and tracked in ``PRAGMA user_version``.

Times are epoch seconds (integers) and every minute is one row of integers, so a 40-hour
week stays well under half a megabyte. Append new migrations; never edit a released one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from workdiary.store.errors import StoreError


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    sql: str


SCHEMA_V1 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE contracts (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL  -- Contract.to_dict() as JSON: a handful of rows, refreshed on login/sync
) WITHOUT ROWID;

CREATE TABLE segments (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    contract_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,       -- planned grid end while open, the real end once closed
    memo TEXT NOT NULL DEFAULT '',
    redacted INTEGER NOT NULL DEFAULT 0,
    device_id TEXT NOT NULL DEFAULT '',
    seq INTEGER,                   -- NULL while open: assigned on close
    prev_hash TEXT NOT NULL DEFAULT '',
    signature TEXT NOT NULL DEFAULT '',
    closed_at INTEGER,             -- NULL while the segment is being recorded
    sync_state TEXT NOT NULL DEFAULT 'pending',
    server_status TEXT,
    server_reasons TEXT,           -- JSON list
    billable_minutes INTEGER,
    quarantine_reason TEXT,
    last_error TEXT,
    uploaded_at INTEGER,
    uploaded INTEGER NOT NULL DEFAULT 0,
    delete_pending INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX segments_chain ON segments (device_id, seq) WHERE seq IS NOT NULL;
CREATE INDEX segments_start ON segments (start_at);

CREATE TABLE minutes (
    segment INTEGER NOT NULL REFERENCES segments (pk) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    seconds INTEGER NOT NULL,
    keys INTEGER NOT NULL,
    clicks INTEGER NOT NULL,
    scrolls INTEGER NOT NULL,
    moves INTEGER NOT NULL,
    active_seconds INTEGER NOT NULL,
    idle INTEGER NOT NULL,
    PRIMARY KEY (segment, at)
) WITHOUT ROWID;

CREATE TABLE screenshots (
    segment INTEGER NOT NULL REFERENCES segments (pk) ON DELETE CASCADE,
    taken_at INTEGER NOT NULL,
    sha256 TEXT,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    thumb_sha256 TEXT,
    error TEXT,
    app TEXT,
    window_title TEXT,
    blurred INTEGER NOT NULL DEFAULT 0,
    redacted INTEGER NOT NULL DEFAULT 0,
    uploaded_at INTEGER,
    purged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX screenshots_segment ON screenshots (segment);
CREATE INDEX screenshots_sha ON screenshots (sha256) WHERE sha256 IS NOT NULL;
"""

# Where a minute's activity came from: 0 counts (every minute before v2), 1 idle monitor.
ACTIVITY_SOURCE_V2 = """
ALTER TABLE minutes ADD COLUMN source INTEGER NOT NULL DEFAULT 0;
"""

# Who a waiting record belongs to, and whether the user has seen it (docs/design.md, "Uploads
# wait for their account" and "Seen segments"). '' = not bound yet: recorded before this
# version or while logged out; the first account that signs it for upload takes it.
ACCOUNTS_AND_SEEN_V3 = """
ALTER TABLE segments ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE segments ADD COLUMN seen_at INTEGER;
"""

# Memo edits after upload (docs/design.md, "Memo"): the memo waiting to be sent as a re-signed
# record (NULL: none), and whether the server took an edit (the diaries say "edited").
MEMO_EDITS_V4 = """
ALTER TABLE segments ADD COLUMN memo_edit TEXT;
ALTER TABLE segments ADD COLUMN memo_edited INTEGER NOT NULL DEFAULT 0;
"""

# Billing by the second (docs/design.md, "Billed time"): the server's verdict in seconds. A
# verdict stored in whole minutes before this version is exactly that many minutes of seconds;
# the old column stays for the backup's sake and is no longer written.
BILLABLE_SECONDS_V5 = """
ALTER TABLE segments ADD COLUMN billable_seconds INTEGER;
UPDATE segments SET billable_seconds = billable_minutes * 60 WHERE billable_minutes IS NOT NULL;
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", SCHEMA_V1),
    Migration(2, "activity source per minute", ACTIVITY_SOURCE_V2),
    Migration(3, "segments remember their account and when the user saw them",
              ACCOUNTS_AND_SEEN_V3),
    Migration(4, "memo edits of uploaded segments", MEMO_EDITS_V4),
    Migration(5, "the server's verdict in billable seconds", BILLABLE_SECONDS_V5),
)


def latest_version(migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else 0


def backup_before_migrating(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the database (consistently, through SQLite's backup API) before changing its schema."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.v{version}.{stamp}.bak")
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    return target


def migrate(
    conn: sqlite3.Connection, path: Path, migrations: tuple[Migration, ...] = MIGRATIONS
) -> Path | None:
    """Bring the schema to the latest version; returns the backup made, if any.

    A database from a newer workdiary is refused (never downgraded). Each migration runs in
    its own transaction together with the version bump, so a crash leaves a consistent version.
    """
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    target = latest_version(migrations)
    if current > target:
        raise StoreError(
            f"{path} was written by a newer workdiary (schema version {current}; this version "
            f"understands up to {target}). It was left untouched: upgrade workdiary, or point "
            f"WORKDIARY_DATA_DIR at another folder."
        )
    if current == target:
        return None
    backup = backup_before_migrating(conn, path, current) if current > 0 else None
    for migration in migrations:
        if migration.version <= current:
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            where = f" A backup of the previous version is at {backup}." if backup else ""
            raise StoreError(
                f"could not migrate {path} to schema version {migration.version} "
                f"({migration.description}): {exc}.{where}"
            ) from exc
    return backup


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
