"""The headline test: `workdiary track` on headless sway with no X display.

The tracker runs as the compositor's user (the portal serves only callers it can identify),
takes real portal screenshots of native Wayland windows, measures active seconds from sway's
idle notifications while wtype types, marks idle after the policy's idle minute, and
`workdiary sync` uploads segments that the real server verifies as protected; both diaries
say the activity was measured from idle time.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests

from workdiary.core.model import CaptureMode, Policy

from .compositors import (
    NOBODY,
    SYSTEM_PYTHON,
    WaylandSession,
    _as_nobody,
    as_user_python_path,
    as_user_tree,
)

pytestmark = [pytest.mark.wayland, pytest.mark.slow]

TREE = Path(__file__).resolve().parents[3]
SYNC_TESTS = TREE / "tests" / "sync"  # file_keyring.py
TYPING_SECONDS = 40  # then no input, so the policy's one idle minute passes
TRACK_SECONDS = 130


def _chown_tree(path: Path) -> None:
    for root, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            os.chown(os.path.join(root, name), NOBODY, NOBODY)
    os.chown(path, NOBODY, NOBODY)


def test_track_on_native_wayland_is_protected_on_the_server(
    sway: WaylandSession, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workdiary.cli import account
    from workdiary.cli.embedded import EmbeddedServer, seed_demo
    from workdiary.sync.secrets import KeyringSecretStore

    home = sway.runtime_dir / "e2e"  # inside the session's private dir: nobody and root reach it
    client_dir, keyring_file = home / "client", home / "keyring.json"
    client_dir.mkdir(parents=True)
    monkeypatch.syspath_prepend(str(SYNC_TESTS))
    file_keyring = importlib.import_module("file_keyring").FileKeyring
    env = sway.client_env(
        WORKDIARY_DATA_DIR=str(client_dir), HOME=str(home), TZ="UTC", PYTHONUNBUFFERED="1",
        PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
        WORKDIARY_TEST_KEYRING_FILE=str(keyring_file), WORKDIARY_SYNC_GRACE_SECONDS="0",
        PYTHONPATH=os.pathsep.join([str(TREE), str(SYNC_TESTS)]),
    )
    policy = Policy(segment_minutes=1, screenshots_per_segment=1, idle_minutes=1,
                    window_titles=True, capture=CaptureMode.ALL)
    with EmbeddedServer(home / "server") as server:
        accounts = seed_demo(server, policy=policy)
        monkeypatch.setenv("WORKDIARY_DATA_DIR", str(client_dir))
        monkeypatch.setattr("sys.stdin", io.StringIO(accounts.password + "\n"))
        account.run_login(
            argparse.Namespace(server_url=server.url, email=accounts.freelancer_email,
                               password_stdin=True),
            secrets_factory=lambda: KeyringSecretStore(file_keyring(keyring_file)))
        _chown_tree(home)

        sync_tests = as_user_tree() / SYNC_TESTS.relative_to(SYNC_TESTS.parents[1])
        as_user = {**env, "PYTHONPATH": os.pathsep.join([as_user_python_path(),
                                                          str(sync_tests)])}
        track = subprocess.Popen(
            [*_as_nobody(), SYSTEM_PYTHON, "-m", "workdiary", "track", accounts.contract_id,
             "--duration", str(TRACK_SECONDS), "--memo", "native Wayland"],
            env=as_user, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            started = time.monotonic()
            subprocess.run(["wtype", "-k", "space"], env=env, timeout=10, check=True)
            while time.monotonic() - started < TYPING_SECONDS:
                subprocess.run(["wtype", "-k", "space"], env=env, timeout=10, check=True)
                time.sleep(0.5)
            output, _ = track.communicate(timeout=TRACK_SECONDS + 120)
        finally:
            if track.poll() is None:
                track.kill()
                track.wait(timeout=10)
        assert track.returncode == 0, output
        assert "warning" not in output, output
        assert "screenshot failed" not in output, output
        assert "screenshot taken" in output, output
        assert "minutes from now on are marked idle" in output, output

        sync = subprocess.run([sys.executable, "-m", "workdiary", "sync"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert sync.returncode == 0, sync.stdout + sync.stderr

        with sqlite3.connect(home / "server" / "server.sqlite3") as conn:
            rows = conn.execute("SELECT status, reasons, body FROM segments").fetchall()
        bodies = [json.loads(body) for _, _, body in rows]
        minutes = [m for body in bodies for m in body["minutes"]]
        shots = [s for body in bodies for s in body["screenshots"]]
        assert minutes and {m.get("source") for m in minutes} == {"idle_monitor"}
        assert all(m["keys"] == m["clicks"] == m["moves"] == 0 for m in minutes)
        assert sum(m["active_seconds"] for m in minutes) > 0
        assert shots and all(s["sha256"] and not s["error"] for s in shots)
        assert {s["app"] for s in shots} == {"workdiary-colour-test"}
        statuses = [(status, json.loads(reasons)) for status, reasons, _ in rows]
        assert ("protected", []) in statuses, statuses

        diary = subprocess.run([sys.executable, "-m", "workdiary", "diary", "--json"], env=env,
                               capture_output=True, text=True, timeout=60)
        local = json.loads(diary.stdout)
        assert {m.get("source") for s in local["segments"] for m in s["minutes"]} == {
            "idle_monitor"}
        text = subprocess.run([sys.executable, "-m", "workdiary", "diary"], env=env,
                              capture_output=True, text=True, timeout=60).stdout
        assert "activity measured from idle time" in text
        assert re.search(r" [1-9]\d?/10 ", text), text  # idle-monitor minutes count as active

        web = requests.Session()
        login_page = web.get(f"{server.url}/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page)
        assert token is not None
        web.post(f"{server.url}/login", timeout=10, data={
            "email": accounts.client_email, "password": accounts.password,
            "csrf_token": token.group(1), "next": "/"})
        day = datetime.fromisoformat(bodies[0]["start"].replace("Z", "+00:00")).date()
        page = web.get(f"{server.url}/contracts/{accounts.contract_id}/diary/{day}?tz=UTC",
                       timeout=10)
        assert page.status_code == 200
        assert "activity measured from idle time" in page.text
