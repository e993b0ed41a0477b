"""`workdiary track | diary | status | delete` as subprocesses (no display: time only)."""

from __future__ import annotations

import json
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from workdiary.config import database_path
from workdiary.core.model import MinuteRecord, SegmentKind
from workdiary.store import LocalStore

from .conftest import CLI, cli_env


def test_unknown_contract_points_at_login(run_cli: Any, seeded: Path) -> None:
    result = run_cli("track", "nope", "--duration", "1")
    assert result.returncode == 1
    assert "contract nope is not in the local cache" in result.stderr
    assert "workdiary login" in result.stderr


def test_track_without_display_keeps_time_and_says_so(run_cli: Any, seeded: Path) -> None:
    result = run_cli("track", "c-1", "--duration", "2", "--memo", "spec review")
    assert result.returncode == 0, result.stderr
    assert "No X display" in result.stderr and "capture_failed" in result.stderr
    assert "clocked in on" in result.stdout
    assert "minute " in result.stdout and " closed: " in result.stdout
    with LocalStore(database_path(seeded)) as store:
        assert store.open_segment() is None
        segments = store.segments_between(
            datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1)
        )
        assert len(segments) >= 1
        assert segments[0].memo == "spec review" and segments[0].seq == 1
        assert 2 <= sum(s.tracked_seconds for s in segments) <= 5  # a loaded CI may lag


