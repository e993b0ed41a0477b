"""Growth: the hot path's cost against the size of the data it works on (issue 16, item 3).

Three series, each measured at several sizes (median of 5 repetitions at each):

- ``server-segments``: segment rows already in the server's database (``--sizes``, default
  10,000, 100,000 and 1,000,000; the million fill by COPY in about a minute). Filler rows
  spread over 100 contracts of one client, in 2025 weeks that are invoiced and paid before
  the clock starts. Hot path: an upload (50 signed segments with their stamped pictures
  through the API: the PUTs and the POST, as the outbox sends them), the client's diary
  page of a day (144 segments), close-weeks (each repetition invoices one new week of one
  contract).
- ``client-contracts``: contracts of one client (``--contracts``, default 10,100,1000), each
  with 3 segments in the week that closes; the same hot path.
- ``local-cache``: segments in the desktop's local store (``--weeks`` of 240 segments,
  default 1,10,30). Hot path: record a 10-minute segment (start, 10 minutes, screenshot
  reference, close, sign), read a day of the diary, list the segments waiting to upload.

The server series run in-process (FastAPI TestClient, no sockets) on the benchmark's durable
PostgreSQL when $WORKDIARY_BENCH_POSTGRES_URL is set (scripts/bench.sh), else on SQLite. The
figures are recorded as ``growth`` JSON lines; benchmarks/report.py draws the plots.

    .venv/bin/python benchmarks/bench_growth.py [--sizes 10000,100000] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fastapi.testclient import TestClient  # noqa: E402
from harness import MIN_REPEAT, Bench, Spread, load_average  # noqa: E402

from tests.server.web.apiseed import register, seed_contract  # noqa: E402
from workdiary.core.canonical import segment_to_dict  # noqa: E402
from workdiary.core.clock import FakeClock  # noqa: E402
from workdiary.core.model import Contract as LocalContract  # noqa: E402
from workdiary.core.model import MinuteRecord, Policy, ScreenshotRef, Segment  # noqa: E402
from workdiary.core.shotstamp import make_stamp  # noqa: E402
from workdiary.server.app import create_app  # noqa: E402
from workdiary.server.bulk_insert import insert_rows  # noqa: E402
from workdiary.server.models import Contract, SegmentRow  # noqa: E402
from workdiary.server.services import users  # noqa: E402
from workdiary.server.services.weeks import close_weeks  # noqa: E402
from workdiary.server.settings import Settings  # noqa: E402
from workdiary.store import LocalStore  # noqa: E402
from workdiary.testing.devices import DeviceChain  # noqa: E402
from workdiary.testing.images import make_jpeg  # noqa: E402

NOW = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # Monday before the lock: last week is open
DAY = datetime(2026, 11, 24, tzinfo=UTC)
PASSWORD = "benchmark password"
CLOSE_WEEK0 = date(2026, 9, 7)  # the weeks each close-weeks repetition invoices, one a time


def parse_sizes(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def server_app(folder: Path, url: str | None) -> Any:
    if url:
        import bench_server

        url = bench_server.fresh_postgres(url)
    settings = Settings.from_env(
        database_url=url or f"sqlite:///{folder / 'server.sqlite3'}", data_dir=folder / "srv",
        secret_key="bench-growth-secret-" + "y" * 32, close_weeks_interval=0, environ={})
    return create_app(settings, clock=FakeClock(NOW))


def contract_row(client_id: str, freelancer_id: str, title: str) -> Contract:
    return Contract(client_id=client_id, freelancer_id=freelancer_id, title=title,
                    rate_cents=3000, currency="USD", status="active", created_at=NOW,
                    segment_minutes=10, screenshots_per_segment=1, capture="all", blur=False,
                    allow_redaction=True, allow_manual=False, window_titles=False,
                    idle_minutes=10)


def segment_row(contract_id: str, freelancer_id: str, seq: int, begin: datetime,
                kind: str = "filler") -> dict[str, Any]:
    return dict(id=f"{kind}-{uuid.uuid4().hex[:24]}", contract_id=contract_id,
                freelancer_id=freelancer_id, device_id=f"{kind}-device", seq=seq, start=begin,
                end=begin + timedelta(minutes=10),
                week_start=(begin - timedelta(days=begin.weekday())).date(), kind="tracked",
                status="protected", billable_seconds=600, over_limit_seconds=0, reasons=[],
                memo="filler work", redacted=False, chain_hash="0" * 64, body_hash="0" * 64,
                body={}, deleted=False, received_at=begin)


def fill(app: Any, *, contracts: int, rows: int, start: datetime, step: timedelta) -> None:
    """``contracts`` contracts of the client with the freelancer, ``rows`` segments spread
    over them from ``start``, ``step`` apart per contract (untimed; by COPY on PostgreSQL, as
    uploads store theirs, so a million rows fill in a minute or two)."""
    with app.state.sessionmaker() as session:
        client = users.get_user_by_email(session, email="c@bench.test")
        freelancer = users.get_user_by_email(session, email="f@bench.test")
        assert client and freelancer
        made = [contract_row(client.id, freelancer.id, f"Filler {i}") for i in range(contracts)]
        session.add_all(made)
        session.flush()
        ids = [c.id for c in made]
        chunk: list[dict[str, Any]] = []
        for n in range(rows):
            index, k = n % contracts, n // contracts
            chunk.append(segment_row(ids[index], freelancer.id, n + 1, start + step * k))
            if len(chunk) >= 5000:
                insert_rows(session, SegmentRow.__table__, chunk)
                chunk = []
        insert_rows(session, SegmentRow.__table__, chunk)
        session.commit()


def server_point(url: str | None, *, contracts: int, rows: int, filler_start: datetime,
                 step: timedelta, settle: list[datetime]) -> dict[str, list[float]]:
    """The hot path's milliseconds on a server holding that much, 5 repetitions each."""
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as tmp:
        app = server_app(Path(tmp), url)
        contract_id = seed_contract(app, client_email="c@bench.test",
                                    freelancer_email="f@bench.test", password=PASSWORD,
                                    title="Measured", now=NOW)
        fill(app, contracts=contracts, rows=rows, start=filler_start, step=step)
        with app.state.sessionmaker() as session:
            for moment in settle:  # invoice and pay the filler weeks (untimed)
                close_weeks(session, moment)
            freelancer = users.get_user_by_email(session, email="f@bench.test")
            assert freelancer
            weekly = contract_row(freelancer.id, freelancer.id, "Weekly")  # replaced below
            client = users.get_user_by_email(session, email="c@bench.test")
            assert client
            weekly.client_id = client.id
            session.add(weekly)
            session.flush()
            for week in range(MIN_REPEAT):
                begin = datetime.combine(CLOSE_WEEK0 + timedelta(weeks=week),
                                         datetime.min.time(), UTC) + timedelta(hours=9)
                insert_rows(session, SegmentRow.__table__, [segment_row(
                    weekly.id, freelancer.id, week * 3 + k, begin + timedelta(minutes=10 * k),
                    kind="weekly") for k in range(3)])
            session.commit()
        costs: dict[str, list[float]] = {"upload 50": [], "diary page": [], "close-weeks": []}
        with TestClient(app, base_url="http://testserver") as http:
            headers, device = register(http, email="f@bench.test", password=PASSWORD)
            for rep in range(MIN_REPEAT):
                images, bodies = prepared_batch(device, contract_id,
                                                DAY + timedelta(minutes=500 * rep))
                started = time.perf_counter()
                upload(http, headers, device.device_id, images, bodies)
                costs["upload 50"].append((time.perf_counter() - started) * 1000)
            http.cookies.clear()
            token = re.search(r'name="csrf_token" value="([^"]+)"',
                              http.get("/login").text)
            assert token
            http.post("/login", data={"email": "c@bench.test", "password": PASSWORD,
                                      "csrf_token": token.group(1)})
            page = f"/contracts/{contract_id}/diary/2026-11-24?tz=UTC"
            assert http.get(page).status_code == 200
            for _ in range(MIN_REPEAT):
                started = time.perf_counter()
                response = http.get(page)
                costs["diary page"].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        with app.state.sessionmaker() as session:
            for week in range(MIN_REPEAT):
                moment = datetime.combine(CLOSE_WEEK0 + timedelta(weeks=week, days=7),
                                          datetime.min.time(), UTC) + timedelta(hours=12)
                started = time.perf_counter()
                report = close_weeks(session, moment)
                costs["close-weeks"].append((time.perf_counter() - started) * 1000)
                assert report.invoiced >= 1, report
        app.state.engine.dispose()
    return costs


