"""Migration 0012: segments stored before it get their activity meter's minutes from their
bodies (tombstones and unreadable bodies stay at 0), and the dashboard's covering index."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from workdiary.core.canonical import segment_to_dict
from workdiary.server.migrate import alembic_config
from workdiary.testing.devices import DeviceChain

START = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
INSERT = (
    "INSERT INTO segments (id, contract_id, freelancer_id, device_id, seq, start, \"end\", "
    "week_start, kind, status, billable_seconds, over_limit_seconds, reasons, memo, redacted, "
    "chain_hash, body_hash, body, deleted, received_at, memo_edited) VALUES (:id, 'c1', 'u1', "
    "'d1', :seq, '2026-11-18 09:00:00', '2026-11-18 09:10:00', '2026-11-16', 'tracked', "
    "'protected', 600, 0, '[]', '', 0, 'h', 'h', :body, :deleted, '2026-11-18 09:10:00', 0)"
)


def test_activity_minutes_are_backfilled_from_bodies(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(engine)
    command.upgrade(config, "0010")
    device = DeviceChain()
    active = segment_to_dict(device.segment("c1", START, minutes=10, active=7))
    short = segment_to_dict(device.segment("c1", START + timedelta(minutes=10), minutes=4,
                                           active=0))
    rows = [("a", 1, active, 0), ("b", 2, short, 0), ("c", 3, {"id": "c"}, 0),
            ("d", 4, active, 1)]
    with engine.begin() as conn:
        for segment_id, seq, body, deleted in rows:
            conn.execute(text(INSERT), {"id": segment_id, "seq": seq, "body": json.dumps(body),
                                        "deleted": deleted})
    command.upgrade(config, "0012")
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id, tracked_minutes, active_minutes FROM segments "
                                  "ORDER BY id")).all()
    assert [tuple(r) for r in found] == [("a", 10, 7), ("b", 4, 0), ("c", 0, 0), ("d", 0, 0)]
    assert "ix_segments_dashboard" in {i["name"] for i in inspect(engine).get_indexes("segments")}
    command.downgrade(config, "0010")
    assert "tracked_minutes" not in {c["name"] for c in inspect(engine).get_columns("segments")}
    engine.dispose()
