"""Processes killed mid-sync: the server (SIGKILL in the middle of a batch, then restarted) and
the client (`workdiary sync` SIGKILLed during an upload, then run again). Afterwards the server
holds each segment exactly once and every recorded minute is accounted for."""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from workdiary.config import database_path
from workdiary.core.clock import FakeClock
from workdiary.core.model import Policy
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.client import current_account
from workdiary.sync.device import make_signer
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.sync.retry import RetryPolicy
from workdiary.sync.secrets import KeyringSecretStore, MemorySecretStore
from workdiary.testing.faultproxy import FaultProxy
from workdiary.testing.images import noisy_jpeg
from workdiary.testing.recording import record_segment

HERE = Path(__file__).parent
SECRET = "a-test-secret-key-that-is-long-enough-for-the-server-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ClientSide:
    """A client data directory and a file keyring that a `workdiary` child process reads too."""

    directory: Path
    secrets: KeyringSecretStore
    env: dict[str, str]  # for the child: the file keyring, no grace before upload


def client_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ClientSide:
    monkeypatch.syspath_prepend(str(HERE))
    file_keyring_class = importlib.import_module("file_keyring").FileKeyring
    directory = tmp_path / "client"
    keyring_file = tmp_path / "keyring.json"
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(directory))
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
           "WORKDIARY_TEST_KEYRING_FILE": str(keyring_file),
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
           "WORKDIARY_SYNC_GRACE_SECONDS": "0"}
    return ClientSide(directory, KeyringSecretStore(file_keyring_class(keyring_file)), env)


def record_recent(store: LocalStore, clock: FakeClock, contract_id: str, count: int,
                  signer: object) -> list[str]:
    """``count`` 10-minute segments ending before the real now (the server's clock)."""
    import random

    rng = random.Random(5)
    ids = []
    for _ in range(count):
        ids.append(record_segment(store, contract_id, clock.now(), 10, signer=signer,  # type: ignore[arg-type]
                                  jpeg=noisy_jpeg(rng, 4_000), clock=clock).id)
    clock.advance(30)
    return ids


def recent_start(count: int) -> datetime:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=10 * count + 20)
    return start - timedelta(minutes=start.minute % 10)


def server_rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, body FROM segments").fetchall()
    return {r[0]: len(json.loads(r[1])["minutes"]) for r in rows}


def local_rows(store: LocalStore, clock: FakeClock) -> dict[str, int]:
    return {s.id: len(s.minutes)
            for s in store.segments_between(clock.now() - timedelta(days=3), clock.now())}


