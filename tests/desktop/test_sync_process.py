"""The tray app's sync passes in a helper process (desktop/sync_process.py): a real
`workdiary _sync-pass` child against an embedded server, with a file keyring both processes
read (tests/sync/file_keyring.py). The helper signs what the app closed unsigned, uploads it,
fetches contracts and the release; it ends when the app stops it or dies."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil
import pytest

from workdiary.config import database_path
from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract, Policy
from workdiary.core.signing import generate_private_key
from workdiary.desktop.settings import DesktopSettings
from workdiary.desktop.sync_process import (
    HelperRun,
    ProcessSyncWorker,
    ReleaseFetcher,
    contract_from_json,
    contract_to_json,
    helper_command,
    helper_env,
    report_from_json,
    report_to_json,
)
from workdiary.store import LocalStore
from workdiary.sync.api import ContractInfo, Verdict
from workdiary.sync.client import SERVER_URL, USER_EMAIL
from workdiary.sync.outbox import SyncReport
from workdiary.sync.release import ReleaseGate
from workdiary.sync.secrets import Account, KeyringSecretStore
from workdiary.testing.desktop_session import sync_helper_of
from workdiary.testing.images import noisy_jpeg
from workdiary.testing.recording import record_segment

SYNC_TESTS = Path(__file__).parent.parent / "sync"  # file_keyring.py


def test_a_report_survives_the_pipe_with_every_field() -> None:
    report = SyncReport(
        verdicts=[Verdict("s1", "protected", 600, ("late",), None, None, 60),
                  Verdict("s2", None, 0, (), "bad", "refused")],
        quarantined=[("s3", "bad_signature")], deleted=["s4"], screenshots_uploaded=2,
        screenshot_problems=[("ab", "too big")], purged=1, paused="p", error="e",
        too_early=["s5"], clock_warning="c", token_notice="t", refused="r",
        memo_edited=["s6"], memo_refused=[("s7", "locked")])
    assert report_from_json(report_to_json(report)) == report
    assert report_from_json({}) == SyncReport()


def test_a_contract_survives_the_pipe() -> None:
    contract = Contract(id="c1", title="Work", client_name="C", freelancer_name="F",
                        rate_cents=5000, currency="EUR", weekly_limit_minutes=600,
                        status="offered", policy=Policy(segment_minutes=10))
    info = ContractInfo(contract, "freelancer", 42, 3)
    assert contract_from_json(contract_to_json(info)) == info


@dataclass
class Client:
    settings: DesktopSettings
    store: LocalStore
    secrets: KeyringSecretStore
    account: Account


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KeyringSecretStore:
    """A keyring in a file that this process and the helper (through its environment) read."""
    monkeypatch.syspath_prepend(str(SYNC_TESTS))
    keyring_file = tmp_path / "keyring.json"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "file_keyring.FileKeyring")
    monkeypatch.setenv("WORKDIARY_TEST_KEYRING_FILE", str(keyring_file))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(SYNC_TESTS), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("WORKDIARY_SYNC_GRACE_SECONDS", "0")
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path / "client"))
    backend = importlib.import_module("file_keyring").FileKeyring(keyring_file)
    return KeyringSecretStore(backend)


@pytest.fixture
def client(tmp_path: Path, file_keyring: KeyringSecretStore) -> Iterator[Client]:
    settings = DesktopSettings(tmp_path / "client", ZoneInfo("UTC"))
    store = LocalStore(database_path(settings.data_dir))
    yield Client(settings, store, file_keyring, Account("", ""))
    store.close()


def recent() -> datetime:
    """A segment start ten minutes on the grid, an hour before the real now."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=70)
    return start - timedelta(minutes=start.minute % 10)


