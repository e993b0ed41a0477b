"""``in_list`` (services/in_list.py) selects the same rows as ``IN`` on SQLite and PostgreSQL:
some values, values matching nothing, one value, no values, and the same statement text
whatever the number of values on PostgreSQL (the point of using one array parameter)."""

from __future__ import annotations

from server_world import World
from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.server.models import Contract
from workdiary.server.services.in_list import in_list


def _titles(session: Session, ids: list[str]) -> list[str]:
    return sorted(session.scalars(select(Contract.title).where(
        in_list(session, Contract.id, ids))))


def test_matches_what_in_matches(session: Session, world: World) -> None:
    everyone = [world.contract_a, world.contract_b, world.contract_ab]
    assert _titles(session, everyone) == ["Contract A", "Contract AB", "Contract B"]
    assert _titles(session, [world.contract_b, "no-such-contract"]) == ["Contract B"]
    assert _titles(session, [world.contract_ab]) == ["Contract AB"]
    assert _titles(session, ["no-such-contract"]) == []
    assert _titles(session, []) == []
    # A generator is read once, like any iterable the callers pass.
    assert _titles(session, (cid for cid in everyone[:2])) == ["Contract A", "Contract B"]


def test_statement_does_not_grow_with_the_values_on_postgres(session: Session) -> None:
    dialect = session.get_bind().dialect

    def text(n: int) -> str:
        statement = select(Contract.id).where(in_list(session, Contract.id,
                                                      [f"c{i}" for i in range(n)]))
        return str(statement.compile(dialect=dialect))

    if dialect.name == "postgresql":
        assert text(1) == text(200)
        assert "ANY" in text(3)
    else:
        assert "IN" in text(3)
