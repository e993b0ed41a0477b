"""The weekly transitions as a job: run once per due moment across any number of workers.

On PostgreSQL a session-level advisory lock makes one worker (or ``close-weeks`` command) do
the run while any other that tries at the same time skips it; ``close_weeks`` is idempotent
anyway, so the lock saves duplicate work and makes the run count exact. SQLite serves one
process, which needs no lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from workdiary.server.services.weeks import CloseReport, close_weeks

log = logging.getLogger(__name__)
# pg_try_advisory_lock key: a fixed number that names "the weekly transitions".
WEEKLY_LOCK_KEY = 0x77_64_77_6B  # "wdwk"


def run_weekly_transitions(engine: Engine, sessionmaker: Callable[[], Session],
                           now: datetime) -> CloseReport | None:
    """The transitions due at ``now``, or None when another worker is running them."""
    if engine.dialect.name != "postgresql":
        with sessionmaker() as session:
            return close_weeks(session, now)
    # The lock belongs to this connection, held outside the job's own transactions.
    with engine.connect() as lock:
        got = lock.execute(text("SELECT pg_try_advisory_lock(:key)"),
                           {"key": WEEKLY_LOCK_KEY}).scalar()
        lock.commit()
        if not got:
            log.info("weekly transitions: another worker is running them; skipped")
            return None
        try:
            with sessionmaker() as session:
                return close_weeks(session, now)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": WEEKLY_LOCK_KEY})
            lock.commit()