def prepared_batch(device: DeviceChain, contract_id: str, start: datetime
                   ) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """50 signed segments from ``start`` and their stamped pictures (untimed)."""
    images: dict[str, bytes] = {}
    bodies = []
    for i in range(50):
        begin = start + timedelta(minutes=10 * i)
        segment_id = uuid.uuid4().hex
        taken_at = begin + timedelta(minutes=3)
        picture = make_jpeg(64, 36, quality=70, stamp=make_stamp(segment_id, taken_at))
        sha = hashlib.sha256(picture).hexdigest()
        images[sha] = picture
        segment = Segment(
            id=segment_id, contract_id=contract_id, start=begin,
            end=begin + timedelta(minutes=10), memo="growth",
            minutes=tuple(MinuteRecord(at=begin + timedelta(minutes=m), keys=30, clicks=4,
                                       moves=50, active_seconds=45) for m in range(10)),
            screenshots=(ScreenshotRef(taken_at=taken_at, sha256=sha, width=64, height=36,
                                       size=len(picture)),))
        bodies.append(segment_to_dict(device.chain(segment)))
    return images, bodies


def upload(http: Any, headers: dict[str, str], device_id: str, images: dict[str, bytes],
           bodies: list[dict[str, Any]]) -> None:
    """As the desktop's outbox does: each picture by PUT, then the batch of segments."""
    for sha, data in images.items():
        response = http.put(f"/api/v1/screenshots/{sha}", content=data, headers={
            **headers, "Content-Type": "image/jpeg", "X-Workdiary-Device": device_id})
        assert response.status_code in (200, 201), response.text
    response = http.post("/api/v1/segments", content=json.dumps({"segments": bodies}),
                         headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert {v["status"] for v in response.json()["segments"]} == {"protected"}


def local_point(weeks: int) -> dict[str, list[float]]:
    """The desktop store's hot path with ``weeks`` weeks (240 segments each) already in it."""
    with tempfile.TemporaryDirectory(prefix="bench-growth-local-") as tmp:
        monday = datetime(2026, 3, 2, tzinfo=UTC)
        clock = FakeClock(monday)
        store = LocalStore(Path(tmp) / "workdiary.sqlite3", clock=clock)
        store.replace_contracts([LocalContract("c-1", "Bench", "Client", "Me", 2500,
                                               policy=Policy())])
        seq = [0]

        def record(start: datetime) -> None:
            seq[0] += 1
            seg_id = uuid.uuid4().hex
            store.start_segment(seg_id, "c-1", start, start + timedelta(minutes=10), "work")
            for minute in range(10):
                store.add_minute(seg_id, MinuteRecord(at=start + timedelta(minutes=minute),
                                                      keys=40, clicks=3, moves=20,
                                                      active_seconds=45))
            store.add_screenshot(seg_id, ScreenshotRef(
                taken_at=start + timedelta(seconds=30), sha256=f"{seq[0]:064x}", width=1920,
                height=1080, size=120_000), jpeg=b"\xff\xd8 bench", thumbnail=b"\xff\xd8 t")
            store.close_segment(seg_id, start + timedelta(minutes=10))
            store.set_signature(seg_id, "A" * 88)

        for week in range(weeks):
            for day in range(5):
                for index in range(48):
                    record(monday + timedelta(weeks=week, days=day, hours=9,
                                              minutes=10 * index))
        after = monday + timedelta(weeks=weeks + 1)
        costs: dict[str, list[float]] = {"record segment": [], "day of diary": [],
                                         "pending list": []}
        for rep in range(MIN_REPEAT):
            started = time.perf_counter()
            record(after + timedelta(minutes=10 * rep))
            costs["record segment"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            store.segments_between(after, after + timedelta(days=1))
            costs["day of diary"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            store.pending_segments(after + timedelta(days=1), 50)
            costs["pending list"].append((time.perf_counter() - started) * 1000)
        store.close()
    return costs


def series(bench: Bench, name: str, title: str, x_label: str, sizes: list[int],
           point: Callable[[int], dict[str, list[float]]]) -> None:
    medians: dict[str, list[float]] = {}
    raw: dict[str, list[list[float]]] = {}
    loads: list[float] = []
    for size in sizes:
        loads.append(load_average())
        started = time.monotonic()
        costs = point(size)
        for op, values in costs.items():
            medians.setdefault(op, []).append(Spread.of(values).median)
            raw.setdefault(op, []).append(values)
        print(f"{name} at {size:,}: " + ", ".join(
            f"{op} {Spread.of(v).median:.1f} ms" for op, v in costs.items())
            + f"  [load {loads[-1]}, {time.monotonic() - started:.0f} s]", flush=True)
    bench.record("growth", series=name, title=title, x_label=x_label, unit="ms",
                 sizes=sizes, costs=medians, samples=raw, loads=loads)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=None, help="server segment rows (10000,100000,1000000)")
    parser.add_argument("--contracts", default=None, help="contracts per client (10,100,1000)")
    parser.add_argument("--weeks", default=None, help="local weeks of 240 segments (1,10,30)")
    parser.add_argument("--only", choices=("server-segments", "client-contracts", "local-cache"))
    bench = Bench("bench_growth", parser)
    args = bench.args
    sizes = parse_sizes(args.sizes or ("2000,20000" if bench.quick else "10000,100000,1000000"))
    contracts = parse_sizes(args.contracts or ("10,100" if bench.quick else "10,100,1000"))
    weeks = parse_sizes(args.weeks or ("1,4" if bench.quick else "1,10,30"))
    url = os.environ.get("WORKDIARY_BENCH_POSTGRES_URL")
    backend = "PostgreSQL (durable)" if url else "SQLite"
    filler_start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    settle = [datetime(2026, 1, 20, 12, 0, tzinfo=UTC), datetime(2026, 2, 10, 12, 0, tzinfo=UTC)]
    if args.only in (None, "server-segments"):
        series(bench, "server-segments", f"Server: segment rows in the database ({backend})",
               "segment rows", sizes, lambda n: server_point(
                   url, contracts=100, rows=n, filler_start=filler_start,
                   step=timedelta(minutes=10), settle=settle))
    if args.only in (None, "client-contracts"):
        series(bench, "client-contracts", f"Server: contracts of one client ({backend})",
               "contracts", contracts, lambda n: server_point(
                   url, contracts=n, rows=3 * n, filler_start=filler_start,
                   step=timedelta(minutes=10), settle=settle))
    if args.only in (None, "local-cache"):
        series(bench, "local-cache", "Desktop: weeks of 240 segments in the local store",
               "segments", [240 * w for w in weeks], lambda n: local_point(n // 240))
    return 0


if __name__ == "__main__":
    sys.exit(main())
