"""Server throughput: signed segments verified and stored per second (batches of 50),
screenshot uploads per second (~150 KB JPEGs), close-weeks over 1,000 contracts.

One server worker (uvicorn, in a subprocess, on 127.0.0.1) and one client (requests with
keep-alive) on this 2-core machine: HTTP, JSON parsing, validation, verification, storage.
On SQLite, and on PostgreSQL when $WORKDIARY_TEST_POSTGRES_URL is set (as scripts/bench.sh
does). close-weeks is timed in-process on the same database. Request bodies are encoded
before the clock starts. Budgets (DESIGN.md): >= 1,000 segments/s per worker on PostgreSQL,
>= 100 screenshot uploads/s.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

from workdiary.capture.encode import encode_screenshot
from workdiary.core.canonical import segment_to_dict
from workdiary.core.clock import FakeClock
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment
from workdiary.core.shotstamp import make_stamp
from workdiary.server.app import create_app
from workdiary.server.db import make_engine
from workdiary.server.models import Base, Contract, SegmentRow
from workdiary.server.services import contracts, users
from workdiary.server.services.weeks import close_weeks
from workdiary.server.settings import Settings, StorageSettings
from workdiary.testing.devices import DeviceChain
from workdiary.testing.images import draw_picture, make_jpeg

NOW = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # Monday before the lock: the week is open
WEEK = date(2026, 11, 23)
BATCH = 50
SEGMENTS = 1000  # 10-minute segments: 6.9 days, one open week
SHOTS = 200
CONTRACTS = 1000


def fresh_postgres(url: str) -> str:
    """A new, empty database ``workdiary_bench`` on that server; returns its URL."""
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "workdiary_bench" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "workdiary_bench"'))
    admin.dispose()
    return make_url(url).set(database="workdiary_bench").render_as_string(hide_password=False)


def jpeg_150k(seed: int) -> bytes:
    """A busy 1080p screen as the desktop sends it: the product's encoder (<= 150 KB)."""
    return encode_screenshot(draw_picture(1920, 1080, picture="busy", seed=seed), blur=False).jpeg


def setup(app: Any) -> tuple[dict[str, str], str, str]:
    with app.state.sessionmaker() as session:
        users.create_user(session, email="c@bench.test", name="C", role="client",
                          password="benchmark-password", now=NOW)
        freelancer = users.create_user(session, email="f@bench.test", name="F",
                                       role="freelancer", password="benchmark-password", now=NOW)
        token = users.issue_token(session, user=freelancer, device_name="bench", now=NOW)
        contract = contracts.create_contract(session, client_email="c@bench.test",
                                             freelancer_email="f@bench.test", title="Bench",
                                             rate_cents=5000, now=NOW)
        return {"Authorization": f"Bearer {token}"}, contract.id, freelancer.id


def stamped_thumb(segment_id: str, taken_at: datetime) -> bytes:
    """A small picture bound to one segment and moment, as the desktop's encoder makes them."""
    return make_jpeg(64, 36, quality=70, stamp=make_stamp(segment_id, taken_at))


def signed_segments(contract_id: str, device: DeviceChain,
                    shot: Callable[[str, datetime], str]) -> list[dict]:
    """Signed, chained segments; ``shot(segment id, taken_at)`` uploads each one's picture."""
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    bodies = []
    for seq in range(1, SEGMENTS + 1):
        begin = start + timedelta(minutes=10 * (seq - 1))
        segment_id = f"bench-{seq:06d}"
        taken_at = begin + timedelta(minutes=3)
        segment = Segment(
            id=segment_id, contract_id=contract_id, start=begin,
            end=begin + timedelta(minutes=10), memo="benchmarking the server",
            minutes=tuple(MinuteRecord(at=begin + timedelta(minutes=i), keys=30, clicks=4,
                                       moves=50, active_seconds=45) for i in range(10)),
            screenshots=(ScreenshotRef(taken_at=taken_at, sha256=shot(segment_id, taken_at),
                                       width=64, height=36, size=2_000),),
        )
        bodies.append(segment_to_dict(device.chain(segment)))
    return bodies


def serve(url: str, data_dir: str, port: str) -> int:
    """The server role: one uvicorn worker on the benchmark's database, clock fixed at NOW."""
    import uvicorn

    settings = Settings(storage=StorageSettings(database_url=url, data_dir=Path(data_dir)),
                        demo=True, close_weeks_interval=0, auto_migrate=False)
    uvicorn.run(create_app(settings, clock=FakeClock(NOW)), host="127.0.0.1", port=int(port),
                log_level="warning", access_log=False)
    return 0