def test_the_helper_signs_uploads_and_refreshes_what_the_app_closed(
        client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workdiary.cli import account
    from workdiary.cli.embedded import EmbeddedServer, seed_demo

    clock = FakeClock(recent())
    with EmbeddedServer(tmp_path / "server", clock=clock) as server:
        accounts = seed_demo(server, policy=Policy(segment_minutes=10))
        monkeypatch.setattr("sys.stdin", io.StringIO(accounts.password + "\n"))
        account.run_login(argparse.Namespace(server_url=server.url,
                                             email=accounts.freelancer_email,
                                             password_stdin=True),
                          secrets_factory=lambda: client.secrets)
        segment = record_segment(client.store, accounts.contract_id, clock.now(), 10,
                                 jpeg=noisy_jpeg(random.Random(3), 4_000),
                                 clock=clock)  # closed unsigned, as the tray app does now
        assert not segment.signature
        time.sleep(1.1)  # the grace (0 s) is to the second: closed before the pass's second
        reports: list[SyncReport] = []
        fetched: list[list[ContractInfo]] = []
        asked: list[bool] = []
        done = threading.Event()

        def on_report(report: SyncReport) -> None:
            reports.append(report)
            done.set()

        def due(was_asked: bool) -> bool:
            asked.append(was_asked)
            return True

        worker = ProcessSyncWorker(client.settings, interval=3600, on_report=on_report,
                                   release=ReleaseGate(), contracts_due=due,
                                   on_contracts=fetched.append)
        worker.wake(refresh=True)  # as at clock-in: the first pass fetches the contracts
        worker.start()
        try:
            assert done.wait(60)
        finally:
            worker.stop()
    report = reports[0]
    assert report.ok, report
    assert [v.id for v in report.verdicts] == [segment.id]
    assert report.verdicts[0].status != "rejected", report.verdicts  # its signature verified
    assert report.screenshots_uploaded == 1
    stored = client.store.segment(segment.id)
    assert stored is not None and stored.signature
    assert fetched and {info.contract.id for info in fetched[0]} >= {accounts.contract_id}
    assert asked[0] is True


def test_without_a_login_in_the_keyring_the_app_hears_why_once(
        client: Client) -> None:
    client.store.set_setting(SERVER_URL, "http://127.0.0.1:9")
    client.store.set_setting(USER_EMAIL, "f@example.com")  # no token in the keyring
    problems: list[str] = []
    reports: list[SyncReport] = []
    worker = ProcessSyncWorker(client.settings, interval=0.01, on_report=reports.append,
                               release=ReleaseGate(), contracts_due=lambda asked: False,
                               on_contracts=lambda items: None, on_problem=problems.append)
    worker.start()
    deadline = time.monotonic() + 60
    while len(reports) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    worker.stop()
    assert len(reports) >= 2 and not reports[0].ok
    assert len(problems) == 1 and "workdiary login" in problems[0]


def logged_in_to(client: Client, url: str) -> None:
    account = Account(url, "f@example.com")
    client.store.set_setting(SERVER_URL, url)
    client.store.set_setting(USER_EMAIL, account.email)
    client.secrets.put(account, "token", "a-token")
    client.secrets.put(account, "device-key", generate_private_key())


def test_stop_ends_a_hanging_helper(client: Client, silent_server: str) -> None:
    logged_in_to(client, silent_server)
    worker = ProcessSyncWorker(client.settings, interval=3600, release=ReleaseGate(),
                               contracts_due=lambda asked: False,
                               on_contracts=lambda items: None)
    worker.start()
    helper = sync_helper_of(psutil.Process())
    time.sleep(1.0)  # into its request to the silent server
    started = time.monotonic()
    worker.stop(timeout=2.0)
    assert not helper.is_running() or helper.status() == psutil.STATUS_ZOMBIE
    assert time.monotonic() - started < 10


def test_cancel_ends_a_release_check_waiting_on_a_silent_server(
        client: Client, silent_server: str) -> None:
    """Quit does not wait out a release check's timeouts (here 30 s of reading)."""
    logged_in_to(client, silent_server)
    fetcher = ReleaseFetcher(client.settings)
    answers = []
    thread = threading.Thread(target=lambda: answers.append(fetcher.fetch((3.0, 30.0))))
    thread.start()
    helper = sync_helper_of(psutil.Process())
    time.sleep(1.0)  # into its request to the silent server
    started = time.monotonic()
    fetcher.cancel()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - started < 5
    assert not answers[0].release_answered
    assert not helper.is_running() or helper.status() == psutil.STATUS_ZOMBIE
    after = fetcher.fetch((3.0, 30.0))  # asked after Quit: no helper starts
    assert not after.release_answered and after.report.error == "the app is quitting"


APP = """
import sys
from workdiary.desktop.sync_process import HelperRun, helper_command, helper_env
from workdiary.desktop.settings import DesktopSettings
HelperRun(helper_command(), helper_env(DesktopSettings.from_environment())).run([])
"""


def test_a_helper_does_not_outlive_an_app_that_died(client: Client, silent_server: str) -> None:
    logged_in_to(client, silent_server)
    app = subprocess.Popen([sys.executable, "-c", APP])
    try:
        helper = sync_helper_of(psutil.Process(app.pid))
        time.sleep(1.0)
        app.send_signal(signal.SIGKILL)  # a crash: nobody closes the pipe but the system
        app.wait(10)
        helper.wait(20)  # its stdin reached end of file: it stopped (within STOP_GRACE)
    finally:
        if app.poll() is None:
            app.kill()


def test_a_helper_that_cannot_answer_is_an_error_not_a_crash(client: Client) -> None:
    run = HelperRun([sys.executable, "-c", "import sys; sys.exit(4)"], helper_env(
        client.settings))
    report = run.run([]).report
    assert report.error is not None and "exit status 4" in report.error
    assert helper_command()[-1] == "_sync-pass"


def test_no_helper_starts_when_nothing_is_due(client: Client, tmp_path: Path) -> None:
    marker = tmp_path / "helper-ran"
    command = [sys.executable, "-c",
               f"import pathlib; pathlib.Path({str(marker)!r}).touch(); print('{{}}')"]
    due = {"uploads": False, "contracts": False}
    worker = ProcessSyncWorker(client.settings, release=ReleaseGate(),
                               contracts_due=lambda asked: due["contracts"],
                               on_contracts=lambda items: None,
                               uploads_due=lambda: due["uploads"], command=command)
    assert worker.run_pass(False) is None and not marker.exists()
    assert worker.run_pass(True) == SyncReport() and marker.exists()  # asked: it runs
    marker.unlink()
    due["uploads"] = True
    assert worker.run_pass(False) == SyncReport() and marker.exists()