class ServerProcess:
    """`workdiary server run` in a subprocess on a fixed port."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "WORKDIARY_SECRET_KEY": SECRET}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "workdiary", "server", "run", "--port", str(self.port),
             "--data-dir", str(self.data_dir)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # The first request builds the OpenAPI schema: seconds on a busy machine.
                requests.get(f"http://127.0.0.1:{self.port}/api/v1/openapi.json", timeout=10)
                return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        raise RuntimeError("the server subprocess did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def seeded_server_dir(tmp_path: Path) -> tuple[Path, object]:
    from workdiary.cli.embedded import EmbeddedServer, seed_demo

    data_dir = tmp_path / "server"
    server = EmbeddedServer(data_dir)  # builds and migrates the database; never started
    accounts = seed_demo(server, policy=Policy(segment_minutes=10))
    server.app.state.engine.dispose()
    server.stop_socket()
    return data_dir, accounts


@pytest.fixture
def server_process(seeded_server_dir: tuple[Path, object]) -> Iterator[ServerProcess]:
    server = ServerProcess(seeded_server_dir[0], free_port())
    server.start()
    yield server
    server.stop()


@pytest.mark.slow
def test_server_killed_mid_batch_and_restarted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded_server_dir: tuple[Path, object],
        server_process: ServerProcess, login: Callable[..., None]) -> None:
    accounts = seeded_server_dir[1]
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path / "client"))
    secrets = MemorySecretStore()
    url = f"http://127.0.0.1:{server_process.port}"
    login(url, accounts.freelancer_email, accounts.password, secrets, monkeypatch)  # type: ignore[attr-defined]
    clock = FakeClock(recent_start(40))
    store = LocalStore(database_path(tmp_path / "client"), clock)
    account = current_account(store)
    assert account is not None
    signer = make_signer(secrets, account)
    ids = record_recent(store, clock, accounts.contract_id, 40, signer)  # type: ignore[attr-defined]

    killed = threading.Event()

    def kill_on_third_batch(number: int, line: str) -> None:
        if line.startswith("POST /api/v1/segments") and not killed.is_set():
            posts = sum(1 for p in proxy.stats.paths if p.startswith("POST /api/v1/segments"))
            if posts == 3:
                killed.set()
                # Let the batch reach the server, then kill it while it works on it.
                threading.Timer(0.02, server_process.kill).start()
                threading.Timer(1.5, server_process.start).start()

    with FaultProxy(server_process.port, on_request=kill_on_third_batch) as proxy:
        api = ApiClient(proxy.url, secrets.token(account), timeout=(1.0, 5.0))
        config = OutboxConfig(grace_seconds=0, batch_size=5,
                              retry=RetryPolicy(attempts=40, base=0.1, cap=0.5))
        report = Outbox(store, api, signer, clock, config).run_once()
    assert killed.is_set()
    assert report.ok, report.error
    assert store.pending_count() == 0
    server_process.stop()
    stored = server_rows(server_process.data_dir / "server.sqlite3")
    assert set(stored) == set(ids)
    assert stored == local_rows(store, clock)


@pytest.mark.slow
def test_client_killed_during_sync_and_restarted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded_server_dir: tuple[Path, object],
        server_process: ServerProcess, login: Callable[..., None]) -> None:
    accounts = seeded_server_dir[1]
    client = client_side(tmp_path, monkeypatch)
    secrets, env = client.secrets, client.env
    child: list[subprocess.Popen[bytes]] = []
    killed = threading.Event()

    def kill_client_on_second_batch(number: int, line: str) -> None:
        if line.startswith("POST /api/v1/segments") and child and not killed.is_set():
            posts = sum(1 for p in proxy.stats.paths if p.startswith("POST /api/v1/segments"))
            if posts == 2:
                killed.set()
                os.kill(child[0].pid, signal.SIGKILL)

    with FaultProxy(server_process.port, on_request=kill_client_on_second_batch) as proxy:
        login(proxy.url, accounts.freelancer_email, accounts.password, secrets, monkeypatch)  # type: ignore[attr-defined]
        clock = FakeClock(recent_start(120))
        store = LocalStore(database_path(client.directory), clock)
        account = current_account(store)
        assert account is not None
        ids = record_recent(store, clock, accounts.contract_id, 120,
                            make_signer(secrets, account))
        command = [sys.executable, "-m", "workdiary", "sync", "--json"]
        child.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE))
        child[0].wait(120)
        assert killed.is_set() and child[0].returncode == -signal.SIGKILL
        assert 0 < store.pending_count() < 120  # some went, some did not
        again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        summary = json.loads(again.stdout.splitlines()[-1])
        assert summary["ok"] and summary["pending"] == 0
    stored = server_rows(seeded_server_dir[0] / "server.sqlite3")
    assert set(stored) == set(ids)
    assert stored == local_rows(store, clock)
    assert store.integrity_check() == "ok"


@pytest.mark.slow
def test_sync_watch_uploads_and_stops_on_sigterm(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded_server_dir: tuple[Path, object],
        server_process: ServerProcess, login: Callable[..., None]) -> None:
    accounts = seeded_server_dir[1]
    client = client_side(tmp_path, monkeypatch)
    secrets, env = client.secrets, client.env
    url = f"http://127.0.0.1:{server_process.port}"
    login(url, accounts.freelancer_email, accounts.password, secrets, monkeypatch)  # type: ignore[attr-defined]
    clock = FakeClock(recent_start(6))
    store = LocalStore(database_path(client.directory), clock)
    account = current_account(store)
    assert account is not None
    ids = record_recent(store, clock, accounts.contract_id, 3, make_signer(secrets, account))
    proc = subprocess.Popen([sys.executable, "-m", "workdiary", "sync", "--watch", "--json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        assert first["ok"] and {a["id"] for a in first["accepted"]} == set(ids)
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "stays queued" in err
    assert store.pending_count() == 0
