"""Server throughput on a durable PostgreSQL, against the bare minimum measured in the same run.

One server worker (uvicorn in a subprocess, on 127.0.0.1) and one client (requests, keep-alive)
on the benchmark's own PostgreSQL with durable settings (fsync on, synchronous_commit on; the
script refuses a cluster with fsync off unless --allow-fsync-off). Several desktops (device
chains, each its own freelancer and contract) take turns posting their next batch of 50 signed
segments; the JSON body is encoded INSIDE the timed loop. Each figure is repeated (>= 5),
alternating with its baseline:

- segments/s: ours vs the bare ingest, in-process: parse the same JSON, verify every Ed25519
  signature with ``cryptography``, insert the same rows with psycopg in the same batches (one
  transaction per batch) into a plain table on the same cluster;
- POST of a batch, ms per request: ours vs an empty FastAPI route (uvicorn, same body): the
  HTTP overhead;
- screenshot uploads/s (busy 1080p JPEGs from the product's encoder): ours vs a raw put (a
  FastAPI route that writes the body to a file, temp file + rename, as FileBlobStore does).

Budgets (issue 16): >= 1,000 segments/s and >= 150 uploads/s per worker, and ours >= half the
bare ingest. close-weeks is measured by bench_growth (per number of contracts).

    .venv/bin/python benchmarks/bench_server.py [--devices 4] [--batches 2] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from sqlalchemy import make_url, text

from workdiary.capture.encode import encode_screenshot
from workdiary.core.canonical import canonical_bytes, segment_from_dict, segment_to_dict
from workdiary.core.clock import FakeClock
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment
from workdiary.core.shotstamp import make_stamp
from workdiary.server.app import create_app, serving
from workdiary.server.db import make_engine
from workdiary.server.services import contracts, users
from workdiary.server.settings import Settings, StorageSettings
from workdiary.testing.devices import DeviceChain
from workdiary.testing.images import draw_picture, make_jpeg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Bench, Figure, interleave

NOW = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # Monday before the lock: the week is open
WEEK = date(2026, 11, 23)
BATCH = 50
DB = "workdiary_bench"


def fresh_postgres(url: str) -> str:
    """A new, empty database ``workdiary_bench`` on that server; returns its URL."""
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()
    return make_url(url).set(database=DB).render_as_string(hide_password=False)


def jpeg_150k(seed: int) -> bytes:
    """A busy 1080p screen as the desktop sends it: the product's encoder (<= 150 KB)."""
    return encode_screenshot(draw_picture(1920, 1080, picture="busy", seed=seed), blur=False).jpeg


def durable(url: str) -> tuple[str, str]:
    """The cluster's fsync and synchronous_commit settings."""
    engine = make_engine(url)
    with engine.connect() as conn:
        fsync = conn.execute(text("SHOW fsync")).scalar_one()
        sync = conn.execute(text("SHOW synchronous_commit")).scalar_one()
    engine.dispose()
    return str(fsync), str(sync)


class Desktop:
    """One freelancer's device: token, contract, chain, and its signed segments still to send."""

    def __init__(self, app: Any, index: int) -> None:
        with app.state.sessionmaker() as session:
            if index == 0:
                users.create_user(session, email="c@bench.test", name="C", role="client",
                                  password="benchmark-password", now=NOW)
            freelancer = users.create_user(session, email=f"f{index}@bench.test", name="F",
                                           role="freelancer", password="benchmark-password",
                                           now=NOW)
            token = users.issue_token(session, user=freelancer, device_name="bench", now=NOW)
            contract = contracts.create_contract(
                session, client_email="c@bench.test", freelancer_email=f"f{index}@bench.test",
                title=f"Bench {index}", rate_cents=5000, now=NOW)
            self.contract_id = contract.id
        self.headers = {"Authorization": f"Bearer {token}"}
        self.device = DeviceChain()
        self.index = index
        self.next_start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)

    def register(self, api: Api) -> None:
        response = api.post("/devices", headers=self.headers, json={
            "name": "bench", "public_key": self.device.public_key,
            "device_id": self.device.device_id})
        assert response.status_code in (200, 201), response.text

    def batch(self, api: Api) -> list[dict[str, Any]]:
        """The next 50 signed segments, each with its stamped screenshot uploaded (untimed)."""
        bodies = []
        for _ in range(BATCH):
            begin = self.next_start
            self.next_start += timedelta(minutes=10)
            segment_id = f"bench-{self.index}-{self.device.seq + 1:06d}"
            taken_at = begin + timedelta(minutes=3)
            picture = stamped_thumb(segment_id, taken_at)
            digest = hashlib.sha256(picture).hexdigest()
            response = api.put(f"/screenshots/{digest}", data=picture, headers={
                **self.headers, "X-Workdiary-Device": self.device.device_id})
            assert response.status_code == 201, response.text
            segment = Segment(
                id=segment_id, contract_id=self.contract_id, start=begin,
                end=begin + timedelta(minutes=10), memo="benchmarking the server",
                minutes=tuple(MinuteRecord(at=begin + timedelta(minutes=i), keys=30, clicks=4,
                                           moves=50, active_seconds=45) for i in range(10)),
                screenshots=(ScreenshotRef(taken_at=taken_at, sha256=digest, width=64,
                                           height=36, size=len(picture)),),
            )
            bodies.append(segment_to_dict(self.device.chain(segment)))
        return bodies


