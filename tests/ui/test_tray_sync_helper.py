"""The tray app's sync helper processes as a user runs the app (desktop/sync_process.py).

tests/desktop/test_sync_process.py drives ``ProcessSyncWorker`` inside the test process with
a file keyring. Here the real `workdiary app` runs under Xvfb with a tray host (trayer), in
its own D-Bus session with a real Secret Service (gnome-keyring, as
tests/sync/test_secret_service.py and benchmarks/bench_app.py), so what is checked is what a
user gets: a pass runs in a `workdiary _sync-pass` child and the data reaches the server;
SIGTERM ends the app with status 0 and leaves no helper behind; a helper stuck on a server
that never answers is ended when the app quits, within ``STOP_GRACE`` (well before its
30-second read timeout), as the module promises.

Every process started here (the D-Bus session, gnome-keyring, which daemonizes, the app and
its helpers) runs with this test's own HOME: the teardown kills whatever still does, by PID.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

from workdiary.config import database_path
from workdiary.core.model import Policy
from workdiary.desktop.sync_process import STOP_GRACE
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.client import SERVER_URL, USER_EMAIL
from workdiary.testing.desktop_session import (
    UNLOCK_KEYRING,
    end_session_processes,
    session_env,
    session_processes,
    sync_helper_of,
)
from workdiary.testing.images import noisy_jpeg
from workdiary.testing.recording import record_segment

ROOT = Path(__file__).resolve().parents[2]
WORKDIARY = f"{sys.executable} -m workdiary"
# Quit stops the helper (closes its stdin) and waits up to STOP_GRACE + 5 s before killing
# it; on top of that the app clocks out and closes: the slack is for a busy machine.
APP_EXIT = STOP_GRACE + 5 + 20
FAKE_LOGIN = """
import sys
from workdiary.core.signing import generate_private_key
from workdiary.sync.secrets import Account, KeyringSecretStore
secrets, account = KeyringSecretStore(), Account(sys.argv[1], sys.argv[2])
secrets.put(account, "token", "a-token")
secrets.put(account, "device-key", generate_private_key())
"""

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.slow,
    pytest.mark.timeout(240),  # a hang fails this test, not the whole run
    pytest.mark.skipif(shutil.which("dbus-run-session") is None
                       or shutil.which("gnome-keyring-daemon") is None,
                       reason="needs dbus and gnome-keyring (scripts/install-system-deps.sh)"),
]


@dataclass
class App:
    session: subprocess.Popen[bytes]  # dbus-run-session; the app is its child (sh exec's it)
    process: psutil.Process  # `workdiary app`
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@dataclass
class Desktop:
    """A user's session: its own HOME (keyring files, data folder) on the tray host's
    display. ``run`` and ``start_app`` each run in a new D-Bus session with the keyring
    unlocked (the keyring's files persist between them, as between logins)."""

    home: Path
    env: dict[str, str]

    @property
    def data_dir(self) -> Path:
        return Path(self.env["WORKDIARY_DATA_DIR"])

    def run(self, command: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["dbus-run-session", "--", "sh", "-c", f"{UNLOCK_KEYRING}; {command}"],
            env=self.env, input=stdin, capture_output=True, text=True, timeout=120)

    def start_app(self) -> App:
        log = self.home / "app.log"
        with log.open("wb") as out:  # a file, not a pipe: nothing can block on a full pipe
            session = subprocess.Popen(
                ["dbus-run-session", "--", "sh", "-c", f"{UNLOCK_KEYRING}; exec {WORKDIARY} app"],
                env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and session.poll() is None:
            for child in psutil.Process(session.pid).children():
                try:
                    if child.cmdline()[1:] == ["-m", "workdiary", "app"]:
                        return App(session, child, log)
                except psutil.NoSuchProcess:
                    continue
            time.sleep(0.1)
        raise AssertionError(f"`workdiary app` did not start:\n{log.read_text()[-4000:]}")

    def processes(self) -> list[psutil.Process]:
        """Every process still running in this session (by its HOME, which is this test's)."""
        return session_processes(self.home)


@pytest.fixture
def desktop(tray_host: str, tmp_path: Path) -> Iterator[Desktop]:
    home = tmp_path / "home"
    home.mkdir()
    env = session_env(home)
    env.update(DISPLAY=tray_host, WORKDIARY_DATA_DIR=str(home / "workdiary"),
               PYTHONPATH=str(ROOT),  # this checkout, in the app and its helpers
               WORKDIARY_SYNC_GRACE_SECONDS="0")  # a closed segment is due at once
    session = Desktop(home, env)
    try:
        yield session
    finally:
        end_session_processes(home)


def gone(proc: psutil.Process, timeout: float) -> bool:
    """Whether ``proc`` has exited (or is a zombie its parent has yet to reap) by then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def helpers(desktop: Desktop) -> list[psutil.Process]:
    found = []
    for proc in desktop.processes():
        try:
            if "_sync-pass" in proc.cmdline() and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except psutil.NoSuchProcess:
            continue
    return found


def test_a_pass_runs_in_a_helper_and_sigterm_leaves_none(desktop: Desktop,
                                                         tmp_path: Path) -> None:
    from workdiary.cli.embedded import EmbeddedServer, seed_demo

    with EmbeddedServer(tmp_path / "server") as server:
        accounts = seed_demo(server, policy=Policy(segment_minutes=10))
        login = desktop.run(f"{WORKDIARY} login {server.url} --email "
                            f"{accounts.freelancer_email} --password-stdin",
                            stdin=accounts.password + "\n")
        assert login.returncode == 0, login.stderr
        # Queued work: a segment closed (unsigned, as the tray app closes them) before the
        # app starts; its first pass (the contracts are due at start) signs and uploads it.
        start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=20)
        start -= timedelta(minutes=start.minute % 10)
        store = LocalStore(database_path(desktop.data_dir))
        try:
            segment = record_segment(store, accounts.contract_id, start, 10,
                                     jpeg=noisy_jpeg(random.Random(5), 4_000))
        finally:
            store.close()
        app = desktop.start_app()
        try:
            helper = sync_helper_of(app.process, timeout=60)
            client = ApiClient(server.url)
            client.token = client.create_token(accounts.client_email, accounts.password,
                                               "test").token
            day = start.date().isoformat()
            deadline = time.monotonic() + 60
            arrived: list[str] = []
            while time.monotonic() < deadline and segment.id not in arrived:
                time.sleep(0.5)
                arrived = [s["id"] for s in client.diary(accounts.contract_id, day)["segments"]]
            assert segment.id in arrived, app.output()
            app.process.send_signal(signal.SIGTERM)
            assert app.session.wait(timeout=APP_EXIT) == 0, app.output()
            assert gone(helper, 5)
            assert helpers(desktop) == []
        finally:
            if app.session.poll() is None:
                app.session.kill()
                app.session.wait(timeout=10)


def test_quit_ends_a_helper_stuck_on_a_silent_server(desktop: Desktop,
                                                     silent_server: str) -> None:
    # Logged in to a server that never answers: the token and device key in the keyring,
    # the account in the store (as `workdiary login` leaves them).
    email = "f@example.com"
    login = desktop.run(f"{sys.executable} -c '{FAKE_LOGIN}' {silent_server} {email}")
    assert login.returncode == 0, login.stderr
    desktop.data_dir.mkdir(parents=True, exist_ok=True)
    store = LocalStore(database_path(desktop.data_dir))
    try:
        store.set_setting(SERVER_URL, silent_server)
        store.set_setting(USER_EMAIL, email)
    finally:
        store.close()
    port = urlsplit(silent_server).port
    app = desktop.start_app()
    try:
        helper = sync_helper_of(app.process, timeout=60)
        deadline = time.monotonic() + 60
        waiting = False
        while time.monotonic() < deadline and not waiting:  # until it is in its request
            try:
                waiting = any(c.raddr and c.raddr.port == port
                              for c in helper.net_connections("tcp"))
            except psutil.NoSuchProcess:
                break
            time.sleep(0.1)
        assert waiting, f"the helper never reached the silent server:\n{app.output()}"
        stopped = time.monotonic()
        app.process.send_signal(signal.SIGTERM)
        # The app closes the helper's pipe; the helper ends within STOP_GRACE (its request
        # would take 30 s to time out), and the app then exits normally.
        assert gone(helper, STOP_GRACE + 5), "the helper outlived the app's Quit"
        assert time.monotonic() - stopped < STOP_GRACE + 5
        assert app.session.wait(timeout=APP_EXIT) == 0, app.output()
        assert helpers(desktop) == []
    finally:
        if app.session.poll() is None:
            app.session.kill()
            app.session.wait(timeout=10)
