"""Opening the cache: fresh file, migrations with backup, corrupt and newer files refused."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from workdiary.store import LocalStore, StoreError
from workdiary.store.migrations import MIGRATIONS, Migration, latest_version


def _fresh(path: Path) -> None:
    LocalStore(path).close()


def test_fresh_database_is_wal_at_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "workdiary.sqlite3"
    store = LocalStore(path)
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_migration_backs_up_first(tmp_path: Path) -> None:
    path = tmp_path / "workdiary.sqlite3"
    store = LocalStore(path)
    store.set_setting("server_url", "https://example.test")
    store.close()
    extra = (*MIGRATIONS, Migration(99, "test column", "ALTER TABLE settings ADD COLUMN x INT;"))

    store = LocalStore(path, migrations=extra)
    assert store.get_setting("server_url") == "https://example.test"
    backup = store.migration_backup
    store.close()

    assert backup is not None and backup.exists()
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert copy.execute("SELECT value FROM settings").fetchone()[0] == "https://example.test"
    copy.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    conn.close()


def test_failed_migration_rolls_back_and_names_backup(tmp_path: Path) -> None:
    path = tmp_path / "workdiary.sqlite3"
    _fresh(path)
    after = latest_version() + 1
    broken = (*MIGRATIONS, Migration(after, "broken", "ALTER TABLE nowhere ADD COLUMN x INT;"))
    with pytest.raises(StoreError, match=rf"could not migrate .* version {after}.*backup"):
        LocalStore(path, migrations=broken)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    conn.close()


def test_newer_schema_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workdiary.sqlite3"
    _fresh(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1000")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"newer workdiary.*1000.*untouched"):
        LocalStore(path)
    assert path.read_bytes() == before


def test_random_bytes_are_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workdiary.sqlite3"
    path.write_bytes(os.urandom(8192))
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        LocalStore(path)
    message = str(info.value)
    assert str(path) in message and "not an SQLite database" in message
    assert "untouched" in message and "Move it aside" in message
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()


def _filled(path: Path) -> None:
    store = LocalStore(path)
    for index in range(3000):
        store.set_setting(f"key-{index}", "x" * 200)
    store.close()  # checkpoints the WAL into the main file
    assert not path.with_name(path.name + "-wal").exists() or (
        path.with_name(path.name + "-wal").stat().st_size == 0
    )


def test_truncated_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workdiary.sqlite3"
    _filled(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = path.read_bytes()
    with pytest.raises(StoreError, match="truncated"):
        LocalStore(path)
    assert path.read_bytes() == before


def test_damaged_page_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workdiary.sqlite3"
    _filled(path)
    data = bytearray(path.read_bytes())
    # Keep the header, scribble over the b-tree pages behind it.
    data[4096:4096 * 6] = os.urandom(4096 * 5)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StoreError, match=str(path).replace("\\", "\\\\")):
        LocalStore(path)
    assert path.read_bytes() == before


def test_integrity_check_of_a_healthy_store(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "workdiary.sqlite3") as store:
        assert store.integrity_check() == "ok"


def test_minutes_recorded_before_activity_sources_read_as_counts(tmp_path: Path) -> None:
    from workdiary.core.model import ActivitySource

    path = tmp_path / "workdiary.sqlite3"
    LocalStore(path, migrations=MIGRATIONS[:1]).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO segments (pk, id, contract_id, kind, start_at, end_at) "
                 "VALUES (1, 's1', 'c-1', 'tracked', 1772614800, 1772615400)")
    conn.execute("INSERT INTO minutes VALUES (1, 1772614800, 60, 5, 1, 0, 2, 9, 0)")
    conn.commit()
    conn.close()
    store = LocalStore(path)
    segment = store.open_segment()
    store.close()
    assert segment is not None
    assert [(m.keys, m.source) for m in segment.minutes] == [(5, ActivitySource.COUNTS)]


def test_data_from_before_accounts_is_kept_unbound_and_unseen(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from workdiary.core.model import MinuteRecord

    path = tmp_path / "workdiary.sqlite3"
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    # Version 2 (before segments remembered their account): what this code writes still fits.
    with LocalStore(path, migrations=MIGRATIONS[:2]) as old:
        old.start_segment("s-1", "c-1", start, start + timedelta(minutes=10))
        old.add_minute("s-1", MinuteRecord(at=start, keys=1))
        old.close_segment("s-1", start + timedelta(minutes=1))
    with LocalStore(path) as store:
        assert store.migration_backup is not None
        (record,) = store.queued_records()
        assert (record.segment_id, record.account, record.seen) == ("s-1", "", False)


@pytest.mark.parametrize("old_version", [3, 4])
def test_verdicts_stored_in_minutes_become_seconds(tmp_path: Path, old_version: int) -> None:
    # A cache written before billing by the second holds whole minutes: schema 3 (before memo
    # edits too) migrates through both 4 (memo edits) and 5 (seconds); schema 4 through 5.
    path = tmp_path / "workdiary.sqlite3"
    LocalStore(path, migrations=MIGRATIONS[:old_version]).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO segments (id, contract_id, kind, start_at, end_at, closed_at, "
                 "sync_state, server_status, billable_minutes, uploaded) VALUES "
                 "('s1', 'c1', 'tracked', 0, 600, 600, 'uploaded', 'protected', 7, 1), "
                 "('s2', 'c1', 'tracked', 600, 1200, 1200, 'pending', NULL, NULL, 0)")
    conn.commit()
    conn.close()
    store = LocalStore(path)
    try:
        assert store.migration_backup is not None
        s1, s2 = store.sync_info("s1"), store.sync_info("s2")
        assert s1.billable_seconds == 420
        assert s2.billable_seconds is None  # not judged yet
        assert (s1.memo_edit, s1.memo_edited) == (None, False)
        # Both migrations' columns work together: a memo edit's verdict is kept in seconds.
        store.memo_edit_accepted("s1", "new memo", "sig", "protected", 415, [])
        s1 = store.sync_info("s1")
        assert (s1.billable_seconds, s1.memo_edited, s1.memo_edit) == (415, True, None)
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version() == 5
    conn.close()