def test_sigterm_clocks_out_cleanly_and_lock_refuses_a_second_tracker(
    run_cli: Any, seeded: Path
) -> None:
    proc = subprocess.Popen(
        [*CLI, "track", "c-1"], env=cli_env(seeded), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "clocked in on" in first
        second = run_cli("track", "c-1", "--duration", "1")
        assert second.returncode == 1 and "already recording" in second.stderr
        status = json.loads(run_cli("status", "--json").stdout)
        assert status["clocked_in"] is True and status["interrupted"] is False
        assert status["contract_id"] == "c-1"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert " closed: " in out and "clocked out" in out
    with LocalStore(database_path(seeded)) as store:
        assert store.open_segment() is None
    status = json.loads(run_cli("status", "--json").stdout)
    assert status["clocked_in"] is False and status["interrupted"] is False


def _seed_segment(data: Path, segment_id: str, start: datetime, minutes: int,
                  close: bool = True) -> None:
    with LocalStore(database_path(data)) as store:
        store.start_segment(segment_id, "c-1", start, start + timedelta(minutes=10), "memo")
        for index in range(minutes):
            store.add_minute(segment_id, MinuteRecord(
                at=start + timedelta(minutes=index), keys=5 if index % 2 else 0,
                active_seconds=3 if index % 2 else 0,
            ))
        if close:
            store.close_segment(segment_id, start + timedelta(minutes=minutes))


def test_diary_json_and_text(run_cli: Any, seeded: Path, make_contract: Any) -> None:
    start = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    _seed_segment(seeded, "s1", start, 10)
    _seed_segment(seeded, "s2", start + timedelta(minutes=10), 4)
    result = run_cli("diary", "--date", "2026-03-04", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["date"] == "2026-03-04" and data["tz"] == "Europe/Berlin"
    first = data["segments"][0]
    for key in ("id", "contract_id", "start", "end", "kind", "status", "billable_minutes",
                "reasons", "memo", "redacted", "minutes", "screenshots", "sync"):
        assert key in first
    assert first["start"] == "2026-03-04T09:00:00Z" and first["billable_minutes"] == 10
    assert set(first["minutes"][1]) >= {"at", "keys", "clicks", "scrolls", "moves",
                                        "active_seconds", "idle"}
    assert first["sync"]["state"] == "pending" and first["sync"]["seq"] == 1
    assert data["totals"]["tracked_minutes"] == 14 and data["totals"]["segments"] == 2

    text = run_cli("diary", "--date", "2026-03-04").stdout
    assert "Europe/Berlin" in text and "10:00-10:10" in text and "0 h 14 min" in text
    with LocalStore(database_path(seeded)) as store:
        store.replace_contracts([*store.contracts(), make_contract("other")])
    other = run_cli("diary", "--date", "2026-03-04", "--contract", "other", "--json")
    assert other.returncode == 0 and json.loads(other.stdout)["segments"] == []
    unknown = run_cli("diary", "--date", "2026-03-04", "--contract", "nope", "--json")
    assert unknown.returncode == 1 and "unknown contract 'nope'" in unknown.stderr


def test_diary_marks_the_utc_week_boundary(run_cli: Any, seeded: Path) -> None:
    _seed_segment(seeded, "sun", datetime(2026, 3, 8, 23, 30, tzinfo=UTC), 5)
    _seed_segment(seeded, "mon", datetime(2026, 3, 9, 1, 0, tzinfo=UTC), 5)
    data = json.loads(run_cli("diary", "--date", "2026-03-09", "--json").stdout)
    assert data["week_boundary"] == "2026-03-09T00:00:00Z"
    text = [line for line in run_cli("diary", "--date", "2026-03-09").stdout.splitlines()
            if not line.lstrip().startswith("pre-check:")]
    marker = next(i for i, line in enumerate(text) if "UTC week boundary" in line)
    assert "01:00 local" in text[marker]
    assert "00:30-00:35" in text[marker - 1] and "02:00-02:05" in text[marker + 1]


def test_delete_leaves_a_tombstone_and_refuses_locked_weeks(run_cli: Any, seeded: Path) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    _seed_segment(seeded, "recent", now - timedelta(minutes=30), 3)
    _seed_segment(seeded, "old", datetime(2025, 1, 6, 9, 0, tzinfo=UTC), 3)
    result = run_cli("delete", "recent")
    assert result.returncode == 0, result.stderr
    assert "tombstone" in result.stdout
    with LocalStore(database_path(seeded)) as store:
        tomb = store.segment("recent")
        assert tomb is not None and tomb.kind is SegmentKind.TOMBSTONE and tomb.seq == 1
    refused = run_cli("delete", "old")
    assert refused.returncode == 1 and "locked" in refused.stderr
    missing = run_cli("delete", "nothing")
    assert missing.returncode == 1 and "no segment nothing" in missing.stderr


def test_track_reports_recovery_after_a_crash(run_cli: Any, seeded: Path) -> None:
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    _seed_segment(seeded, "crashed", start, 3, close=False)
    status = json.loads(run_cli("status", "--json").stdout)
    assert status["interrupted"] is True and status["clocked_in"] is False
    result = run_cli("track", "c-1", "--duration", "1")
    assert result.returncode == 0, result.stderr
    assert "recovered:" in result.stdout and "180 s kept" in result.stdout
    with LocalStore(database_path(seeded)) as store:
        crashed = store.segment("crashed")
        assert crashed is not None and crashed.end == start + timedelta(minutes=3)


def test_status_counts_today_and_week(run_cli: Any, seeded: Path) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    _seed_segment(seeded, "s1", now - timedelta(minutes=8), 4)
    data = json.loads(run_cli("status", "--json").stdout)
    assert data["week_minutes"] == 4 and data["pending_uploads"] == 1
    assert data["clocked_in"] is False and data["last_sync_at"] is None
    text = run_cli("status").stdout
    assert "clocked out" in text and "pending uploads: 1" in text


def test_corrupt_database_is_a_clear_error(run_cli: Any, data_dir: Path) -> None:
    database_path(data_dir).write_bytes(b"this is not a database" * 100)
    result = run_cli("diary")
    assert result.returncode == 1
    assert "not an SQLite database" in result.stderr and "untouched" in result.stderr
    assert "Traceback" not in result.stderr


def test_status_diary_and_tray_agree_on_a_session_with_partial_minutes(
    run_cli: Any, seeded: Path
) -> None:
    """One rule for billed time (docs/design.md, "Billed time"): a segment bills its seconds, a
    total sums them, minutes are floor(total / 60). A session of 1-minute segments clocked in
    at :20 and out at :50: 40 s + 60 s + 50 s = 150 s."""
    from zoneinfo import ZoneInfo

    from workdiary.desktop.summary import compute_summary

    berlin = ZoneInfo("Europe/Berlin")
    midnight = datetime.now(berlin).replace(hour=0, minute=0, second=0, microsecond=0)
    start = (midnight + timedelta(hours=2)).astimezone(UTC)
    with LocalStore(database_path(seeded)) as store:
        for index, (first, seconds) in enumerate([(20, 40), (0, 60), (0, 50)]):
            at = start + timedelta(minutes=index)
            begin = at + timedelta(seconds=first)
            store.start_segment(f"p{index}", "c-1", begin, at + timedelta(minutes=1))
            store.add_minute(f"p{index}", MinuteRecord(at=at, seconds=seconds, keys=1))
            store.close_segment(f"p{index}", begin + timedelta(seconds=seconds))
        tray = compute_summary(store, datetime.now(UTC), berlin, None, None)
    day = json.loads(run_cli("diary", "--json").stdout)
    status = json.loads(run_cli("status", "--json").stdout)
    assert [s["tracked_seconds"] for s in day["segments"]] == [40, 60, 50]
    assert day["totals"]["tracked_seconds"] == status["today_seconds"] == 150
    assert tray.today_seconds == 150
    assert day["totals"]["tracked_minutes"] == status["today_minutes"] == 2
    assert "Total: 0 h 02 min 30 s tracked" in run_cli("diary").stdout
    assert "today (Europe/Berlin): 0 h 02 min 30 s" in run_cli("status").stdout
