"""The server's Ed25519 key: made once, owner-only, one key for racing workers, published at
GET /server-key, and a damaged key file stops the start instead of being replaced."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from workdiary.core.signing import key_id, signature_over_bytes_is_valid
from workdiary.server.app import create_app
from workdiary.server.serverkey import ServerKeyError, load_or_create
from workdiary.server.settings import Settings


def test_made_on_first_start_owner_only_and_kept(settings: Settings, clock) -> None:
    first = create_app(settings, clock=clock)
    path = settings.data_dir / "server-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = first.state.server_key
    with TestClient(first) as client:
        body = client.get("/api/v1/server-key").json()
    assert body == {"algorithm": "Ed25519", "public_key": key.public_key,
                    "key_id": key_id(key.public_key)}
    first.state.engine.dispose()
    again = create_app(settings, clock=clock)
    assert again.state.server_key.public_key == key.public_key
    assert signature_over_bytes_is_valid(b"x", key.sign(b"x"), body["public_key"])
    again.state.engine.dispose()


def test_a_key_file_from_the_environment(settings: Settings, clock, tmp_path: Path) -> None:
    shared = tmp_path / "secrets" / "evidence.pem"
    env = {"WORKDIARY_SERVER_DATA_DIR": str(settings.data_dir),
           "WORKDIARY_DATABASE_URL": settings.database_url,
           "WORKDIARY_SERVER_KEY_FILE": str(shared)}
    configured = Settings.from_env(environ=env, demo=True)
    assert configured.server_key_path == shared
    app = create_app(replace(configured, auto_migrate=False, close_weeks_interval=0,
                             mail_interval=0), clock=clock)
    assert shared.is_file() and not (settings.data_dir / "server-key.pem").exists()
    assert app.state.server_key.path == shared
    app.state.engine.dispose()


def test_racing_workers_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "data" / "server-key.pem"
    start = threading.Barrier(8)
    keys: list[str] = []

    def worker() -> None:
        start.wait()
        keys.append(load_or_create(path).public_key)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in path.parent.iterdir()] == ["server-key.pem"]  # no temp file left


def test_a_damaged_key_stops_the_start_and_is_kept(settings: Settings, clock) -> None:
    path = settings.data_dir / "server-key.pem"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ServerKeyError, match=r"is damaged .*restore .* from a backup"):
        create_app(settings, clock=clock)
    assert b"broken" in path.read_bytes()  # never silently replaced


def test_an_unreadable_key_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "server-key.pem"
    path.mkdir()  # unreadable as a file, for root too
    with pytest.raises(ServerKeyError, match="cannot be read"):
        load_or_create(path)


def test_server_run_says_what_is_wrong(tmp_path: Path) -> None:
    data = tmp_path / "srv"
    data.mkdir()
    (data / "server-key.pem").write_text("not a key")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKDIARY_")}
    env.update(WORKDIARY_SECRET_KEY="a-long-enough-secret-for-this-test-0123456789",
               PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run(
        [sys.executable, "-m", "workdiary", "server", "run", "--data-dir", str(data),
         "--port", "1"], capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.returncode == 1, result.stderr
    assert "server-key.pem is damaged" in result.stderr and "Traceback" not in result.stderr
