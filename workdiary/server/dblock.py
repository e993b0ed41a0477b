"""One server process per SQLite database: a second `server run` on the same file refuses to
start instead of double-billing.

The overlap and weekly-limit checks of concurrent uploads rely on a lock inside the process
on SQLite (PostgreSQL locks the freelancer's row, so several workers are fine there). A
second process would not see that lock, so `server run` holds an exclusive ``flock`` on a
``<database>.lock`` file beside the SQLite file for as long as it runs; the kernel releases it
when the process ends, however it ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from sqlalchemy import make_url

from workdiary.pidlock import LockHeld, take_pid_lock


class DatabaseInUse(RuntimeError):
    """Another process serves this SQLite database; the message says what to do."""


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


def hold_database(database_url: str) -> IO[str] | None:
    """Take the database's process lock; keep the returned file open while serving.

    None for PostgreSQL (nothing to hold). Raises DatabaseInUse when another process holds it.
    """
    path = sqlite_path(database_url)
    if path is None:
        return None
    try:
        return take_pid_lock(path.with_name(path.name + ".lock"))
    except LockHeld as held:
        raise DatabaseInUse(
            f"another workdiary server (process {held.holder}) already serves the SQLite "
            f"database {path}: stop it first. SQLite is for one server process; to run several "
            "workers, use PostgreSQL (--database postgresql+psycopg://...).") from None
