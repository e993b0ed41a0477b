"""`workdiary track` uploads in the background like the tray app, over a real server on
loopback, and says what the sync did; `--no-sync` keeps it offline."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sync.conftest import login
from tests.sync.test_kill_faults import client_side
from workdiary.cli.embedded import EmbeddedServer, seed_demo


def track(env: dict[str, str], contract_id: str, *extra: str) -> str:
    env = {k: v for k, v in env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-m", "workdiary", "track", contract_id, *extra],
                          env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def server_segments(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0])


@pytest.mark.slow
def test_track_uploads_in_the_background_and_no_sync_stays_offline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    side = client_side(tmp_path, monkeypatch)
    with EmbeddedServer(tmp_path / "server") as server:
        accounts = seed_demo(server)  # 1-minute segments
        login(server.url, accounts.freelancer_email, accounts.password, side.secrets,
              monkeypatch)
        env = {**side.env, "WORKDIARY_DATA_DIR": str(side.directory),
               "HOME": str(tmp_path), "DBUS_SESSION_BUS_ADDRESS": "disabled:"}
        db = tmp_path / "server" / "server.sqlite3"

        offline = track(env, accounts.contract_id, "--no-sync", "--duration", "3")
        assert "sync: off (--no-sync)" in offline and "sync: uploaded" not in offline
        assert server_segments(db) == 0

        out = track(env, accounts.contract_id, "--duration", "75")
    assert f"sync: uploading in the background to {server.url}" in out, out
    assert "sync: uploaded 1 segment(s)" in out, out
    assert server_segments(db) >= 1
    assert os.path.exists(side.directory)


def test_a_sync_failure_is_said_once_then_its_recovery(
        capsys: pytest.CaptureFixture[str]) -> None:
    from workdiary.cli.track_sync import SyncPrinter
    from workdiary.sync.outbox import SyncReport

    printer = SyncPrinter()
    for _ in range(3):
        printer(SyncReport(error="connection refused; retried"))
    printer(SyncReport())
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["sync: uploads stopped: connection refused; retried",
                     "sync: uploads work again"]
