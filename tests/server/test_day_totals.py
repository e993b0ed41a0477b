"""The kept day totals (services/day_totals.py) always equal their segments summed afresh:
after uploads of every kind, a resend, a tombstone, a deletion and memo edits that change
the verdict, on SQLite and PostgreSQL; and migration 0013 fills them for stored segments."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from alembic import command
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.orm import Session

from workdiary.core.model import Policy, SegmentKind
from workdiary.server.migrate import alembic_config
from workdiary.server.models import SegmentDayTotal
from workdiary.server.services import contracts, day_totals

NINE = NOW.replace(hour=9, minute=0)  # Wednesday 2026-11-18
TODAY = NINE.date()


def _upload(api: TestClient, world: World, *segments):  # type: ignore[no-untyped-def]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segments]})
    assert response.status_code == 200, response.text
    return response.json()["segments"]


def _stored(session: Session, contract_ids: list[str]) -> dict[tuple[str, date], tuple[int, ...]]:
    """The kept rows, days that sum to nothing left out (a day whose segments were all
    deleted keeps a row of zeros)."""
    session.expire_all()
    rows = session.scalars(select(SegmentDayTotal).where(
        SegmentDayTotal.contract_id.in_(contract_ids))).all()
    kept = {(r.contract_id, r.day): tuple(getattr(r, f) for f in day_totals.FIELDS)
            for r in rows}
    return {key: values for key, values in kept.items() if any(values)}


def _assert_kept(session: Session, contract_ids: list[str]) -> dict:  # type: ignore[type-arg]
    fresh = {key: values for key, values in
             day_totals.recomputed(session, contract_ids).items() if any(values)}
    assert _stored(session, contract_ids) == fresh
    return fresh


def test_totals_follow_every_change(api: TestClient, world: World, session: Session) -> None:
    manual_ok = contracts.create_contract(
        session, client_email=world.client_a.email, freelancer_email=world.freelancer_a.email,
        title="Manual allowed", rate_cents=6000, now=NOW - timedelta(days=30),
        policy=Policy(allow_manual=True))
    ids = [world.contract_a, manual_ok.id]
    d = world.device
    yesterday = NINE - timedelta(days=1)
    protected = d.segment(world.contract_a, NINE, active=7)
    no_memo = d.segment(world.contract_a, NINE + timedelta(minutes=10), memo="")
    manual = d.segment(manual_ok.id, NINE + timedelta(minutes=20), kind=SegmentKind.MANUAL,
                       memo="call")
    earlier = d.segment(world.contract_a, yesterday)
    doomed = d.segment(world.contract_a, yesterday + timedelta(minutes=10))
    verdicts = _upload(api, world, protected, no_memo, manual, earlier, doomed)
    assert [v["status"] for v in verdicts] == ["protected", "unprotected", "unprotected",
                                               "protected", "protected"]
    fresh = _assert_kept(session, ids)
    assert fresh[(world.contract_a, TODAY)] == (1200, 0, 600, 20, 17)  # 10 + 7 active
    assert fresh[(manual_ok.id, TODAY)] == (600, 600, 0, 0, 0)
    assert fresh[(world.contract_a, TODAY - timedelta(days=1))] == (1200, 0, 0, 20, 20)

    # A resend adds nothing; a tombstone in a batch takes its segment out of its day.
    _upload(api, world, protected, d.tombstone(doomed))
    assert _assert_kept(session, ids)[(world.contract_a, TODAY - timedelta(days=1))] == (
        600, 0, 0, 10, 10)

    # Deleting yesterday's last segment leaves the day empty.
    response = api.delete(f"/segments/{earlier.id}", headers=world.freelancer_a.headers)
    assert response.status_code == 204, response.text
    assert (world.contract_a, TODAY - timedelta(days=1)) not in _assert_kept(session, ids)

    # A memo filled in makes unprotected time protected, and emptied again unprotected.
    for memo, unprotected in (("wrote the importer", 0), ("", 600)):
        edited = d.sign(replace(no_memo, memo=memo))
        response = api.put(f"/segments/{no_memo.id}", headers=world.freelancer_a.headers,
                           json=wire(edited))
        assert response.status_code == 200, response.text
        assert _assert_kept(session, ids)[(world.contract_a, TODAY)] == (
            1200, 0, unprotected, 20, 17)


def test_a_day_is_utc_whatever_the_offset(session: Session, world: World) -> None:
    """A segment starting 23:50 UTC counts on that UTC day, as the dashboard's days are."""
    late = datetime(2026, 11, 17, 23, 50, tzinfo=UTC)
    row = {"contract_id": world.contract_a, "start": late.astimezone(ZoneInfo("Asia/Tokyo")),
           "deleted": False, "kind": "tracked",
        "status": "protected", "billable_seconds": 600, "tracked_minutes": 10,
        "active_minutes": 4}
    day_totals.add_rows(session, [row, {**row, "deleted": True}])
    session.commit()
    assert _stored(session, [world.contract_a]) == {
        (world.contract_a, date(2026, 11, 17)): (600, 0, 0, 10, 4)}


INSERT = (
    "INSERT INTO segments (id, contract_id, freelancer_id, device_id, seq, start, \"end\", "
    "week_start, kind, status, billable_seconds, over_limit_seconds, reasons, memo, redacted, "
    "chain_hash, body_hash, body, deleted, received_at, memo_edited, tracked_minutes, "
    "active_minutes) VALUES (:id, :contract, 'u1', 'd1', :seq, :start, :start, '2026-11-16', "
    ":kind, :status, :billable, 0, '[]', '', 0, 'h', 'h', :body, :deleted, :start, 0, "
    ":tracked, :active)"
)


def test_migration_0013_sums_the_stored_segments(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(engine)
    command.upgrade(config, "0012")
    rows = [  # contract, start, kind, status, billable, tracked, active, deleted
        ("c1", "2026-11-18 09:00:00", "tracked", "protected", 600, 10, 7, 0),
        ("c1", "2026-11-18 23:50:00", "tracked", "unprotected", 540, 9, 2, 0),
        ("c1", "2026-11-18 12:00:00", "manual", "unprotected", 600, 0, 0, 0),
        ("c1", "2026-11-18 13:00:00", "tombstone", "rejected", 0, 0, 0, 1),
        ("c1", "2026-11-19 00:00:00", "tracked", "protected", 600, 10, 10, 0),
        ("c2", "2026-11-18 09:00:00", "tracked", "protected", 300, 5, 5, 0),
    ]
    with engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=OFF"))
        for seq, (contract, start, kind, status, billable, tracked, active, deleted) in \
                enumerate(rows):
            conn.execute(text(INSERT), {
                "id": f"s{seq}", "contract": contract, "seq": seq, "start": start,
                "kind": kind, "status": status, "billable": billable, "tracked": tracked,
                "active": active, "deleted": deleted, "body": json.dumps({})})
    command.upgrade(config, "0013")
    with engine.connect() as conn:
        found = {(c, d): tuple(v) for c, d, *v in conn.execute(text(
            "SELECT contract_id, day, billed_seconds, manual_seconds, unprotected_seconds, "
            "tracked_minutes, active_minutes FROM segment_day_totals"))}
    assert found == {("c1", "2026-11-18"): (1740, 600, 540, 19, 9),
                     ("c1", "2026-11-19"): (600, 0, 0, 10, 10),
                     ("c2", "2026-11-18"): (300, 0, 0, 5, 5)}
    command.downgrade(config, "0012")
    assert "segment_day_totals" not in inspect(engine).get_table_names()
    engine.dispose()
