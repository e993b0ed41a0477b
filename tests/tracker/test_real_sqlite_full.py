"""Finding 10 / test gap: a real SQLITE_FULL (PRAGMA max_page_count) on the desktop's database
stops tracking cleanly with the full-disk message and keeps what was recorded."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workdiary.cli.tracking import FullDiskStopper
from workdiary.desktop.loop import TrackerLoop
from workdiary.tracker.console import EventPrinter
from workdiary.tracker.events import MinuteRecorded, RecordingFailed


def test_a_real_sqlite_full_stops_tracking_and_keeps_the_minutes(
        rig: Any, make_contract: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    stopper = FullDiskStopper(EventPrinter(ZoneInfo("UTC")), tmp_path, stop)
    rig.tracker._worker.on_event = lambda event: (rig.events.append(event), stopper(event))
    rig.tracker.clock_in(make_contract(segment_minutes=10))
    rig.run(150, input_every=5)
    rig.tracker.flush()
    kept = [e.segment_id for e in rig.events if isinstance(e, MinuteRecorded)]
    assert kept
    # The store's own connection may not grow the file by a single page from here on: the
    # next write that needs a page fails with SQLite's real SQLITE_FULL.
    conn = rig.store._db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    TrackerLoop(rig.tracker, rig.clock).run(stop, duration=4 * 3600)
    rig.tracker.flush()
    assert stop.is_set(), "a full database must stop tracking"
    failures = [e for e in rig.events if isinstance(e, RecordingFailed)]
    assert failures
    err = capsys.readouterr().err
    assert "tracking stopped: the disk holding" in err and "is full" in err
    conn.execute("PRAGMA max_page_count = 1073741823")
    rig.tracker.clock_out()
    segment = rig.store.segment(kept[0])
    assert segment is not None and len(segment.minutes) >= 2
    assert rig.store.integrity_check() == "ok"
