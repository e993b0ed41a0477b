"""The disk guard stops tracking before the disk or the screenshot queue is full."""

from __future__ import annotations

import errno
import threading
from pathlib import Path

import pytest

from workdiary.store.diskguard import (
    DiskGuard,
    DiskLimits,
    is_disk_full,
    message_for_write_error,
    watch_disk,
)


def write_shots(data_dir: Path, count: int, size: int) -> None:
    folder = data_dir / "screenshots" / "ab"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"{n:064x}.jpg").write_bytes(b"x" * size)


def test_within_limits_tracking_goes_on(tmp_path: Path) -> None:
    write_shots(tmp_path, 3, 1000)
    guard = DiskGuard(tmp_path, DiskLimits(min_free_bytes=1, max_screenshot_bytes=10_000))
    assert guard.screenshot_bytes() == 3000
    assert guard.check() is None


def test_a_full_screenshot_queue_stops_tracking(tmp_path: Path) -> None:
    write_shots(tmp_path, 5, 1000)
    guard = DiskGuard(tmp_path, DiskLimits(min_free_bytes=1, max_screenshot_bytes=4000))
    message = guard.check()
    assert message is not None and "workdiary sync" in message


def test_low_free_space_stops_tracking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    guard = DiskGuard(tmp_path, DiskLimits(min_free_bytes=500 * 1024 * 1024))
    monkeypatch.setattr(guard, "free_bytes", lambda: 10 * 1024 * 1024)
    message = guard.check()
    assert message is not None and "10 MB free" in message


def test_enospc_is_recognised(tmp_path: Path) -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    assert is_disk_full(full)
    assert not is_disk_full(OSError(errno.EACCES, "denied"))
    message = message_for_write_error(full, tmp_path)
    assert message is not None and "full" in message
    assert message_for_write_error(ValueError("x"), tmp_path) is None


def test_watch_disk_reports_and_stops(tmp_path: Path) -> None:
    write_shots(tmp_path, 2, 1000)
    guard = DiskGuard(tmp_path, DiskLimits(min_free_bytes=1, max_screenshot_bytes=1500))
    stop = threading.Event()
    problems: list[str] = []
    watch_disk(guard, stop, problems.append, every=0.01).join(10)
    assert stop.is_set() and len(problems) == 1 and "waiting for upload" in problems[0]
