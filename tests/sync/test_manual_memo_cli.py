"""`workdiary manual` and `workdiary memo` against a real server on loopback: manual time
uploads as unprotected (manual), a memo edit replaces the uploaded record ("edited"), and a
memo edit the server refuses after the lock (409 week_locked) is said and not retried."""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workdiary.cli.main import CommandError
from workdiary.cli.manual import run_manual, run_memo
from workdiary.cli.tracking import format_diary
from workdiary.core.clock import FakeClock
from workdiary.core.model import Policy, SegmentKind
from workdiary.desktop.diary import day_view
from workdiary.desktop.manual import edit_memo
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.client import current_account
from workdiary.sync.device import make_signer
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.sync.report import format_report
from workdiary.sync.retry import RetryPolicy
from workdiary.sync.secrets import MemorySecretStore

from .conftest import MONDAY, login

UTC_TZ = "UTC"


@dataclass
class Desk:
    url: str
    contract_id: str
    client_email: str
    password: str
    store: LocalStore
    secrets: MemorySecretStore
    clock: FakeClock  # the desktop's
    server_clock: FakeClock
    server_db: Path

    def outbox(self) -> Outbox:
        account = current_account(self.store)
        assert account is not None
        api = ApiClient(self.url, self.secrets.token(account), timeout=(2.0, 5.0))
        return Outbox(self.store, api, make_signer(self.secrets, account), self.clock,
                      OutboxConfig(grace_seconds=0,
                                   retry=RetryPolicy(attempts=2, base=0.05, cap=0.1)))

    def client_diary(self, day: str) -> dict[str, Any]:
        api = ApiClient(self.url)
        api.token = api.create_token(self.client_email, self.password, "test").token
        return api.diary(self.contract_id, day)

    def server_row(self, segment_id: str) -> tuple[str, str, list[str], int]:
        with sqlite3.connect(self.server_db) as conn:
            status, memo, reasons, edited = conn.execute(
                "SELECT status, memo, reasons, memo_edited FROM segments WHERE id = ?",
                (segment_id,)).fetchone()
        return status, memo, json.loads(reasons), edited


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """A real embedded server (its own clock) and a logged-in desktop on a contract that
    allows manual time (10-minute segments)."""
    from workdiary.cli.embedded import EmbeddedServer, seed_demo
    from workdiary.config import database_path

    clock, server_clock = FakeClock(MONDAY), FakeClock(MONDAY)
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path / "client"))
    monkeypatch.setenv("TZ", UTC_TZ)
    with EmbeddedServer(tmp_path / "server", clock=server_clock) as server:
        accounts = seed_demo(server, policy=Policy(segment_minutes=10, allow_manual=True))
        secrets = MemorySecretStore()
        login(server.url, accounts.freelancer_email, accounts.password, secrets, monkeypatch)
        store = LocalStore(database_path(tmp_path / "client"), clock)
        yield Desk(server.url, accounts.contract_id, accounts.client_email, accounts.password,
                   store, secrets, clock, server_clock, tmp_path / "server" / "server.sqlite3")
        store.close()


def _manual(desk: Desk, start: str, end: str, memo: str = "call with the client") -> int:
    return run_manual(argparse.Namespace(contract_id=desk.contract_id, start=start, end=end,
                                         memo=memo, json=False), clock=desk.clock)


def _memo(desk: Desk, segment_id: str, text: str) -> int:
    return run_memo(argparse.Namespace(segment_id=segment_id, text=text), clock=desk.clock,
                    secrets_factory=lambda: desk.secrets)


