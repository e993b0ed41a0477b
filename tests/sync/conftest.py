"""Shared fixtures of the sync tests."""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from workdiary.core.clock import Clock, FakeClock
from workdiary.core.model import Policy
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.client import current_account
from workdiary.sync.device import make_signer
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.sync.retry import RetryPolicy
from workdiary.sync.secrets import MemorySecretStore, SecretStore


class StubServer:
    """Answers every request with its ``status``, ``body`` and ``headers``; records requests."""

    def __init__(self) -> None:
        self.status = 200
        self.body: Any = {}
        self.headers: dict[str, str] = {}
        self.requests: list[tuple[str, str, bytes, dict[str, str]]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path, body, dict(self.headers)))
                raw = json.dumps(stub.body).encode() if not isinstance(stub.body, bytes) \
                    else stub.body
                self.send_response(stub.status)
                for key, value in stub.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer()
    yield server
    server.stop()


# -- a real server on loopback, a logged-in desktop --------------------------------------------


MONDAY = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


@pytest.fixture(name="login")
def login_fixture() -> Any:
    """The ``login`` helper below, for test modules (conftest is not importable by name)."""
    return login


def login(server_url: str, email: str, password: str, secrets: SecretStore,
          monkeypatch: pytest.MonkeyPatch) -> None:
    """`workdiary login URL --email E --password-stdin`, in process, with ``secrets``."""
    from workdiary.cli import account

    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    account.run_login(argparse.Namespace(server_url=server_url, email=email, password_stdin=True),
                      secrets_factory=lambda: secrets)


@dataclass
class Live:
    server_url: str
    contract_id: str
    client_email: str
    password: str
    store: LocalStore
    secrets: SecretStore
    clock: Clock
    server_db: Path

    def outbox(self, url: str | None = None, *, timeout: tuple[float, float] = (2.0, 5.0),
               attempts: int = 4, batch: int = 50) -> Outbox:
        account = current_account(self.store)
        assert account is not None
        api = ApiClient(url or self.server_url, self.secrets.token(account), timeout=timeout)
        config = OutboxConfig(grace_seconds=0, batch_size=batch,
                              retry=RetryPolicy(attempts=attempts, base=0.05, cap=0.2))
        return Outbox(self.store, api, make_signer(self.secrets, account), self.clock, config)

    def signer(self):  # type: ignore[no-untyped-def]
        account = current_account(self.store)
        assert account is not None
        return make_signer(self.secrets, account)

    def server_rows(self) -> dict[str, tuple[str, int, list[str], int]]:
        """id -> (status, billable minutes, reasons, recorded minutes) as the server stored."""
        with sqlite3.connect(self.server_db) as conn:
            rows = conn.execute(
                "SELECT id, status, billable_seconds / 60, reasons, body FROM segments").fetchall()
        return {r[0]: (r[1], r[2], json.loads(r[3]), len(json.loads(r[4])["minutes"]))
                for r in rows}


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Live]:
    """An embedded server sharing a FakeClock with a logged-in desktop (10-minute segments)."""
    from workdiary.cli.embedded import EmbeddedServer, seed_demo
    from workdiary.config import database_path

    clock = FakeClock(MONDAY)
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path / "client"))
    with EmbeddedServer(tmp_path / "server", clock=clock) as server:
        accounts = seed_demo(server, policy=Policy(segment_minutes=10))
        secrets = MemorySecretStore()
        login(server.url, accounts.freelancer_email, accounts.password, secrets, monkeypatch)
        store = LocalStore(database_path(tmp_path / "client"), clock)
        yield Live(server.url, accounts.contract_id, accounts.client_email, accounts.password,
                   store, secrets, clock, tmp_path / "server" / "server.sqlite3")
        store.close()
