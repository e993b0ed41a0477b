"""Catch-up sync of a 40-hour week recorded offline, over loopback.

Budget (DESIGN.md): >= 50 segments/s with screenshots ("a week offline uploads in seconds").
240 signed 10-minute segments, each with one ~100 KB JPEG, are recorded into a fresh local
store while "offline"; then one `Outbox.run_once()` uploads them (screenshots by PUT, segments
in batches of 50) to `workdiary server run` in a subprocess (SQLite), so the client's RSS is
the client's alone. Prints segments/s, total time, MB/s and the client's RSS.

    .venv/bin/python benchmarks/bench_sync.py [--segments 240] [--shot-kb 100]
"""

from __future__ import annotations

import argparse
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

BUDGET_SEGMENTS_PER_S = 50.0
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


def seed(data_dir: Path) -> tuple[str, str, str]:
    """A client, a freelancer and a 10-minute-segment contract; returns (email, password, id)."""
    password = "benchmark password"
    for email, role in (("client@bench.example", "client"),
                        ("freelancer@bench.example", "freelancer")):
        admin(data_dir, "add-user", "--email", email, "--name", role.title(), "--role", role,
              "--password-stdin", stdin=password + "\n")
    contract = json.loads(admin(data_dir, "add-contract", "--client", "client@bench.example",
                                "--freelancer", "freelancer@bench.example", "--title", "Bench",
                                "--rate", "25.00", "--segment-minutes", "10", "--json"))
    return "freelancer@bench.example", password, str(contract["id"])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "workdiary", "server", "run", "--port", str(port),
         "--data-dir", str(data_dir)],
        env={**os.environ, "WORKDIARY_SECRET_KEY": SECRET},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1)
            return proc
        except requests.ConnectionError:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=240)
    parser.add_argument("--shot-kb", type=int, default=100)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as folder:
        root = Path(folder)
        email, password, contract_id = seed(root / "server")
        port = free_port()
        server = start_server(root / "server", port)
        try:
            url = f"http://127.0.0.1:{port}"
            api = ApiClient(url)
            api.token = api.create_token(email, password, "bench").token
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            start = now - timedelta(minutes=10 * args.segments + 20)
            start -= timedelta(minutes=start.minute % 10)
            clock = FakeClock(start)
            (root / "client").mkdir()
            store = LocalStore(root / "client" / "workdiary.sqlite3", clock)
            # The store numbers the chain; the kit's device holds the key that signs it.
            device = DeviceChain(device_id=store.device_id())
            api.register_device("bench", device.public_key, device.device_id)

            rng = random.Random(11)
            t0 = time.perf_counter()
            shot_bytes = 0
            for _ in range(args.segments):
                jpeg = noisy_jpeg(rng, args.shot_kb * 1000)
                shot_bytes += len(jpeg)
                record_segment(store, contract_id, clock.now(), 10, jpeg=jpeg,
                               signer=device.sign, clock=clock)
            clock.advance(30)
            record_s = time.perf_counter() - t0

            outbox = Outbox(store, api, device.sign, clock,
                            OutboxConfig(grace_seconds=0, batch_size=args.batch))
            rss_before = psutil.Process().memory_info().rss
            with RssSampler() as sampler:
                t0 = time.perf_counter()
                report = outbox.run_once()
                sync_s = time.perf_counter() - t0
            store.close()
        finally:
            server.terminate()
            server.wait(10)

    if not report.ok or len(report.verdicts) != args.segments:
        print(f"sync incomplete: {report.to_dict()}")
        return 1
    rate = args.segments / sync_s
    statuses: dict[str, int] = {}
    for verdict in report.verdicts:
        statuses[verdict.status or "?"] = statuses.get(verdict.status or "?", 0) + 1
    print(f"catch-up sync of {args.segments} segments, {args.segments} screenshots "
          f"({shot_bytes / args.segments / 1000:.0f} KB avg, {shot_bytes / MIB:.1f} MiB), "
          f"batches of {args.batch}, server subprocess on SQLite over loopback")
    print(f"  recording offline (not timed for the budget): {record_s:.1f} s")
    verdict = "OK" if rate >= BUDGET_SEGMENTS_PER_S else "BELOW BUDGET"
    print(f"  sync total: {sync_s:.2f} s   {rate:.0f} segments/s   "
          f"{shot_bytes / MIB / sync_s:.1f} MiB/s   "
          f"budget >= {BUDGET_SEGMENTS_PER_S:.0f}/s: {verdict}")
    print(f"  client RSS: {rss_before / MIB:.0f} MB before, {sampler.peak / MIB:.0f} MB peak "
          f"during sync (+{(sampler.peak - rss_before) / MIB:.1f} MB)")
    print(f"  verdicts: {statuses}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
