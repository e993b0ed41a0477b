"""Migration 0008: billed minutes stored before billing by the second become seconds."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from workdiary.server.migrate import alembic_config

SEGMENT = (
    "INSERT INTO segments (id, contract_id, freelancer_id, device_id, seq, start, \"end\", "
    "week_start, kind, status, billable_minutes, over_limit_minutes, reasons, memo, redacted, "
    "chain_hash, body_hash, body, deleted, received_at) VALUES ('s1', 'c1', 'u1', 'd1', 1, "
    "'2026-11-18 09:00:00', '2026-11-18 09:10:00', '2026-11-16', 'tracked', 'unprotected', 7, "
    "3, '[]', '', 0, 'h', 'h', '{}', 0, '2026-11-18 09:10:00')"
)
INVOICE = (
    "INSERT INTO invoices (id, contract_id, week_start, billable_minutes, disputed_minutes, "
    "rate_cents, amount_cents, paid_cents, currency, status, created_at) VALUES ('i1', 'c1', "
    "'2026-11-16', 7, 2, 6000, 500, 0, 'USD', 'in_review', '2026-11-23 12:00:00')"
)


def test_minutes_are_backfilled_as_seconds_and_back(tmp_path: Path) -> None:
    # A plain engine: no foreign keys, so the rows need no users or contracts around them.
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(engine)
    command.upgrade(config, "0007")
    with engine.begin() as conn:
        conn.execute(text(SEGMENT))
        conn.execute(text(INVOICE))
    command.upgrade(config, "0008")
    with engine.connect() as conn:
        assert conn.execute(text(
            "SELECT billable_seconds, over_limit_seconds FROM segments")).one() == (420, 180)
        assert conn.execute(text(
            "SELECT billable_seconds, disputed_seconds, amount_cents FROM invoices")).one() == (
            420, 120, 500)  # the amount already invoiced is left as it was
    command.downgrade(config, "0007")
    with engine.connect() as conn:
        assert conn.execute(text(
            "SELECT billable_minutes, over_limit_minutes FROM segments")).one() == (7, 3)
    engine.dispose()
