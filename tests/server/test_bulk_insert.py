"""server/bulk_insert.py on both databases: COPY on PostgreSQL, INSERT on SQLite, same rows.

A table of its own (JSON, UTC datetimes, booleans, a Python-side default), created and dropped
here; the upload path's own tables are covered through POST /segments (test_segments_api.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table, event, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from workdiary.server.bulk_insert import insert_rows
from workdiary.server.db import make_engine
from workdiary.server.models.base import UTCDateTime

METADATA = MetaData()
ROWS = Table(
    "bulk_insert_probe", METADATA,
    Column("id", String(64), primary_key=True),
    Column("at", UTCDateTime()),
    Column("body", JSON),
    Column("flag", Boolean),
    Column("note", String(200), default="none given"),
    Column("serial", Integer, autoincrement=True, nullable=True),
)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    METADATA.create_all(engine)
    try:
        with Session(engine) as session:
            yield session
    finally:
        METADATA.drop_all(engine)
        engine.dispose()


def statements(session: Session) -> list[str]:
    seen: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: seen.append(statement))
    return seen


def test_rows_read_back_as_written(session: Session) -> None:
    seen = statements(session)
    berlin = timezone(timedelta(hours=1))
    rows = [{"id": f"r{i}", "at": datetime(2026, 11, 30, 9, i, tzinfo=berlin),
             "body": {"memo": "tab\there, quote \" and \\ backslash", "n": i, "list": [1, None]},
             "flag": i % 2 == 0, "note": "line\nbreak" if i == 1 else ""} for i in range(3)]
    insert_rows(session, ROWS, rows)
    session.commit()
    stored = session.execute(select(ROWS.c.id, ROWS.c.at, ROWS.c.body, ROWS.c.flag,
                                    ROWS.c.note).order_by(ROWS.c.id)).all()
    assert [tuple(r) for r in stored] == [
        (row["id"], row["at"].astimezone(UTC), row["body"], row["flag"], row["note"])
        for row in rows]
    inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT")]
    # PostgreSQL takes COPY, which SQLAlchemy does not see; SQLite the INSERT.
    assert bool(inserts) == (session.get_bind().dialect.name == "sqlite")


def test_a_left_out_default_is_filled(session: Session) -> None:
    insert_rows(session, ROWS, [{"id": "a", "at": datetime(2026, 11, 30, tzinfo=UTC),
                                 "body": [], "flag": False}])
    session.commit()
    assert session.scalar(select(ROWS.c.note)) == "none given"


def test_a_duplicate_key_is_integrity_error_on_both(session: Session) -> None:
    row = {"id": "same", "at": datetime(2026, 11, 30, tzinfo=UTC), "body": {}, "flag": True,
           "note": ""}
    insert_rows(session, ROWS, [row])
    session.commit()
    with pytest.raises(IntegrityError):
        insert_rows(session, ROWS, [{**row, "note": "again"}])
        session.flush()
        session.commit()
    session.rollback()
    assert session.scalar(select(ROWS.c.note)) == ""


def test_no_rows_is_nothing(session: Session) -> None:
    insert_rows(session, ROWS, [])
    assert session.scalar(select(ROWS.c.id)) is None


def test_a_nul_character_is_data_error_on_postgresql(session: Session) -> None:
    # PostgreSQL text cannot hold NUL; the API answers SQLAlchemy's DataError with a 422.
    row = {"id": "nul", "at": datetime(2026, 11, 30, tzinfo=UTC), "body": {}, "flag": True,
           "note": "before\x00after"}
    if session.get_bind().dialect.name == "sqlite":
        insert_rows(session, ROWS, [row])  # SQLite keeps it
        return
    with pytest.raises(DataError):
        insert_rows(session, ROWS, [row])
