"""One process at a time: an exclusive ``flock`` on a lock file that names its holder's pid.

The kernel releases the lock when the process ends, however it ends. The desktop's tracker
(one recorder per data folder) and the server (one process per SQLite database) both use it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from workdiary.privatefiles import PRIVATE_FILE


class LockHeld(Exception):
    """Another process holds the lock; ``holder`` is its pid as it wrote it ("unknown" if not)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def take_pid_lock(path: Path) -> IO[str]:
    """Take the lock at ``path`` (created owner-only) and write our pid into it; keep the
    returned file open for as long as the lock is held. Raises LockHeld."""
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held by the caller)
    os.chmod(path, PRIVATE_FILE)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise LockHeld(holder) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
