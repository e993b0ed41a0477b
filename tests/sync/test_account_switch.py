"""Two accounts on one computer, over a real server on loopback: waiting records stay with the
account that recorded them, upload when it logs in again, and every view says who they wait
for; `sync` says what waits for its review window, and `sync --now` sends what the user saw."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workdiary.cli.account import run_sync
from workdiary.cli.embedded import EmbeddedServer, seed_demo
from workdiary.cli.tracking import run_diary, run_status
from workdiary.config import database_path
from workdiary.core.clock import FakeClock
from workdiary.core.model import Policy
from workdiary.desktop.review import delete_closed_segment
from workdiary.desktop.summary import SyncState, sync_line
from workdiary.store import LocalStore
from workdiary.sync.client import account_key, current_account
from workdiary.sync.device import make_signer
from workdiary.sync.outbox import SyncReport
from workdiary.sync.secrets import MemorySecretStore
from workdiary.sync.status import sync_status
from workdiary.testing.recording import record_segment

from .conftest import MONDAY, login

B = ("freelancer-b@demo.example", "Bea Second")
SYNC = argparse.Namespace(watch=False, json=False, now=False)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    clock = FakeClock(MONDAY)
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path / "client"))
    monkeypatch.setenv("TZ", "UTC")
    (tmp_path / "client").mkdir()
    with EmbeddedServer(tmp_path / "server", clock=clock) as server:
        policy = Policy(segment_minutes=10)
        first = seed_demo(server, policy=policy)
        second = seed_demo(server, policy=policy, client=("client-b@demo.example", "Cy"),
                           freelancer=B)
        store = LocalStore(database_path(tmp_path / "client"), clock)
        yield {"server": server, "a": first, "b": second, "store": store, "clock": clock,
               "secrets": MemorySecretStore()}
        store.close()


def record(world: dict[str, Any], contract_id: str, count: int) -> list[str]:
    """Segments recorded by the logged-in account, bound to it as the runtime binds them."""
    store, clock = world["store"], world["clock"]
    account = current_account(store)
    assert account is not None
    ids = []
    for _ in range(count):
        segment = record_segment(store, contract_id, clock.now(), 10, jpeg=None,
                                 signer=make_signer(world["secrets"], account), clock=clock)
        store.bind_account(segment.id, account_key(account))
        ids.append(segment.id)
    return ids


def test_records_wait_for_the_account_that_recorded_them(
        world: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    server, a, b, secrets = world["server"], world["a"], world["b"], world["secrets"]
    factory = lambda: secrets  # noqa: E731
    login(server.url, a.freelancer_email, a.password, secrets, monkeypatch)
    # One of A's segments is on the server and then deleted on this computer: its DELETE
    # waits for A too (with B's token the server would answer 404, "not yours").
    (uploaded,) = record(world, a.contract_id, 1)
    world["clock"].advance(600)  # the next segments start on the 10-minute grid again
    assert run_sync(SYNC, secrets_factory=factory) == 0
    assert delete_closed_segment(world["store"], uploaded, world["clock"].now()).server_copy
    record(world, a.contract_id, 2)
    capsys.readouterr()
    login(server.url, b.freelancer_email, b.password, secrets, monkeypatch)
    said_at_login = capsys.readouterr().out
    assert (f"2 segment(s) recorded by {a.freelancer_email} on {server.url} wait for that "
            "account") in said_at_login, said_at_login
    record(world, b.contract_id, 1)
    world["clock"].advance(5)
    capsys.readouterr()

    assert run_sync(SYNC, secrets_factory=factory) == 0
    out = capsys.readouterr().out
    assert "deleted on the server" not in out
    waits_for_a = (f"2 segment(s) recorded by {a.freelancer_email} on {server.url} wait for "
                   "that account")
    assert "uploaded 1 segment(s)" in out and waits_for_a in out, out
    assert "quarantined" not in out
    assert run_status(argparse.Namespace(json=False)) == 0
    assert waits_for_a in capsys.readouterr().out
    status = sync_status(world["store"], world["clock"].now())
    _, text = sync_line(status, SyncReport(), ZoneInfo("UTC"))
    assert f"2 segments wait for {a.freelancer_email} on {server.url}" in text  # the tray

    login(server.url, a.freelancer_email, a.password, secrets, monkeypatch)
    capsys.readouterr()
    assert run_sync(SYNC, secrets_factory=factory) == 0
    out = capsys.readouterr().out
    assert "uploaded 2 segment(s)" in out and "nothing left to upload" in out, out
    assert f"deleted on the server: {uploaded}" in out
    for bad in ("bad_signature", "unknown_device", "outside_contract", "chain_break"):
        assert bad not in out


def test_a_refused_upload_is_an_error_not_offline() -> None:
    status = {"server_url": "http://127.0.0.1:9", "user_email": "a@b.c", "auth_state": "ok",
              "last_sync_at": None, "pending_uploads": 1, "warnings": []}
    refused, _ = sync_line(status, SyncReport(refused="the server refused the upload"),
                           ZoneInfo("UTC"))
    unreachable, _ = sync_line(status, SyncReport(error="connection refused"), ZoneInfo("UTC"))
    assert (refused, unreachable) == (SyncState.ERROR, SyncState.OFFLINE)


def test_sync_says_what_waits_for_review_and_now_sends_what_was_seen(
        world: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    server, a, secrets = world["server"], world["a"], world["secrets"]
    factory = lambda: secrets  # noqa: E731
    monkeypatch.setenv("WORKDIARY_SYNC_GRACE_SECONDS", str(10 * 365 * 86400))  # never due
    login(server.url, a.freelancer_email, a.password, secrets, monkeypatch)
    record(world, a.contract_id, 2)
    capsys.readouterr()
    assert run_sync(SYNC, secrets_factory=factory) == 0
    out = capsys.readouterr().out
    assert "2 segment(s) wait for their review window, until" in out, out
    assert "uploaded" not in out

    # `diary` lists the first one's day: both are seen; a third closes later, unseen.
    assert run_diary(argparse.Namespace(date=MONDAY.date(), contract=None, json=False)) == 0
    world["clock"].advance(3600)
    record(world, a.contract_id, 1)
    capsys.readouterr()
    assert run_sync(argparse.Namespace(watch=False, json=False, now=True),
                    secrets_factory=factory) == 0
    out = capsys.readouterr().out
    assert "uploaded 2 segment(s)" in out, out
    assert "1 segment(s) wait for their review window" in out
    assert world["store"].queued_records()[0].seen is False
