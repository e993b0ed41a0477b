"""`workdiary server run` in its own process, as an operator starts it, for the hardening tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from web.livesite import free_port

PASSWORD = "correct horse battery"
EMAILS = ["ada@example.com", "bob@example.com", "cy@example.com"]


def seed_users(data_dir: Path, database_url: str | None = None) -> None:
    """Client accounts, written straight into the database (cheap hashes: see conftest)."""
    from datetime import UTC, datetime

    from workdiary.server.db import make_engine, make_sessionmaker
    from workdiary.server.migrate import upgrade_to_head
    from workdiary.server.services import users
    from workdiary.server.settings import default_sqlite_url

    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url or default_sqlite_url(data_dir))
    upgrade_to_head(engine)
    with make_sessionmaker(engine)() as session:
        for email in EMAILS:
            users.create_user(session, email=email, name=email[:3], role="client",
                              password=PASSWORD, now=datetime.now(UTC))
    engine.dispose()


@contextmanager
def server_run(data_dir: Path, *extra: str, seed: bool = True) -> Iterator[str]:
    """`workdiary server run` in its own process (as an operator starts it); yields its URL."""
    env = {**os.environ, "WORKDIARY_SECRET_KEY": "s" * 48}
    env.pop("WORKDIARY_FORWARDED_ALLOW_IPS", None)
    env.pop("WORKDIARY_PUBLIC_URL", None)
    if seed:
        seed_users(data_dir)
    port = free_port()
    log = data_dir.parent / f"server-{port}.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "workdiary", "server", "run", "--port", str(port),
             "--data-dir", str(data_dir), *extra], env=env, stdout=subprocess.DEVNULL,
            stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/login", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "server run did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


