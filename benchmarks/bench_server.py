"""Server throughput on a durable PostgreSQL, against the bare minimum measured in the same run.

One server worker (uvicorn in a subprocess, on 127.0.0.1) on the benchmark's own PostgreSQL with
durable settings (fsync on, synchronous_commit on; the script refuses a cluster with fsync off
unless --allow-fsync-off). Several desktops (device chains, each its own freelancer, contract
and keep-alive connection) send AT ONCE, one thread each, as a server sees them: a figure "per
worker" is what one worker serves when there is always a request waiting, not the round-trip
time of one desktop. Each desktop posts its next batch of 50 signed segments (the JSON body is
encoded INSIDE the timed loop) or uploads its screenshots. The load generator is a bare
``http.client`` connection per desktop, not requests: on a 2-core machine every millisecond the
client spends is taken from the server it measures. Each figure is repeated (>= 5),
alternating with its baseline, which runs with the same desktops and threads:

- segments/s: ours vs the bare ingest: parse the same JSON, verify every Ed25519 signature
  with ``cryptography``, insert the same rows with psycopg in the same batches (one
  transaction per batch, one connection per desktop) into a plain table on the same cluster;
- POST of a batch, ms per request under that load: ours vs an empty FastAPI route (uvicorn,
  same bodies, same desktops at once): the HTTP overhead;
- screenshot uploads/s (busy 1080p JPEGs from the product's encoder): ours vs a raw put (a
  FastAPI route that writes the body to a file, temp file + rename, as FileBlobStore does);
- the server's CPU per upload (ms, read from /proc beside the same repetitions): ours vs the
  raw put's; this one hardly moves with the machine's load.

Budgets (issue 16): >= 1,000 segments/s and >= 150 uploads/s per worker, and ours >= half the
bare ingest. close-weeks is measured by bench_growth (per number of contracts).

    .venv/bin/python benchmarks/bench_server.py [--devices 4] [--batches 2] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
from harness import Bench, Figure, interleave, process_cpu_seconds

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


class Connection:
    """The load generator's side of one desktop: a bare keep-alive ``http.client`` connection.

    Cheaper per request than requests (no session, adapters, cookie jar or URL parsing), so
    less of the 2-core machine goes to the client instead of the server being measured.
    """

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.prefix = parts.path
        self.http = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def send(self, method: str, path: str, body: bytes,
             headers: dict[str, str]) -> tuple[int, bytes]:
        self.http.request(method, self.prefix + path, body=body, headers=headers)
        response = self.http.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.http.close()


def at_once(jobs: list[Callable[[], None]]) -> float:
    """Seconds until every job (one desktop's share, on its own thread) has finished."""
    errors: list[BaseException] = []

    def guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # reported on the main thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


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

    def __init__(self, url: str, keys: dict[str, str], connections: int) -> None:
        import base64

        import psycopg
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        self.keys = {device: Ed25519PublicKey.from_public_bytes(base64.b64decode(key))
                     for device, key in keys.items()}
        self.b64 = base64.b64decode
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.conns = [psycopg.connect(dsn) for _ in range(connections)]  # one per desktop
        with self.conns[0].transaction():
            self.conns[0].execute("""CREATE TABLE IF NOT EXISTS bare_segments (
                id varchar(64) PRIMARY KEY, contract_id varchar(64), device_id varchar(64),
                seq integer, start timestamptz, "end" timestamptz, memo text,
                chain_hash varchar(64), body jsonb)""")

    def ingest(self, payload: bytes, connection: int) -> None:
        segments = json.loads(payload)["segments"]
        rows = []
        for data in segments:
            segment = segment_from_dict(data)
            self.keys[segment.device_id].verify(self.b64(segment.signature),
                                                canonical_bytes(segment))
            rows.append((f"{segment.id}", segment.contract_id, segment.device_id, segment.seq,
                         segment.start, segment.end, segment.memo, segment.prev_hash,
                         json.dumps(data)))
        conn = self.conns[connection]
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(
                'INSERT INTO bare_segments (id, contract_id, device_id, seq, start, "end", memo,'
                " chain_hash, body) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] in ("--serve", "--serve-baseline"):
        return (serve if sys.argv[1] == "--serve" else serve_baseline)(*sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=4, help="desktops (device chains)")
    parser.add_argument("--batches", type=int, default=2,
                        help="batches of 50 per desktop per repetition")
    parser.add_argument("--shots", type=int, default=120, help="uploads per repetition")
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
        bare = BareIngest(url, {d.device.device_id: d.device.public_key for d in desktops},
                          connections=len(desktops))
        try:
            run(bench, api, base_api, bare, desktops, args, reps, process.pid, base_process.pid)
        finally:
            bare.close()
            for proc in (process, base_process):
                proc.terminate()
                proc.wait(timeout=30)
    return bench.exit_code()


def run(bench: Bench, api: Api, base_api: Api, bare: BareIngest, desktops: list[Desktop],
        args: argparse.Namespace, reps: int, server_pid: int, base_pid: int) -> None:
    for desktop in desktops:
        desktop.register(api)
    print("  preparing signed segments and screenshots (untimed) ...", flush=True)
    # Every repetition sends new segments: [rep][desktop] = that desktop's batches, in order.
    plan = [[[d.batch(api) for _ in range(args.batches)] for d in desktops] for _ in range(reps)]
    # And new screenshots: [rep][desktop] = that desktop's share of the repetition's uploads.
    images = [[[jpeg_150k((r * len(desktops) + k) * 1000 + i)
                for i in range(k, args.shots, len(desktops))] for k in range(len(desktops))]
              for r in range(reps)]
    warm = jpeg_150k(999_999)
    api.put(f"/screenshots/{hashlib.sha256(warm).hexdigest()}", headers=desktops[0].headers,
            data=warm)
    base_api.post("/empty", data=b"{}")
    per_rep = args.devices * args.batches * BATCH
    clients = [Connection(api.base) for _ in desktops]
    base_clients = [Connection(base_api.base) for _ in desktops]
    rounds = iter(range(reps))
    post_ms: list[float] = []
    empty_ms: list[float] = []

    def post_batches(client: Connection, desktop: Desktop, batches: list[list[dict[str, Any]]],
                     into: list[float], path: str = "/segments") -> None:
        headers = {**desktop.headers, "Content-Type": "application/json"}
        for bodies in batches:
            payload = json.dumps({"segments": bodies}).encode()  # inside the clock
            t0 = time.perf_counter()
            status, body = client.send("POST", path, payload, headers)
            into.append((time.perf_counter() - t0) * 1000)
            assert status == 200, body
            if path == "/segments":
                statuses = {v["status"] for v in json.loads(body)["segments"]}
                assert statuses == {"protected"}, statuses

    batch_count = per_rep / BATCH
    batch_cpu_ms: list[float] = []
    bare_cpu_ms: list[float] = []

    def ours_segments() -> float:
        turn = plan[next(rounds)]
        cpu = process_cpu_seconds(server_pid)
        seconds = at_once([lambda c=c, d=d, b=b: post_batches(c, d, b, post_ms)
                           for c, d, b in zip(clients, desktops, turn, strict=True)])
        batch_cpu_ms.append((process_cpu_seconds(server_pid) - cpu) * 1000 / batch_count)
        return per_rep / seconds

    bare_round = iter(range(reps))

    def bare_segments() -> float:
        turn = plan[next(bare_round)]

        def ingest(index: int, batches: list[list[dict[str, Any]]]) -> None:
            for bodies in batches:
                bare.ingest(json.dumps({"segments": bodies}).encode(), index)

        cpu = time.process_time()  # this process: the bare ingest runs here
        seconds = at_once([lambda k=k, b=b: ingest(k, b) for k, b in enumerate(turn)])
        bare_cpu_ms.append((time.process_time() - cpu) * 1000 / batch_count)
        return per_rep / seconds

    loads: list[float] = []
    ours, base = interleave(ours_segments, bare_segments, reps, loads)
    at = f"{len(desktops)} desktops at once"
    bench.emit(Figure(bench.name, "segments_per_s", "Segments verified + stored per worker, "
                      f"batches of {BATCH}, {at}, fsync on", "segments/s",
                      ours, loads, better="higher", budget=1000.0,
                      baseline_label="cryptography verify + psycopg insert, same batches",
                      baseline=base, ratio_budget=0.5))
    bench.emit(Figure(bench.name, "batch_server_cpu_ms", f"Server CPU per batch of {BATCH} "
                      "segments (the uvicorn worker's, all threads; PostgreSQL's not counted)",
                      "ms", batch_cpu_ms, loads,
                      baseline_label="the bare ingest's CPU, same batches (PostgreSQL's not "
                      "counted)", baseline=bare_cpu_ms))

    for _ in range(reps):
        at_once([lambda c=c, d=d, b=b: post_batches(c, d, b, empty_ms, path="/empty")
                 for c, d, b in zip(base_clients, desktops, plan[0], strict=True)])
    bench.emit(Figure(bench.name, "post_batch_ms", f"POST /segments, one batch of {BATCH}, {at}",
                      "ms", post_ms, loads, baseline_label="empty FastAPI route, same bodies",
                      baseline=empty_ms))

    def upload(client: Connection, desktop: Desktop | None, shots: list[bytes]) -> None:
        # As the desktop sends them: from its registered device (checked on every upload).
        headers = {"Content-Type": "image/jpeg"}
        if desktop is not None:
            headers.update(desktop.headers)
            headers["X-Workdiary-Device"] = desktop.device.device_id
        for image in shots:
            digest = hashlib.sha256(image).hexdigest()
            path = f"/screenshots/{digest}" if desktop is not None else f"/put/{digest}"
            status, body = client.send("PUT", path, image, headers)
            assert status == 201, body

    server_ms: list[float] = []
    raw_ms: list[float] = []

    def uploads(pid: int, cpu_ms: list[float], run: Callable[[list[list[bytes]]], float],
                ) -> Callable[[], float]:
        shots_round = iter(range(reps))

        def timed() -> float:
            shares = images[next(shots_round)]
            cpu = process_cpu_seconds(pid)
            seconds = run(shares)
            count = sum(len(share) for share in shares)
            cpu_ms.append((process_cpu_seconds(pid) - cpu) * 1000 / count)
            return count / seconds
        return timed

    ours_uploads = uploads(server_pid, server_ms, lambda shares: at_once([
        lambda c=c, d=d, s=s: upload(c, d, s)
        for c, d, s in zip(clients, desktops, shares, strict=True)]))
    raw_uploads = uploads(base_pid, raw_ms, lambda shares: at_once([
        lambda c=c, s=s: upload(c, None, s) for c, s in zip(base_clients, shares, strict=True)]))
    loads3: list[float] = []
    ours_up, raw_up = interleave(ours_uploads, raw_uploads, reps, loads3)
    for client in clients + base_clients:
        client.close()
    flat = [i for r in images for share in r for i in share]
    size = sum(len(i) for i in flat) / len(flat)
    bench.emit(Figure(bench.name, "uploads_per_s", f"Screenshot uploads ({size / 1000:.0f} KB "
                      f"busy 1080p JPEG) per worker, {at}", "uploads/s", ours_up, loads3,
                      better="higher", budget=150.0,
                      baseline_label="raw file put behind an empty FastAPI route",
                      baseline=raw_up))
    bench.emit(Figure(bench.name, "upload_server_cpu_ms", "Server CPU per screenshot upload "
                      "(the uvicorn worker's, all threads)", "ms", server_ms, loads3,
                      baseline_label="the raw put's server, same uploads", baseline=raw_ms))


if __name__ == "__main__":
    sys.exit(main())
