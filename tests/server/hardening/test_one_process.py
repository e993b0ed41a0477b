"""Finding 3: a second server process on one SQLite database refuses to start (file lock);
on PostgreSQL several processes serve one database and still bill an overlapping slot once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from server_factories import DeviceChain, wire
from server_world import NOW
from sqlalchemy.orm import Session

from workdiary.server.db import make_engine, make_sessionmaker
from workdiary.server.services import contracts, users

from .processes import server_run


def test_a_second_server_on_one_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    data = tmp_path / "srv"
    with server_run(data) as url:
        assert httpx.get(f"{url}/login").status_code == 200
        second = subprocess.run(
            [sys.executable, "-m", "workdiary", "server", "run", "--port", "0", "--data-dir",
             str(data)], env={**os.environ, "WORKDIARY_SECRET_KEY": "s" * 48},
            capture_output=True, text=True, timeout=120)
        assert second.returncode != 0
        assert "already serves the SQLite database" in second.stderr, second.stderr
        assert "Traceback" not in second.stderr
        assert httpx.get(f"{url}/login").status_code == 200  # the first one is untouched
    # Once the first has stopped, the data dir can be served again.
    with server_run(data, seed=False) as url:
        assert httpx.get(f"{url}/login").status_code == 200


@pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_two_server_processes_on_postgresql_bill_an_overlapping_slot_once(
        tmp_path: Path, database_url: str) -> None:
    postgres_url = database_url
    engine = make_engine(postgres_url)
    with make_sessionmaker(engine)() as session:
        token, device, contract_ids = seed(session)
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with server_run(tmp_path / "one", "--database", postgres_url, seed=False) as one, \
            server_run(tmp_path / "two", "--database", postgres_url, seed=False) as two:
        registered = httpx.post(f"{one}/api/v1/devices", headers=headers, json={
            "name": "laptop", "public_key": device.public_key, "device_id": device.device_id})
        assert registered.status_code == 201, registered.text
        # The servers run on the real clock: an hour that ended a little while ago.
        now = datetime.now(UTC)
        nine = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0) \
            - timedelta(minutes=70)
        # The same hour twice, on two contracts, each batch to another server process.
        batches = [[device.segment(contract_ids[k], nine + timedelta(minutes=10 * i), shots=())
                    for i in range(6)] for k in range(2)]
        barrier = threading.Barrier(2)
        verdicts: list[dict] = []

        def send(url: str, batch: list) -> None:  # type: ignore[type-arg]
            barrier.wait()
            answer = httpx.post(f"{url}/api/v1/segments", headers=headers, timeout=60,
                                json={"segments": [wire(s) for s in batch]})
            assert answer.status_code == 200, answer.text
            verdicts.extend(answer.json()["segments"])

        threads = [threading.Thread(target=send, args=(url, batch))
                   for url, batch in zip((one, two), batches, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert len(verdicts) == 12
    assert sum(v["billable_minutes"] for v in verdicts if v["status"] != "rejected") == 60


def seed(session: Session) -> tuple[str, DeviceChain, list[str]]:
    """A freelancer with two contracts (two clients); returns a token, a device, the ids."""
    people = {}
    for email, role in (("f@example.com", "freelancer"), ("c1@example.com", "client"),
                        ("c2@example.com", "client")):
        people[email] = users.create_user(session, email=email, name=email[:2], role=role,
                                          password="a long enough password", now=NOW)
    ids = [contracts.create_contract(session, client_email=client, freelancer_email="f@example.com",
                                     title=f"K{n}", rate_cents=1000, now=NOW).id
           for n, client in enumerate(("c1@example.com", "c2@example.com"))]
    token = users.issue_token(session, user=people["f@example.com"], device_name="t", now=NOW)
    return token, DeviceChain(device_id="pgdevice000000000000000000000001"), ids
