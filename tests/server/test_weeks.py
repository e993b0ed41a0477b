"""The week: lock and invoice, disputes, review, automatic approval, payment; close-weeks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World
from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core.model import MinuteRecord, Segment
from workdiary.server.models import Contract, ContractTerms, Invoice, LedgerEntry, SegmentRow
from workdiary.server.services.billing import amount_cents
from workdiary.server.services.weeks import close_weeks

NINE = NOW.replace(hour=9, minute=0)
WEEK = "2026-11-16"
LOCK = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
REVIEW_END = datetime(2026, 11, 27, 23, 59, tzinfo=UTC)
SECOND = timedelta(seconds=1)
NONE = {"escalated": 0}  # no dispute was contested in these weeks


def close(app, at: datetime) -> dict[str, int]:
    with app.state.sessionmaker() as session:
        return close_weeks(session, at).to_dict()


def close_by_cli(database_url: str, data_dir: str, at: datetime) -> dict[str, int]:
    """`workdiary server close-weeks --now ... --json` in a subprocess."""
    result = subprocess.run(
        [sys.executable, "-m", "workdiary", "server", "close-weeks", "--now",
         at.isoformat().replace("+00:00", "Z"), "--database", database_url,
         "--data-dir", data_dir, "--json"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "WORKDIARY_SECRET_KEY": ""},
    )
    assert result.returncode == 0, result.stderr
    report = dict(json.loads(result.stdout))
    assert report.pop("skipped") is False
    return report


def ledger(session: Session) -> list[tuple[str, int, int]]:
    session.expire_all()
    return [(e.account, e.entry_no, e.amount_cents) for e in session.scalars(
        select(LedgerEntry).order_by(LedgerEntry.entry_no, LedgerEntry.account))]


def invoice_of(api: TestClient, world: World) -> dict:
    sheet = api.get(f"/contracts/{world.contract_a}/timesheets/{WEEK}",
                    headers=world.client_a.headers)
    assert sheet.status_code == 200, sheet.text
    return dict(sheet.json())


@pytest.mark.slow
def test_a_scripted_week(api: TestClient, world: World, app, session: Session,
                         settings) -> None:
    segs = [world.device.segment(world.contract_a, NINE + timedelta(minutes=10 * i))
            for i in range(6)]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segs]})
    assert {v["status"] for v in response.json()["segments"]} == {"protected"}
    assert invoice_of(api, world)["phase"] == "open"
    # Disputes wait for the lock.
    early = api.post(f"/contracts/{world.contract_a}/disputes", headers=world.client_a.headers,
                     json={"segment_ids": [segs[0].id], "reason": "too early"})
    assert early.status_code == 409

    # Monday 11:59:59: not yet locked. Monday 12:00 (through the CLI): invoiced.
    assert close(app, LOCK - SECOND) == {"invoiced": 0, "approved": 0, "paid": 0, **NONE}
    cli = close_by_cli(settings.database_url, str(settings.data_dir), LOCK)
    assert cli == {"invoiced": 1, "approved": 0, "paid": 0, **NONE}
    sheet = invoice_of(api, world)
    assert sheet["invoice"]["status"] == "in_review"
    assert sheet["invoice"]["billable_minutes"] == 60
    assert sheet["invoice"]["amount_cents"] == 3000  # 60 min at 30.00/h

    # The client disputes two segments in two disputes, then withdraws one.
    ids = []
    for seg in segs[:2]:
        made = api.post(f"/contracts/{world.contract_a}/disputes",
                        headers=world.client_a.headers,
                        json={"segment_ids": [seg.id], "reason": "not on my project"})
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    assert invoice_of(api, world)["invoice"]["amount_cents"] == 2000
    again = api.post(f"/contracts/{world.contract_a}/disputes", headers=world.client_a.headers,
                     json={"segment_ids": [segs[0].id], "reason": "twice"})
    assert again.status_code == 409
    gone = api.delete(f"/contracts/{world.contract_a}/disputes/{ids[0]}",
                      headers=world.client_a.headers)
    assert gone.status_code == 204
    sheet = invoice_of(api, world)
    assert (sheet["invoice"]["disputed_minutes"], sheet["invoice"]["amount_cents"]) == (10, 2500)
    live = {d["id"]: d["withdrawn_at"] is None for d in sheet["disputes"]}
    assert live == {ids[0]: False, ids[1]: True}

    # Review ends Friday 23:59: approved automatically and paid, undisputed amount only.
    assert close(app, REVIEW_END - SECOND) == {"invoiced": 0, "approved": 0, "paid": 0, **NONE}
    assert close(app, REVIEW_END) == {"invoiced": 0, "approved": 1, "paid": 1, **NONE}
    sheet = invoice_of(api, world)
    assert sheet["invoice"]["status"] == "paid"
    assert sheet["invoice"]["approved_by"] == "auto"
    assert ledger(session) == [("client", 1, -2500), ("freelancer", 1, 2500)]
    assert close(app, REVIEW_END + timedelta(days=1)) == {"invoiced": 0, "approved": 0,
                                                          "paid": 0, **NONE}

    # Withdrawing the last dispute later pays the rest as a second entry.
    api.delete(f"/contracts/{world.contract_a}/disputes/{ids[1]}", headers=world.client_a.headers)
    assert close_by_cli(settings.database_url, str(settings.data_dir),
                        REVIEW_END + timedelta(days=2))["paid"] == 1
    assert ledger(session) == [("client", 1, -2500), ("freelancer", 1, 2500),
                               ("client", 2, -500), ("freelancer", 2, 500)]
    invoices = api.get("/invoices", headers=world.freelancer_a.headers).json()
    assert [(i["status"], i["amount_cents"], i["paid_cents"]) for i in invoices] == [
        ("paid", 3000, 3000)]
    assert api.get("/invoices", headers=world.freelancer_b.headers).json() == []


def test_client_approval_then_payment(api: TestClient, world: World, app,
                                      session: Session) -> None:
    seg = world.device.segment(world.contract_ab, NINE, minutes=7)
    api.post("/segments", headers=world.freelancer_a.headers, json={"segments": [wire(seg)]})
    url = f"/contracts/{world.contract_ab}/timesheets/{WEEK}/approve"
    assert api.post(url, headers=world.client_b.headers).status_code == 409  # not locked
    close(app, LOCK)
    assert api.post(url, headers=world.freelancer_a.headers).status_code == 403
    assert api.post(url, headers=world.client_a.headers).status_code == 404
    approved = api.post(url, headers=world.client_b.headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    # 7 minutes at $40/h: 466.67 cents, rounded once, half up.
    assert approved.json()["amount_cents"] == amount_cents(7 * 60, 4000) == 467
    assert approved.json()["billable_seconds"] == 420
    assert close(app, LOCK + timedelta(minutes=1)) == {"invoiced": 0, "approved": 0, "paid": 1,
                                                       **NONE}
    assert ledger(session) == [("client", 1, -467), ("freelancer", 1, 467)]
    late = api.post(f"/contracts/{world.contract_ab}/disputes", headers=world.client_b.headers,
                    json={"segment_ids": [seg.id], "reason": "late"})
    assert late.status_code == 409 and late.json()["error"]["code"] == "review_over"


def test_seconds_are_invoiced_and_rounded_once_on_the_week(
        api: TestClient, world: World, app, session: Session) -> None:
    # Three clock-ins of 20 s each at $100/h: 60 s = $1.67 on the invoice, not 3 x $0.56.
    # The rate of the week's terms (each week keeps the terms it began with) and the contract's.
    session.get(Contract, world.contract_a).rate_cents = 10_000
    for terms in session.scalars(select(ContractTerms).where(
            ContractTerms.contract_id == world.contract_a)):
        terms.rate_cents = 10_000
    session.commit()
    segs = []
    for i in range(3):
        start = NINE + timedelta(minutes=10 * i)
        segs.append(world.device.chain(Segment(
            id=f"short-{i}", contract_id=world.contract_a, start=start,
            end=start + timedelta(seconds=20), memo="short",
            minutes=(MinuteRecord(at=start, seconds=20, keys=1, active_seconds=5),))))
    posted = api.post("/segments", headers=world.freelancer_a.headers,
                      json={"segments": [wire(s) for s in segs]})
    assert [(v["billable_seconds"], v["billable_minutes"]) for v in posted.json()["segments"]] \
        == [(20, 0)] * 3
    assert close(app, LOCK)["invoiced"] == 1
    invoice = invoice_of(api, world)["invoice"]
    assert (invoice["billable_seconds"], invoice["billable_minutes"],
            invoice["amount_cents"]) == (60, 1, 167)
    # A disputed 20 s leaves 40 s: 111.1 cents, rounded once again on the new total.
    made = api.post(f"/contracts/{world.contract_a}/disputes", headers=world.client_a.headers,
                    json={"segment_ids": [segs[0].id], "reason": "not mine"})
    assert made.status_code == 201, made.text
    invoice = invoice_of(api, world)["invoice"]
    assert (invoice["disputed_seconds"], invoice["amount_cents"]) == (20, 111)
    assert close(app, REVIEW_END) == {"invoiced": 0, "approved": 1, "paid": 1, **NONE}
    assert ledger(session) == [("client", 1, -111), ("freelancer", 1, 111)]


def test_rounding_is_half_up_once_on_the_total_seconds() -> None:
    assert amount_cents(7 * 60, 2999) == 350  # 349.88 -> 350
    assert amount_cents(3600, 2550) == 2550
    assert amount_cents(0, 5000) == 0


def test_csv_export(api: TestClient, world: World, app) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    api.post("/segments", headers=world.freelancer_a.headers, json={"segments": [wire(seg)]})
    close(app, LOCK)
    for path, params in (("/invoices", {"format": "csv"}), ("/invoices.csv", {})):
        response = api.get(path, params=params, headers=world.client_a.headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        lines = response.text.strip().splitlines()
        assert lines[0].startswith("id,contract_id,contract_title,week_start")
        assert ",Contract A,2026-11-16,10,0,600,0,3000,500,0,USD,in_review," in lines[1]


def _store(session: Session, contract: Contract, week: date, n: int) -> None:
    start = datetime.combine(week, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    session.add(SegmentRow(
        id=f"seg-{n}", contract_id=contract.id, freelancer_id=contract.freelancer_id,
        device_id="dev", seq=n, start=start, end=start + timedelta(minutes=10), week_start=week,
        kind="tracked", status="protected", billable_seconds=600, over_limit_seconds=0,
        reasons=[], memo="", redacted=False, chain_hash="0" * 64, body_hash="0" * 64, body={},
        deleted=False, received_at=start))


def test_two_workers_at_once_invoice_and_pay_once(app, session: Session, world: World) -> None:
    from workdiary.server.services import contracts as contract_service

    made = [contract_service.create_contract(
        session, client_email=world.client_a.email, freelancer_email=world.freelancer_a.email,
        title=f"C{i}", rate_cents=6000, now=NOW) for i in range(25)]
    for n, contract in enumerate(made):
        _store(session, contract, date(2026, 11, 16), n)
    session.commit()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for at in (LOCK, REVIEW_END):
                close(app, at)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    session.expire_all()
    invoices = list(session.scalars(select(Invoice)))
    assert len(invoices) == 25
    assert {(i.status, i.amount_cents, i.paid_cents) for i in invoices} == {("paid", 1000, 1000)}
    entries = list(session.scalars(select(LedgerEntry)))
    assert len(entries) == 50
    assert sum(e.amount_cents for e in entries) == 0


def test_a_fully_disputed_week_is_settled_without_payment(api: TestClient, world: World, app,
                                                          session: Session) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    api.post("/segments", headers=world.freelancer_a.headers, json={"segments": [wire(seg)]})
    close(app, LOCK)
    made = api.post(f"/contracts/{world.contract_a}/disputes", headers=world.client_a.headers,
                    json={"segment_ids": [seg.id], "reason": "not mine"})
    assert made.status_code == 201
    assert close(app, REVIEW_END) == {"invoiced": 0, "approved": 1, "paid": 0, **NONE}
    sheet = invoice_of(api, world)["invoice"]
    assert (sheet["status"], sheet["amount_cents"], sheet["paid_cents"]) == ("paid", 0, 0)
    assert ledger(session) == []


def test_a_week_with_nothing_billable_gets_no_invoice(api: TestClient, world: World,
                                                      app) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    api.post("/segments", headers=world.freelancer_a.headers, json={"segments": [wire(seg)]})
    assert api.delete(f"/segments/{seg.id}", headers=world.freelancer_a.headers).status_code == 204
    assert close(app, LOCK) == {"invoiced": 0, "approved": 0, "paid": 0, **NONE}
    assert invoice_of(api, world)["invoice"] is None