def test_manual_time_uploads_unprotected_and_shows_as_manual(
        desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert _manual(desk, "2026-11-16T06:05", "2026-11-16T06:32:30Z") == 0
    out = capsys.readouterr().out
    assert "added 4 manual segment(s)" in out and "27 min" in out
    assert "06:05-06:10, 06:10-06:20, 06:20-06:30, 06:30-06:32" in out

    report = desk.outbox().run_once(seen_now=True)
    assert [v.status for v in report.verdicts] == ["unprotected"] * 4
    assert all(v.reasons == ("manual",) for v in report.verdicts)
    assert sum(v.billable_minutes for v in report.verdicts) == 27
    shown = desk.client_diary("2026-11-16")["segments"]
    assert [s["kind"] for s in shown] == ["manual"] * 4

    lines = format_diary(day_view(desk.store, MONDAY.date(), ZoneInfo("UTC"), desk.clock.now()))
    assert sum(" manual " in line for line in lines) == 4

    # The same time again is refused locally, and time in the future is refused.
    with pytest.raises(CommandError, match="overlaps"):
        _manual(desk, "2026-11-16T06:30", "2026-11-16T06:40")
    with pytest.raises(CommandError, match="cannot be in the future"):
        _manual(desk, "2026-11-16T07:50", "2026-11-16T08:10")
    with pytest.raises(CommandError, match="not an ISO 8601 time"):
        _manual(desk, "yesterday", "2026-11-16T06:40")


def test_a_contract_without_manual_time_refuses_it(desk: Desk) -> None:
    contract = desk.store.contract(desk.contract_id)
    assert contract is not None
    from dataclasses import replace

    desk.store.replace_contracts([replace(contract, policy=Policy(segment_minutes=10))])
    with pytest.raises(CommandError, match="does not allow manual time"):
        _manual(desk, "2026-11-16T06:00", "2026-11-16T06:30")


def test_memo_edits_after_upload_show_edited_on_the_server(
        desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    _manual(desk, "2026-11-16T06:00", "2026-11-16T06:10", memo="call")
    (segment,) = [s for s in desk.store.segments_between(MONDAY - timedelta(hours=3), MONDAY)
                  if s.kind is SegmentKind.MANUAL]
    desk.outbox().run_once(seen_now=True)
    capsys.readouterr()

    assert _memo(desk, segment.id, "planning call with the client") == 0
    assert f"memo of segment {segment.id} edited on the server" in capsys.readouterr().out
    assert desk.server_row(segment.id)[1:] == ("planning call with the client", ["manual"], 1)
    (shown,) = desk.client_diary("2026-11-16")["segments"]
    assert shown["memo"] == "planning call with the client" and shown["memo_edited"] is True
    info = desk.store.sync_info(segment.id)
    assert info.memo_edited and info.memo_edit is None
    lines = format_diary(day_view(desk.store, MONDAY.date(), ZoneInfo("UTC"), desk.clock.now()))
    assert any("planning call with the client (edited)" in line for line in lines)


def test_after_the_lock_the_server_refuses_with_409_and_the_cli_says_so(
        desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    _manual(desk, "2026-11-16T06:00", "2026-11-16T06:10", memo="call")
    (segment,) = desk.store.segments_between(MONDAY - timedelta(hours=3), MONDAY)
    desk.outbox().run_once(seen_now=True)
    # The server's clock is past Monday 2026-11-23 12:00 UTC; the desktop's is not (yet).
    desk.server_clock.advance(8 * 24 * 3600)
    with pytest.raises(CommandError) as refused:
        _memo(desk, segment.id, "too late")
    message = str(refused.value)
    assert "week_locked" in message and "locked at 2026-11-23 12:00 UTC" in message
    assert "can no longer change" in message
    assert desk.server_row(segment.id)[1] == "call"
    info = desk.store.sync_info(segment.id)
    assert info.memo_edit is None and "week_locked" in (info.last_error or "")
    assert desk.outbox().run_once(seen_now=True).memo_refused == []  # not retried


def test_sync_prints_a_refused_edit_once(desk: Desk) -> None:
    _manual(desk, "2026-11-16T06:00", "2026-11-16T06:10", memo="call")
    (segment,) = desk.store.segments_between(MONDAY - timedelta(hours=3), MONDAY)
    desk.outbox().run_once(seen_now=True)
    edit_memo(desk.store, segment.id, "queued before the lock", desk.clock.now())
    desk.server_clock.advance(8 * 24 * 3600)
    desk.clock.advance(8 * 24 * 3600)
    report = desk.outbox().run_once(seen_now=True)
    assert [sid for sid, _ in report.memo_refused] == [segment.id]
    lines = format_report(report)
    assert any(segment.id in line and "week_locked" in line and "stays as it was" in line
               for line in lines)
    assert desk.outbox().run_once(seen_now=True).memo_refused == []
    diary = format_diary(day_view(desk.store, MONDAY.date(), ZoneInfo("UTC"),
                                  desk.clock.now()))
    assert any(line.strip().startswith("memo edit refused:") for line in diary)
