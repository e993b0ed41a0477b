"""A full disk (or quota) on the server: 507 ``insufficient_storage``, logged once, not a 500.

The database (SQLite's SQLITE_FULL, PostgreSQL's ``disk_full`` 53100) and the blob store
(ENOSPC, EDQUOT) both report it. Nothing is half-written: a request's database transaction is
rolled back with its session, and a blob is written to a temporary file and renamed only when
complete. The log gets one line when the disk fills, not one per refused request.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import threading
import time

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
STATUS = 507
CODE = "insufficient_storage"
MESSAGE = ("The server has no storage space left, so nothing of this request was stored. "
           "Retry later; the operator has been told.")
LOG_EVERY = 300.0  # seconds between repeated log lines while the disk stays full


def is_disk_full(exc: BaseException | None) -> bool:
    """True for an error, or one it was raised from, that means the disk or quota is full."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(exc, sqlite3.Error) and (
                getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                or "database or disk is full" in str(exc)):
            return True
        if getattr(exc, "sqlstate", None) == "53100":  # psycopg: disk_full
            return True
        exc = exc.orig if isinstance(exc, DBAPIError) else exc.__cause__ or exc.__context__
        seen += 1
    return False


class _OnceInAWhile:
    """Logs the first disk-full error, then at most one line every LOG_EVERY seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: float | None = None

    def __call__(self, request: Request, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            if self._last is not None and now - self._last < LOG_EVERY:
                return
            self._last = now
        log.error("storage full on %s %s: %s (further such errors are answered 507 and not "
                  "logged for %d s)", request.method, request.url.path, exc, int(LOG_EVERY))


def install(app: FastAPI, fallback: object) -> None:
    """Answer disk-full errors with 507; hand every other error of those types to ``fallback``
    (the generic 500 handler)."""
    report = _OnceInAWhile()

    async def handler(request: Request, exc: Exception) -> Response:
        if not is_disk_full(exc):
            result: Response = await fallback(request, exc)  # type: ignore[operator]
            return result
        report(request, exc)
        from workdiary.server.errors import _render

        return _render(request, STATUS, CODE, MESSAGE, {"Retry-After": "300"})

    app.add_exception_handler(OSError, handler)
    app.add_exception_handler(DBAPIError, handler)
