"""The app stops recording cleanly, and says why, when the disk is (nearly) full."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from workdiary.store.diskguard import DiskGuard, DiskLimits
from workdiary.tracker.events import MinuteRecorded, RecordingFailed

from .conftest import Rig


def test_clock_in_is_refused_on_a_nearly_full_disk(rig: Rig, qtbot: Any, tmp_path: Path) -> None:
    rig.session.disk_guard = DiskGuard(tmp_path, DiskLimits(min_free_bytes=1 << 62))
    notices: list[str] = []
    rig.session.notice.connect(notices.append)
    rig.session.clock_in(rig.store.contracts()[0], "memo")
    qtbot.waitUntil(lambda: bool(notices))
    assert not rig.session.clocked_in and not rig.session.busy
    assert notices[0].startswith("Tracking stopped: only") and "Free some space" in notices[0]
    assert rig.session.problem is not None


def test_a_full_disk_while_tracking_clocks_out_and_keeps_the_minutes(
    rig: Rig, qtbot: Any, tmp_path: Path
) -> None:
    rig.session.disk_guard = DiskGuard(tmp_path)
    notices: list[str] = []
    rig.session.notice.connect(notices.append)
    rig.session.clock_in(rig.store.contracts()[0], "memo")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(130, input_every=5)
    recorded = rig.of(MinuteRecorded)
    assert recorded

    rig.session.post_event(RecordingFailed("OSError: disk full",
                                           OSError(errno.ENOSPC, "No space left on device")))
    qtbot.waitUntil(lambda: not rig.session.clocked_in and not rig.session.busy)
    assert any("is full" in notice and "are kept" in notice for notice in notices)
    kept = rig.store.segment(recorded[0].segment_id)
    assert kept is not None and kept.minutes
