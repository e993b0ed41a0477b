"""A full disk stops tracking cleanly with a clear message and keeps what was recorded."""

from __future__ import annotations

import errno
import sqlite3
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workdiary.cli.tracking import FullDiskStopper
from workdiary.desktop.loop import TrackerLoop
from workdiary.store.diskguard import DiskGuard, DiskLimits, is_disk_full
from workdiary.tracker.console import EventPrinter
from workdiary.tracker.events import MinuteRecorded, RecordingFailed


def test_sqlite_and_os_full_disk_errors_are_recognised() -> None:
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(None)


def test_a_full_disk_during_tracking_stops_the_runner(
    rig: Any, make_contract: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop = threading.Event()
    stopper = FullDiskStopper(EventPrinter(ZoneInfo("UTC")), tmp_path, stop)
    rig.tracker._worker.on_event = lambda event: (rig.events.append(event), stopper(event))
    rig.tracker.clock_in(make_contract(segment_minutes=10))
    rig.run(150, input_every=5)  # two whole minutes recorded
    rig.tracker.flush()
    kept = [e for e in rig.events if isinstance(e, MinuteRecorded)]
    assert kept and not stop.is_set()

    real_add_minute = rig.store.add_minute

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    rig.store.add_minute = disk_full
    TrackerLoop(rig.tracker, rig.clock).run(stop, duration=600)  # ends when the stopper fires
    rig.tracker.flush()
    assert stop.is_set()
    failures = [e for e in rig.events if isinstance(e, RecordingFailed)]
    assert failures and isinstance(failures[0].error, OSError)
    err = capsys.readouterr().err
    assert "tracking stopped: the disk holding" in err and "is full" in err
    assert "minutes recorded before this are kept" in err

    rig.store.add_minute = real_add_minute
    rig.tracker.clock_out()
    segment = rig.store.segment(kept[0].segment_id)
    assert segment is not None and len(segment.minutes) >= len(kept)


def test_the_guard_refuses_to_clock_in_on_a_nearly_full_disk(tmp_path: Path) -> None:
    guard = DiskGuard(tmp_path, DiskLimits(min_free_bytes=1 << 62))
    problem = guard.check()
    assert problem is not None and "Free some space" in problem