def stamped_thumb(segment_id: str, taken_at: datetime) -> bytes:
    """A small picture bound to one segment and moment, as the desktop's encoder makes them."""
    return make_jpeg(64, 36, quality=70, stamp=make_stamp(segment_id, taken_at))


def serve(url: str, data_dir: str, port: str) -> int:
    """The server role: one uvicorn worker on the benchmark's database, clock fixed at NOW."""
    import uvicorn

    settings = Settings(storage=StorageSettings(database_url=url, data_dir=Path(data_dir)),
                        demo=True, close_weeks_interval=0, auto_migrate=False)
    app = serving(create_app(settings, clock=FakeClock(NOW)))  # as `workdiary server run`
    uvicorn.run(app, host="127.0.0.1", port=int(port),
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


def start_server(mode: str, url: str, data_dir: Path,
                 base: str = "/api/v1") -> tuple[subprocess.Popen[bytes], Api]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, mode, url, str(data_dir), str(port)])
    api = Api(f"http://127.0.0.1:{port}{base}")
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


def serve_baseline(_url: str, data_dir: str, port: str) -> int:
    """The baselines' server: an empty route and a raw file put, on the same uvicorn."""
    import uvicorn

    app = FastAPI()
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)

    @app.get("/me")
    def me() -> dict[str, str]:
        return {}

    @app.post("/empty")
    async def empty(request: Request) -> dict[str, str]:
        await request.body()
        return {}

    @app.put("/put/{name}")
    async def put(name: str, request: Request) -> Response:
        data = await request.body()
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / name)
        return Response(status_code=201)

    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", access_log=False)
    return 0


class BareIngest:
    """The ingest ceiling: parse, verify each signature with cryptography, psycopg insert."""

    COLUMNS = ("id", "contract_id", "device_id", "seq", "start", "end", "memo", "chain_hash",
               "body")

    def __init__(self, url: str, keys: dict[str, str]) -> None:
        import base64

        import psycopg
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        self.keys = {device: Ed25519PublicKey.from_public_bytes(base64.b64decode(key))
                     for device, key in keys.items()}
        self.b64 = base64.b64decode
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = psycopg.connect(dsn)
        with self.conn.transaction():
            self.conn.execute("""CREATE TABLE IF NOT EXISTS bare_segments (
                id varchar(64) PRIMARY KEY, contract_id varchar(64), device_id varchar(64),
                seq integer, start timestamptz, "end" timestamptz, memo text,
                chain_hash varchar(64), body jsonb)""")

    def ingest(self, payload: bytes) -> None:
        segments = json.loads(payload)["segments"]
        rows = []
        for data in segments:
            segment = segment_from_dict(data)
            self.keys[segment.device_id].verify(self.b64(segment.signature),
                                                canonical_bytes(segment))
            rows.append((f"{segment.id}", segment.contract_id, segment.device_id, segment.seq,
                         segment.start, segment.end, segment.memo, segment.prev_hash,
                         json.dumps(data)))
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.executemany(
                'INSERT INTO bare_segments (id, contract_id, device_id, seq, start, "end", memo,'
                " chain_hash, body) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)

    def close(self) -> None:
        self.conn.close()


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] in ("--serve", "--serve-baseline"):
        return (serve if sys.argv[1] == "--serve" else serve_baseline)(*sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=4, help="desktops (device chains)")
    parser.add_argument("--batches", type=int, default=2,
                        help="batches of 50 per desktop per repetition")
    parser.add_argument("--shots", type=int, default=40, help="uploads per repetition")
    parser.add_argument("--allow-fsync-off", action="store_true")
    bench = Bench("bench_server", parser)
    args = bench.args
    if bench.quick:
        args.devices, args.batches, args.shots = min(args.devices, 3), 1, 10
    url = os.environ.get("WORKDIARY_BENCH_POSTGRES_URL") or os.environ.get(
        "WORKDIARY_TEST_POSTGRES_URL")
    if not url:
        print("bench_server: no PostgreSQL (scripts/bench.sh starts a durable one and sets "
              "WORKDIARY_BENCH_POSTGRES_URL)")
        return 1
    url = fresh_postgres(url)
    fsync, sync_commit = durable(url)
    if fsync != "on" and not args.allow_fsync_off:
        print(f"bench_server: the cluster runs with fsync={fsync}; the budget is for durable "
              "settings (scripts/bench.sh starts one with fsync on)")
        return 1
    reps = bench.repeat_count
    print(f"bench_server: PostgreSQL fsync={fsync}, synchronous_commit={sync_commit}; "
          f"{args.devices} desktops x {args.batches} batches of {BATCH} and {args.shots} uploads "
          f"per repetition, {reps} repetitions")
    with tempfile.TemporaryDirectory(prefix="workdiary-bench-server-") as tmp:
        folder = Path(tmp)
        settings = Settings(storage=StorageSettings(database_url=url, data_dir=folder / "data"),
                            demo=True, close_weeks_interval=0)
        app = create_app(settings, clock=FakeClock(NOW))  # migrates; used for the setup
        desktops = [Desktop(app, i) for i in range(args.devices)]
        app.state.engine.dispose()
        process, api = start_server("--serve", url, folder / "data")
        base_process, base_api = start_server("--serve-baseline", url, folder / "raw", base="")
        bare = BareIngest(url, {d.device.device_id: d.device.public_key for d in desktops})
        try:
            run(bench, api, base_api, bare, desktops, args, reps)
        finally:
            bare.close()
            for proc in (process, base_process):
                proc.terminate()
                proc.wait(timeout=30)
    return bench.exit_code()


