"""The sync part of `status` (time at risk before the lock), settings, and the worker thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workdiary.core.clock import FakeClock
from workdiary.store import LocalStore
from workdiary.sync.client import load_sync_settings
from workdiary.sync.outbox import SyncReport
from workdiary.sync.status import format_sync_status, sync_status
from workdiary.sync.worker import SyncWorker
from workdiary.testing.recording import record_segment

SUNDAY_NOON = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # the week locks Monday 12:00 UTC


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "workdiary.sqlite3", FakeClock(SUNDAY_NOON))


def test_unsynced_time_of_a_week_locking_within_a_day_is_a_warning(store: LocalStore) -> None:
    store.set_setting("server_url", "https://diary.example.com")
    store.set_setting("user_email", "fl@example.com")
    record_segment(store, "c1", datetime(2026, 11, 20, 9, 0, tzinfo=UTC), 10)
    now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 11 h before the lock
    status = sync_status(store, now)
    assert status["pending_uploads"] == 1 and status["last_sync_at"] is None
    (warning,) = status["warnings"]
    assert "10 minutes of the week of 2026-11-16" in warning and "11.0 hours" in warning
    lines = format_sync_status(status, now)
    assert "last successful sync: never" in lines and any("warning:" in x for x in lines)


def test_no_warning_when_the_lock_is_far_or_past(store: LocalStore) -> None:
    store.set_setting("server_url", "https://diary.example.com")
    store.set_setting("user_email", "fl@example.com")
    record_segment(store, "c1", datetime(2026, 11, 20, 9, 0, tzinfo=UTC), 10)
    assert sync_status(store, datetime(2026, 11, 21, 9, 0, tzinfo=UTC))["warnings"] == []
    assert sync_status(store, datetime(2026, 11, 23, 13, 0, tzinfo=UTC))["warnings"] == []


def test_not_logged_in_and_expired_are_warnings(store: LocalStore) -> None:
    assert "not logged in" in sync_status(store, SUNDAY_NOON)["warnings"][0]
    store.set_setting("server_url", "https://diary.example.com")
    store.set_setting("user_email", "fl@example.com")
    store.set_setting("auth_state", "expired")
    status = sync_status(store, SUNDAY_NOON)
    assert "login expired" in status["warnings"][0]
    assert "(login expired)" in format_sync_status(status, SUNDAY_NOON)[0]


def test_settings_come_from_code_store_and_environment(store: LocalStore) -> None:
    assert load_sync_settings(store, {}).grace_seconds == 120.0
    store.set_setting("sync_grace_seconds", "30")
    store.set_setting("screenshot_keep_days", "2")
    settings = load_sync_settings(store, {})
    assert (settings.grace_seconds, settings.keep_days) == (30.0, 2.0)
    assert load_sync_settings(store, {"WORKDIARY_SYNC_GRACE_SECONDS": "0"}).grace_seconds == 0
    with pytest.raises(ValueError, match="negative"):
        load_sync_settings(store, {"WORKDIARY_SYNC_GRACE_SECONDS": "-5"})
    with pytest.raises(ValueError, match="number"):
        load_sync_settings(store, {"WORKDIARY_SCREENSHOT_KEEP_DAYS": "soon"})


class CountingOutbox:
    """Stands in for an Outbox: counts passes, fails the first one."""

    def __init__(self) -> None:
        self.stop_event = threading.Event()
        self.passes = 0
        self.threads: set[str] = set()

    def run_once(self) -> SyncReport:
        self.passes += 1
        self.threads.add(threading.current_thread().name)
        if self.passes == 1:
            raise RuntimeError("a bug in one pass")
        return SyncReport()


def test_worker_runs_passes_on_its_own_thread_survives_errors_and_stops() -> None:
    outbox = CountingOutbox()
    reports: list[SyncReport] = []
    done = threading.Event()

    def on_report(report: SyncReport) -> None:
        reports.append(report)
        if len(reports) >= 3:
            done.set()

    worker = SyncWorker(outbox, interval=3600, on_report=on_report)  # type: ignore[arg-type]
    worker.backoff = type(worker.backoff)(base=0.0, cap=0.0)
    worker.interval = 0.0
    worker.start()
    assert done.wait(10)
    worker.stop()
    assert outbox.threads == {"workdiary-sync"}
    assert reports[0].error is not None and "internal error" in reports[0].error
    assert reports[1].ok
    passes = outbox.passes
    assert outbox.stop_event.wait(0.05) and outbox.passes == passes  # stopped for good


def test_wake_starts_a_pass_at_once() -> None:
    outbox = CountingOutbox()
    outbox.passes = 1  # no failure
    seen = threading.Semaphore(0)
    worker = SyncWorker(outbox, interval=3600,  # type: ignore[arg-type]
                        on_report=lambda report: seen.release())
    worker.start()
    assert seen.acquire(timeout=10)  # the first pass runs on start
    worker.wake()
    assert seen.acquire(timeout=10)  # the second only because of wake()
    worker.stop()
