"""The team dashboard for a client with 200 contracts, each with a full week: response time.

Budget (issue 10): p95 <= 150 ms in-process. 200 contracts (50 freelancers, 4 contracts each)
get a realistic working week each, Monday to Friday 09:00-17:00 in 10-minute segments: 240
segments a contract, 48,000 in the week, plus the week before as history; about 12% of the
time unprotected, 5% manual, a dispute on every tenth contract, some contracts working right
now. The rows go in by bulk insert (the dashboard reads only the stored columns; upload and
verification are bench_server's), with their day totals added as an upload adds them.
Then the client's ``/dashboard`` page (the 200 contracts sorted and summed, the first
``PAGE_SIZE`` = 100 rows shown with their SVG charts) and ``GET /api/v1/dashboard`` are
timed in-process (ASGI, no sockets), each request alternating with the same app's
``GET /healthz`` (routing, middleware, session: the floor of any request). SQLite in a
temporary folder, or the PostgreSQL of WORKDIARY_BENCH_POSTGRES_URL
(``scripts/bench.sh`` starts one).

    .venv/bin/python benchmarks/bench_dashboard.py [--runs 60] [--quick]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fastapi.testclient import TestClient  # noqa: E402
from harness import Bench, Figure, time_gets  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from workdiary.core.clock import FakeClock  # noqa: E402
from workdiary.server.app import create_app, serving  # noqa: E402
from workdiary.server.models import (  # noqa: E402
    Contract,
    ContractTerms,
    Dispute,
    DisputeSegment,
    SegmentRow,
)
from workdiary.server.services import day_totals, users  # noqa: E402
from workdiary.server.settings import Settings  # noqa: E402
from workdiary.server.web.pages_dashboard import PAGE_SIZE  # noqa: E402

BUDGET_MS = 150.0
CONTRACTS = 200
FREELANCERS = 50
PASSWORD = "benchmark password"
WEEK = date(2026, 11, 23)
NOW = datetime(2026, 11, 27, 16, 55, tzinfo=UTC)  # Friday afternoon: the week is full


def server_app(folder: Path) -> Any:
    url = os.environ.get("WORKDIARY_BENCH_POSTGRES_URL")
    if url:
        import bench_server

        url = bench_server.fresh_postgres(url)
    settings = Settings.from_env(
        database_url=url or f"sqlite:///{folder / 'server.sqlite3'}", data_dir=folder / "srv",
        secret_key="bench-dashboard-secret-" + "y" * 32, close_weeks_interval=0, environ={})
    return serving(create_app(settings, clock=FakeClock(NOW)))  # as `server run` does


def segment_rows(contract_id: str, freelancer_id: str, week: date, rng: random.Random,
                 ) -> list[dict[str, Any]]:
    """Monday to Friday, 09:00-17:00, 10-minute segments; ends at NOW on the last day."""
    rows = []
    for day in range(5):
        for slot in range(48):
            start = datetime(week.year, week.month, week.day, 9, tzinfo=UTC) + timedelta(
                days=day, minutes=10 * slot)
            if start + timedelta(minutes=10) > NOW:
                break
            roll = rng.random()
            manual = roll < 0.05
            status = "unprotected" if manual or roll > 0.88 else "protected"
            rows.append(dict(
                id=uuid.uuid4().hex, contract_id=contract_id, freelancer_id=freelancer_id,
                device_id=f"device-{freelancer_id[:8]}", seq=len(rows) + 1, start=start,
                end=start + timedelta(minutes=10), week_start=week,
                kind="manual" if manual else "tracked", status=status, billable_seconds=600,
                over_limit_seconds=0, reasons=["manual"] if manual else [], memo="work",
                redacted=False, chain_hash="0" * 64, body_hash="0" * 64, body={},
                deleted=False, received_at=start, tracked_minutes=0 if manual else 10,
                active_minutes=0 if manual else rng.randint(4, 10)))
    return rows


def seed(app: Any) -> str:
    """The client, 50 freelancers, 200 contracts and their two weeks; returns the client id."""
    rng = random.Random(10)
    with app.state.sessionmaker() as session:
        client = users.create_user(session, email="c@bench.test", name="Bench Client",
                                   role="client", password=PASSWORD, now=NOW)
        people = [users.create_user(session, email=f"f{i}@bench.test", name=f"Freelancer {i}",
                                    role="freelancer", password=PASSWORD, now=NOW)
                  for i in range(FREELANCERS)]
        contracts = [Contract(
            client_id=client.id, freelancer_id=people[i % FREELANCERS].id,
            title=f"Contract {i:03d}", rate_cents=3000 + 100 * (i % 20), currency="USD",
            weekly_limit_minutes=2400 if i % 3 else None, status="active",
            created_at=NOW - timedelta(days=60), segment_minutes=10, screenshots_per_segment=1,
            capture="all", blur=False, allow_redaction=True, allow_manual=True,
            window_titles=False, idle_minutes=10) for i in range(CONTRACTS)]
        session.add_all(contracts)
        session.flush()
        session.add_all(ContractTerms(contract_id=c.id, week_start=WEEK - timedelta(weeks=8),
                                      rate_cents=c.rate_cents,
                                      weekly_limit_minutes=c.weekly_limit_minutes,
                                      created_at=NOW) for c in contracts)
        disputed: list[tuple[str, list[str]]] = []
        for index, contract in enumerate(contracts):
            assert contract.freelancer_id is not None
            rows = []
            for week in (WEEK - timedelta(weeks=1), WEEK):
                rows += segment_rows(contract.id, contract.freelancer_id, week, rng)
            if index % 4:  # three in four are still working: their last segment is not yet
                rows = rows[:-1 - index % 3]
            session.execute(insert(SegmentRow), rows)
            day_totals.add_rows(session, rows)  # as an upload does
            if index % 10 == 0:
                disputed.append((contract.id, [r["id"] for r in rows[-60:-57]]))
        for contract_id, segment_ids in disputed:
            dispute = Dispute(contract_id=contract_id, week_start=WEEK, reason="bench",
                              created_by=client.id, created_at=NOW, state="open")
            session.add(dispute)
            session.flush()
            session.add_all(DisputeSegment(dispute_id=dispute.id, segment_id=sid)
                            for sid in segment_ids)
        session.commit()
        engine = session.get_bind()
    # Statistics and the visibility map, as autovacuum keeps them on a live server: without
    # them PostgreSQL's planner guesses one row and reads the table instead of the index.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                          else "ANALYZE"))
    return str(client.id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    bench = Bench("bench_dashboard", parser)
    args = bench.args
    if bench.quick:
        args.runs = 20
    backend = "PostgreSQL" if os.environ.get("WORKDIARY_BENCH_POSTGRES_URL") else "SQLite"
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
        app = server_app(Path(folder))
        with TestClient(app, base_url="http://testserver") as http:
            started = time.perf_counter()
            seed(app)
            seeded = time.perf_counter() - started
            token = re.search(r'name="csrf_token" value="([^"]+)"',
                              http.get("/login").text).group(1)  # type: ignore[union-attr]
            http.post("/login", data={"email": "c@bench.test", "password": PASSWORD,
                                      "csrf_token": token})
            url = f"/dashboard?week={WEEK.isoformat()}&sort=hours&dir=desc"
            first = http.get(url)
            assert first.status_code == 200
            assert first.text.count('class="week-chart"') == PAGE_SIZE
            assert f"1–{PAGE_SIZE} of 200" in first.text
            api_token = http.post("/api/v1/auth/tokens", json={
                "email": "c@bench.test", "password": PASSWORD}).json()["token"]
            api_headers = {"Authorization": f"Bearer {api_token}"}
            api_url = f"/api/v1/dashboard?week={WEEK.isoformat()}"
            body = http.get(api_url, headers=api_headers).json()
            assert len(body["contracts"]) == 200 and body["working_now"] > 0
            page = time_gets(http, url, args.runs)
            api = time_gets(http, api_url, args.runs, api_headers)
    html_kib = len(first.content) // 1024
    print(f"dashboard: {len(body['contracts'])} contracts, "
          f"{body['billed_seconds'] // 3600} h billed this week, "
          f"{body['working_now']} working now; {html_kib} KiB HTML; {backend}, "
          f"seeded in {seeded:.1f} s; {args.runs} runs")
    for key, label, (ours, floor, loads) in (
            ("page", f"the /dashboard page (200 sorted, the first {PAGE_SIZE} rows and SVG "
             "charts shown)", page),
            ("api", "GET /api/v1/dashboard", api)):
        bench.emit(Figure(bench.name, f"dashboard_{key}", f"Team dashboard, 200 contracts: "
                          f"{label}, in-process, {backend}", "ms", ours, loads, stat="p95",
                          budget=BUDGET_MS, baseline_label="GET /healthz, same app",
                          baseline=floor))
    return bench.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
