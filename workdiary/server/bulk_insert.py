"""Many new rows into one table: COPY on PostgreSQL, an executemany INSERT elsewhere.

A batch of 50 segments inserts 50 segment rows and their screenshot references. psycopg's
executemany runs as a pipeline: a message, a flush and a result per row, each a return to the
driver that gives up and takes back the GIL, while three other uploads want it. COPY sends the
rows in one stream and answers once: the 50-row INSERT of segments took 3.0-3.6 ms of CPU as an
executemany and 1.5-1.8 ms as COPY (in-process, alternating; benchmarks/ingest.md).

COPY bypasses SQLAlchemy's statement, so each value goes through its column type's bind
processor here (JSON text, UTC datetimes), and a column that the rows leave out and that has a
Python-side default is filled by the INSERT path instead (COPY would leave it NULL or the
server's default). A driver error is raised as SQLAlchemy wraps it for the INSERT
(``IntegrityError`` for a constraint, ``DataError`` for a NUL character in text, ...), so callers
and the API's error handlers treat both paths the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

# (column name, its bind processor or None), in COPY's column order.
_Columns = tuple[tuple[str, Callable[[Any], Any] | None], ...]


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values, all with the same keys) in the session's
    transaction."""
    if not rows:
        return
    connection = session.connection()
    plan = _copy_plan(table, tuple(rows[0]), connection.dialect)
    if plan is None:
        session.execute(insert(table), list(rows))
        return
    statement, columns = plan
    session.flush()  # pending ORM rows first: the new rows may refer to them
    import psycopg  # here: the desktop's frozen bundle serves on SQLite and leaves it out

    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] if process is None else process(row[name])
                                for name, process in columns])
    except psycopg.Error as exc:  # as SQLAlchemy wraps it: IntegrityError, DataError (NUL), ...
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
    finally:
        cursor.close()


@functools.lru_cache(maxsize=64)
def _copy_plan(table: Table, names: tuple[str, ...], dialect: Any) -> tuple[str, _Columns] | None:
    """The COPY statement and each column's bind processor (built once per table, columns and
    engine), or None where the INSERT must run: not psycopg, or a left-out column has a
    Python-side default."""
    if (dialect.name, dialect.driver) != ("postgresql", "psycopg") or any(
            column.default is not None and column.name not in names for column in table.columns):
        return None
    quote = dialect.identifier_preparer.quote
    statement = (f"COPY {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
                 "FROM STDIN")
    return statement, tuple((name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
                            for name in names)
