"""Engine and session factory for SQLite (default) and PostgreSQL (by URL)."""

from __future__ import annotations

import json
import time
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

# A pooled connection idle longer than this is pinged before use (see _ping_when_idle).
PING_AFTER_IDLE_SECONDS = 1.0


def dumps_json(value: Any) -> str:
    """A JSON column's text: orjson, about ten times faster than ``json.dumps`` on a segment's
    body (each batch writes 50), with the standard library for what orjson refuses (integers
    past 64 bits). Readers parse the text; nothing compares it, so the compact form is fine."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def loads_json(text: str | bytes) -> Any:
    """A JSON column's value: orjson, five times faster than ``json.loads`` (a day's diary
    reads 144 bodies), with the standard library for what orjson refuses (lone surrogates),
    so every stored value still reads. orjson reads an integer past 64 bits as a float; the
    JSON columns (a segment's body and reasons) hold none: the API bounds every number in a
    body (at most 2**53)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    """An engine with sane per-backend options (WAL and foreign keys on SQLite)."""
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               json_serializer=dumps_json, json_deserializer=loads_json)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # connect_timeout: an unreachable host fails a request (and /readyz) in seconds, not minutes.
    engine = create_engine(url, pool_size=10, max_overflow=20,
                           connect_args={"connect_timeout": 5},
                           json_serializer=dumps_json, json_deserializer=loads_json)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat idle for a while.

    ``pool_pre_ping`` pings on every checkout: a round trip per request, which on a busy
    machine waits for PostgreSQL to be scheduled. A connection handed back moments ago (the
    hot path: a desktop's batches and uploads) was alive then; one idle for longer may have
    been cut (a database restart, a proxy's idle timeout) and is pinged as before. A failed
    ping makes the pool replace the connection (``DisconnectionError``), as pre-ping does.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return  # new (just connected) or handed back moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"a pooled connection is gone: {exc}") from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