class Api:
    """A tiny requests client for the benchmark (keep-alive, JSON)."""

    def __init__(self, base: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.http.post(self.base + path, timeout=60, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.http.put(self.base + path, timeout=60, **kwargs)


def start_server(url: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], Api]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve", url, str(data_dir),
                                str(port)])
    api = Api(f"http://127.0.0.1:{port}/api/v1")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            api.http.get(api.base + "/me", timeout=1)
            return process, api
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the benchmark server did not start")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_backend(name: str, url: str, data_dir: Path) -> None:
    settings = Settings(storage=StorageSettings(database_url=url, data_dir=data_dir), demo=True,
                        close_weeks_interval=0)
    app = create_app(settings, clock=FakeClock(NOW))  # migrates; used for setup and close-weeks
    headers, contract_id, _ = setup(app)
    process, api = start_server(url, data_dir)
    try:
        device = DeviceChain()
        api.post("/devices", headers=headers, json={
            "name": "bench", "public_key": device.public_key, "device_id": device.device_id})
        images = [jpeg_150k(i) for i in range(SHOTS)]
        sizes = sum(len(i) for i in images) / len(images)
        for n in range(5):  # warm up: first imports, decoder plugins, connections
            warm = jpeg_150k(10_000 + n)
            api.put(f"/screenshots/{hashlib.sha256(warm).hexdigest()}", headers=headers,
                    data=warm)
        started = time.perf_counter()
        for image in images:
            response = api.put(f"/screenshots/{hashlib.sha256(image).hexdigest()}",
                               headers=headers, data=image)
            assert response.status_code == 201, response.text
        shots_rate = SHOTS / (time.perf_counter() - started)

        def upload_bound(segment_id: str, taken_at: datetime) -> str:  # untimed setup
            picture = stamped_thumb(segment_id, taken_at)
            digest = hashlib.sha256(picture).hexdigest()
            response = api.put(f"/screenshots/{digest}", data=picture, headers={
                **headers, "X-Workdiary-Device": device.device_id})
            assert response.status_code == 201, response.text
            return digest

        bodies = signed_segments(contract_id, device, upload_bound)
        payloads = [json.dumps({"segments": bodies[i:i + BATCH]}).encode()
                    for i in range(0, SEGMENTS, BATCH)]
        json_headers = {**headers, "Content-Type": "application/json"}
        started = time.perf_counter()
        for payload in payloads:
            response = api.post("/segments", headers=json_headers, data=payload)
            assert response.status_code == 200, response.text
        seg_rate = SEGMENTS / (time.perf_counter() - started)
        statuses = {v["status"] for v in response.json()["segments"]}
        assert statuses == {"protected"}, statuses
    finally:
        process.terminate()
        process.wait(timeout=30)
    close_s = bench_close_weeks(app)
    app.state.engine.dispose()
    budget = "  (budget >= 1,000/s on PostgreSQL)" if name == "postgresql" else ""
    print(f"[{name}] segments verified+stored: {seg_rate:,.0f}/s per worker, batches of "
          f"{BATCH}{budget}")
    print(f"[{name}] screenshot uploads ({sizes / 1024:.0f} KB JPEG, 1920x1080): "
          f"{shots_rate:,.0f}/s  (budget >= 100/s)")
    print(f"[{name}] close-weeks over {CONTRACTS:,} contracts: invoice {close_s[0]:.2f} s, "
          f"approve+pay {close_s[1]:.2f} s")


def bench_close_weeks(app: Any) -> tuple[float, float]:
    with app.state.sessionmaker() as session:
        client = users.get_user_by_email(session, email="c@bench.test")
        freelancer = users.get_user_by_email(session, email="f@bench.test")
        assert client and freelancer
        made = [Contract(client_id=client.id, freelancer_id=freelancer.id, title=f"C{i}",
                         rate_cents=3000 + i, currency="USD", status="active", created_at=NOW,
                         segment_minutes=10, screenshots_per_segment=1, capture="all",
                         blur=False, allow_redaction=True, allow_manual=False,
                         window_titles=False, idle_minutes=10) for i in range(CONTRACTS)]
        session.add_all(made)
        session.flush()
        start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the week after the one above
        for n, contract in enumerate(made):
            for k in range(3):
                begin = start + timedelta(minutes=10 * k)
                session.add(SegmentRow(
                    id=f"cw-{n}-{k}", contract_id=contract.id, freelancer_id=freelancer.id,
                    device_id="bench", seq=n * 3 + k, start=begin,
                    end=begin + timedelta(minutes=10), week_start=date(2026, 11, 30),
                    kind="tracked", status="protected", billable_seconds=600,
                    over_limit_seconds=0, reasons=[], memo="", redacted=False,
                    chain_hash="0" * 64, body_hash="0" * 64, body={}, deleted=False,
                    received_at=begin))
        session.commit()
        started = time.perf_counter()
        report = close_weeks(session, datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
        invoice_s = time.perf_counter() - started
        assert report.invoiced >= CONTRACTS, report
        started = time.perf_counter()
        report = close_weeks(session, datetime(2026, 12, 11, 23, 59, tzinfo=UTC))
        pay_s = time.perf_counter() - started
        assert report.paid >= CONTRACTS, report
    return invoice_s, pay_s


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        return serve(*sys.argv[2:])
    with tempfile.TemporaryDirectory(prefix="workdiary-bench-server-") as tmp:
        folder = Path(tmp)
        bench_backend("sqlite", f"sqlite:///{folder / 'sqlite' / 'server.sqlite3'}",
                      folder / "sqlite")
        url = os.environ.get("WORKDIARY_TEST_POSTGRES_URL")
        if url:
            bench_backend("postgresql", fresh_postgres(url), folder / "pg")
        else:
            print("[postgresql] skipped: set WORKDIARY_TEST_POSTGRES_URL (scripts/bench.sh "
                  "starts a throwaway cluster)")
    _ = Base
    return 0


if __name__ == "__main__":
    sys.exit(main())