def run(bench: Bench, api: Api, base_api: Api, bare: BareIngest, desktops: list[Desktop],
        args: argparse.Namespace, reps: int) -> None:
    for desktop in desktops:
        desktop.register(api)
    print("  preparing signed segments and screenshots (untimed) ...", flush=True)
    # Every repetition sends new segments: [rep][turn] = (desktop, bodies).
    plan = [[(d, d.batch(api)) for _ in range(args.batches) for d in desktops]
            for _ in range(reps)]
    images = [[jpeg_150k(r * 1000 + i) for i in range(args.shots)] for r in range(reps)]
    warm = jpeg_150k(999_999)
    api.put(f"/screenshots/{hashlib.sha256(warm).hexdigest()}", headers=desktops[0].headers,
            data=warm)
    base_api.post("/empty", data=b"{}")
    per_rep = args.devices * args.batches * BATCH
    rounds = iter(range(reps))
    shots_round = iter(range(reps))
    post_ms: list[float] = []
    empty_ms: list[float] = []

    def ours_segments() -> float:
        turns = plan[next(rounds)]
        started = time.perf_counter()
        for desktop, bodies in turns:
            payload = json.dumps({"segments": bodies}).encode()  # inside the clock
            t0 = time.perf_counter()
            response = api.post("/segments", data=payload, headers={
                **desktop.headers, "Content-Type": "application/json"})
            post_ms.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.text
            statuses = {v["status"] for v in response.json()["segments"]}
            assert statuses == {"protected"}, statuses
        return per_rep / (time.perf_counter() - started)

    bare_round = iter(range(reps))

    def bare_segments() -> float:
        turns = plan[next(bare_round)]
        started = time.perf_counter()
        for _desktop, bodies in turns:
            bare.ingest(json.dumps({"segments": bodies}).encode())
        return per_rep / (time.perf_counter() - started)

    loads: list[float] = []
    ours, base = interleave(ours_segments, bare_segments, reps, loads)
    bench.emit(Figure(bench.name, "segments_per_s", "Segments verified + stored per worker, "
                      f"batches of {BATCH}, {args.devices} desktops, fsync on", "segments/s",
                      ours, loads, better="higher", budget=1000.0,
                      baseline_label="cryptography verify + psycopg insert, same batches",
                      baseline=base, ratio_budget=0.5))

    def empty_post() -> None:
        for _desktop, bodies in plan[0]:
            payload = json.dumps({"segments": bodies}).encode()
            t0 = time.perf_counter()
            response = base_api.post("/empty", data=payload,
                                     headers={"Content-Type": "application/json"})
            empty_ms.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.text

    for _ in range(reps):
        empty_post()
    bench.emit(Figure(bench.name, "post_batch_ms", f"POST /segments, one batch of {BATCH}",
                      "ms", post_ms, loads, baseline_label="empty FastAPI route, same body",
                      baseline=empty_ms))

    def ours_uploads() -> float:
        batch = images[next(shots_round)]
        # As the desktop sends them: from its registered device (checked on every upload).
        headers = {**desktops[0].headers, "X-Workdiary-Device": desktops[0].device.device_id}
        started = time.perf_counter()
        for image in batch:
            response = api.put(f"/screenshots/{hashlib.sha256(image).hexdigest()}",
                               headers=headers, data=image)
            assert response.status_code == 201, response.text
        return len(batch) / (time.perf_counter() - started)

    raw_round = iter(range(reps))

    def raw_uploads() -> float:
        batch = images[next(raw_round)]
        started = time.perf_counter()
        for image in batch:
            response = base_api.put(f"/put/{hashlib.sha256(image).hexdigest()}", data=image)
            assert response.status_code == 201, response.text
        return len(batch) / (time.perf_counter() - started)

    loads3: list[float] = []
    ours_up, raw_up = interleave(ours_uploads, raw_uploads, reps, loads3)
    size = sum(len(i) for r in images for i in r) / sum(len(r) for r in images)
    bench.emit(Figure(bench.name, "uploads_per_s", f"Screenshot uploads ({size / 1000:.0f} KB "
                      "busy 1080p JPEG) per worker", "uploads/s", ours_up, loads3,
                      better="higher", budget=150.0,
                      baseline_label="raw file put behind an empty FastAPI route",
                      baseline=raw_up))


if __name__ == "__main__":
    sys.exit(main())
