"""The session's small vocabulary: tray states and the two outside objects it controls."""

from __future__ import annotations

import enum
from typing import Protocol


class TrayState(enum.StrEnum):
    IDLE = "idle"  # clocked out
    TRACKING = "tracking"
    PAUSED = "paused"  # clocked in, but idle: no input for the policy's idle minutes
    OFFLINE = "offline"  # not logged in or the server is unreachable
    ERROR = "error"  # something needs the user


class Lock(Protocol):
    """``workdiary.tracker.lock.TrackerLock``: one recorder per data folder."""

    def acquire(self) -> None: ...
    def release(self) -> None: ...


class SyncControl(Protocol):
    """``workdiary.sync.worker.SyncWorker``."""

    def wake(self, *, refresh: bool = False) -> None: ...
    def stop(self, timeout: float = 30.0) -> None: ...
