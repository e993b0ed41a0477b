"""One recording process per data directory: an advisory file lock held while tracking.

It tells a second tracker (or the tray app) that someone is recording, tells `status` whether
an open segment is live or left by a crash, and keeps crash recovery away from a live segment.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from workdiary.pidlock import LockHeld, take_pid_lock

LOCK_NAME = "tracker.lock"


class TrackerBusy(Exception):
    """Another process is recording in this data directory."""


class TrackerLock:
    def __init__(self, directory: Path) -> None:
        self.path = directory / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise TrackerBusy naming the process that holds it."""
        try:
            self._handle = take_pid_lock(self.path)
        except LockHeld as held:
            raise TrackerBusy(
                f"another workdiary tracker (pid {held.holder}) is already recording with this "
                f"data folder ({self.path.parent}); stop it (Ctrl-C, or clock out in the app) first"
            ) from None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def held_elsewhere(self) -> bool:
        """True if another process holds the lock right now (checked without taking it)."""
        if self._handle is not None or not self.path.exists():
            return False
        with self.path.open("a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def __enter__(self) -> TrackerLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
