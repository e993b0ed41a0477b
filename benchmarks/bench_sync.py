"""Catch-up sync of a 40-hour week recorded offline, over loopback.

Budget (issue 16): >= 200 segments/s with screenshots. Repeated (a new contract, store and
device each time); baseline in the same run: the same JPEGs and JSON batches sent over the
same loopback to empty FastAPI routes (bench_server's baseline server).
240 signed 10-minute segments, each with one ~100 KB JPEG, are recorded into a fresh local
store while "offline"; then one `Outbox.run_once()` uploads them (screenshots by PUT, segments
in batches of 50) to `workdiary server run` in a subprocess (SQLite), so the client's RSS is
the client's alone. Prints segments/s, total time, MB/s and the client's RSS.

    .venv/bin/python benchmarks/bench_sync.py [--segments 240] [--shot-kb 100] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import requests

from workdiary.core.clock import FakeClock
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.testing.devices import DeviceChain
from workdiary.testing.images import noisy_jpeg
from workdiary.testing.recording import record_segment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Bench, Figure, load_average

BUDGET_SEGMENTS_PER_S = 200.0
SECRET = "benchmark-secret-key-long-enough-0123456789-abcdefghijklmnop"
MIB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def admin(data_dir: Path, *args: str, stdin: str = "") -> str:
    """`workdiary server ...` in a subprocess, so the server's imports stay out of our RSS."""
    result = subprocess.run(
        [sys.executable, "-m", "workdiary", "server", *args, "--data-dir", str(data_dir)],
        input=stdin, capture_output=True, text=True, check=True,
        env={**os.environ, "WORKDIARY_SECRET_KEY": SECRET})
    return result.stdout


def seed(data_dir: Path, segment_minutes: int = 10) -> tuple[str, str, str]:
    """A client, a freelancer and a contract (10-minute segments unless told); returns (email,
    password, id)."""
    password = "benchmark password"
    for email, role in (("client@bench.example", "client"),
                        ("freelancer@bench.example", "freelancer")):
        admin(data_dir, "add-user", "--email", email, "--name", role.title(), "--role", role,
              "--password-stdin", stdin=password + "\n")
    contract = json.loads(admin(data_dir, "add-contract", "--client", "client@bench.example",
                                "--freelancer", "freelancer@bench.example", "--title", "Bench",
                                "--rate", "25.00", "--segment-minutes", str(segment_minutes),
                                "--json"))
    return "freelancer@bench.example", password, str(contract["id"])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "workdiary", "server", "run", "--port", str(port),
         "--data-dir", str(data_dir)],
        env={**os.environ, "WORKDIARY_SECRET_KEY": SECRET},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(900):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5)
            return proc
        except requests.RequestException:  # not listening yet, or too slow on a busy machine
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


class RssSampler:
    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def sync_once(root: Path, url: str, email: str, password: str, contract_id: str,
              segments: int, shot_kb: int, batch: int, rep: int
              ) -> tuple[float, float, list[bytes], list[bytes], int]:
    """One week recorded offline into a fresh store and device, then one Outbox.run_once().

    Returns (segments/s, client RSS growth MB, the JPEGs, the JSON batches as sent, bytes)."""
    api = ApiClient(url)
    api.token = api.create_token(email, password, f"bench-{rep}").token
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=10 * segments + 20)
    start -= timedelta(minutes=start.minute % 10)
    clock = FakeClock(start)
    folder = root / f"client-{rep}"
    folder.mkdir()
    store = LocalStore(folder / "workdiary.sqlite3", clock)
    # The store numbers the chain; the kit's device holds the key that signs it.
    device = DeviceChain(device_id=store.device_id())
    api.register_device(f"bench-{rep}", device.public_key, device.device_id)
    rng = random.Random(11 + rep)
    jpegs = []
    for _ in range(segments):
        jpeg = noisy_jpeg(rng, shot_kb * 1000)
        jpegs.append(jpeg)
        record_segment(store, contract_id, clock.now(), 10, jpeg=jpeg, signer=device.sign,
                       clock=clock)
    clock.advance(30)
    outbox = Outbox(store, api, device.sign, clock,
                    OutboxConfig(grace_seconds=0, batch_size=batch))
    pending = store.pending_segments(clock.now(), segments)
    from workdiary.core.canonical import segment_to_dict

    batches = [json.dumps({"segments": [segment_to_dict(s) for s in pending[i:i + batch]]}
                          ).encode() for i in range(0, len(pending), batch)]
    rss_before = psutil.Process().memory_info().rss
    with RssSampler() as sampler:
        t0 = time.perf_counter()
        report = outbox.run_once()
        sync_s = time.perf_counter() - t0
    store.close()
    if not report.ok or len(report.verdicts) != segments:
        raise SystemExit(f"sync incomplete: {report.to_dict()}")
    return (segments / sync_s, (sampler.peak - rss_before) / MIB, jpegs, batches,
            sum(len(j) for j in jpegs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=240)
    parser.add_argument("--shot-kb", type=int, default=100)
    parser.add_argument("--batch", type=int, default=50)
    bench = Bench("bench_sync", parser)
    args = bench.args
    if bench.quick:
        args.segments = 50
    from bench_server import start_server as start_baseline

    ours: list[float] = []
    floor: list[float] = []
    growth: list[float] = []
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as folder:
        root = Path(folder)
        email, password, _ = seed(root / "server")
        port = free_port()
        server = start_server(root / "server", port)
        baseline, base_api = start_baseline("--serve-baseline", "", root / "raw", base="")
        try:
            url = f"http://127.0.0.1:{port}"
            for rep in range(bench.repeat_count):
                loads.append(load_average())
                contract_id = json.loads(admin(
                    root / "server", "add-contract", "--client", "client@bench.example",
                    "--freelancer", email, "--title", f"Bench {rep}", "--rate", "25.00",
                    "--segment-minutes", "10", "--json"))["id"]
                rate, grew, jpegs, batches, shot_bytes = sync_once(
                    root, url, email, password, str(contract_id), args.segments, args.shot_kb,
                    args.batch, rep)
                ours.append(rate)
                growth.append(grew)
                # The floor: the same bytes over the same loopback to empty FastAPI routes.
                t0 = time.perf_counter()
                for jpeg in jpegs:
                    assert base_api.put(f"/put/{hashlib.sha256(jpeg).hexdigest()}",
                                        data=jpeg).status_code == 201
                for body in batches:
                    assert base_api.post("/empty", data=body, headers={
                        "Content-Type": "application/json"}).status_code == 200
                floor.append(args.segments / (time.perf_counter() - t0))
        finally:
            for proc in (server, baseline):
                proc.terminate()
                proc.wait(10)
    bench.emit(Figure(bench.name, "sync_catch_up", f"Catch-up sync of {args.segments} segments "
                      f"offline with {args.shot_kb} KB screenshots, batches of {args.batch}, "
                      "server subprocess on SQLite", "segments/s", ours, loads, better="higher",
                      budget=BUDGET_SEGMENTS_PER_S,
                      baseline_label="same bytes PUT/POST to empty FastAPI routes",
                      baseline=floor, note=f"{shot_bytes / MIB:.1f} MiB a run"))
    bench.emit(Figure(bench.name, "sync_client_rss", "Client RSS growth during the sync", "MB",
                      growth, loads))
    return bench.exit_code()


if __name__ == "__main__":
    sys.exit(main())
