"""``column IN (values)`` as one bound parameter on PostgreSQL.

SQLAlchemy expands ``column.in_(values)`` into one parameter per value. With the 200
contracts of a big client that is a 4 KB statement rendered again for each request, too
long for psycopg's statement cache and prepared anew each time: about a third of the team
dashboard's CPU on PostgreSQL (benchmarks/bench_dashboard.py). ``column = ANY(:array)``
keeps the statement the same whatever the number of values. SQLite has no arrays and
expands ``IN`` cheaply, so it keeps ``IN``.

``in_param`` is the same test for a statement built once per dialect and run many times: the
values are bound when it runs, under the parameter's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session


def in_list(session: Session, column: InstrumentedAttribute[Any] | ColumnElement[Any],
            values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values`` for the database ``session`` is bound to."""
    wanted = list(values)
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(wanted)
    return column == any_(bindparam(None, wanted, type_=ARRAY(column.type)))


def in_param(dialect: str, column: InstrumentedAttribute[Any] | ColumnElement[Any],
             name: str) -> ColumnElement[bool]:
    """``column IN :name`` on the ``dialect`` named; run with ``{name: [values]}``."""
    if dialect != "postgresql":
        return column.in_(bindparam(name, expanding=True))
    return column == any_(bindparam(name, type_=ARRAY(column.type)))
