"""Bounds on the queue on disk: stop tracking cleanly before the disk (or our share of it) fills.

The tracker's composition root calls ``DiskGuard.check()`` before it clocks in, starts
``watch_disk`` (a thread that checks once a minute) and calls ``message_for_write_error`` when a
write fails; a message means: clock out, show/print it, record nothing further. Nothing already
recorded is touched. Wiring, e.g. in `track`:

    guard = DiskGuard(data_dir())
    if (problem := guard.check()) is not None: raise CommandError(problem)
    watch_disk(guard, stop, on_problem=print)   # sets ``stop`` after reporting the problem
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class DiskLimits:
    min_free_bytes: int = 200 * MIB  # leave room for the system and the SQLite journal
    max_screenshot_bytes: int = 2048 * MIB  # screenshots waiting for upload or purge


class DiskGuard:
    """Checks free space on the data dir's disk and the size of the screenshot queue."""

    def __init__(self, data_dir: Path, limits: DiskLimits | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.limits = limits or DiskLimits()

    def screenshot_bytes(self) -> int:
        """Bytes of screenshot files kept locally (not yet uploaded, or not yet purged)."""
        total = 0
        for root, _dirs, files in os.walk(self.data_dir / "screenshots"):
            for name in files:
                try:
                    total += os.stat(os.path.join(root, name)).st_size
                except FileNotFoundError:
                    continue  # purged meanwhile
        return total

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.data_dir).free

    def check(self) -> str | None:
        """None when tracking may go on, else the sentence to show when stopping."""
        free = self.free_bytes()
        if free < self.limits.min_free_bytes:
            return (
                f"tracking stopped: only {free // MIB} MB free on the disk holding {self.data_dir} "
                f"(at least {self.limits.min_free_bytes // MIB} MB needed). Free some space, then "
                "clock in again; everything recorded so far is kept."
            )
        queued = self.screenshot_bytes()
        if queued > self.limits.max_screenshot_bytes:
            return (
                f"tracking stopped: {queued // MIB} MB of screenshots are waiting for upload "
                f"(limit {self.limits.max_screenshot_bytes // MIB} MB). Connect to the server "
                "and run `workdiary sync`, then clock in again; nothing recorded is lost."
            )
        return None


def is_disk_full(exc: BaseException | None) -> bool:
    """True for the write errors that mean the disk (or quota) is full.

    SQLite reports a full disk as its own error (SQLITE_FULL), not as an OSError; the store
    wraps it in a StoreError, so the errors it was raised from count too.
    """
    for _ in range(10):
        if exc is None:
            return False
        if isinstance(exc, sqlite3.Error) and (
                getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                or "disk is full" in str(exc)):
            return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def message_for_write_error(exc: BaseException | None, data_dir: Path) -> str | None:
    """The sentence to stop tracking with when a write failed because the disk is full."""
    if exc is None or not is_disk_full(exc):
        return None
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return (
        f"tracking stopped: the disk holding {data_dir} is full ({reason}). Free "
        "some space, then clock in again; the minutes recorded before this are kept."
    )


def watch_disk(guard: DiskGuard, stop: threading.Event, on_problem: Callable[[str], None],
               every: float = 60.0) -> threading.Thread:
    """Check every ``every`` seconds until ``stop``; on a problem report it and set ``stop``."""

    def run() -> None:
        while not stop.wait(every):
            problem = guard.check()
            if problem is not None:
                on_problem(problem)
                stop.set()

    thread = threading.Thread(target=run, name="workdiary-diskguard", daemon=True)
    thread.start()
    return thread
