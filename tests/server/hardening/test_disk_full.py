"""Finding 10: a full disk is a 507 ``insufficient_storage``, logged once, nothing half-written:
a real SQLITE_FULL (PRAGMA max_page_count on the server's connections) and a real ENOSPC (the
blob folder on a 1 MB tmpfs)."""

from __future__ import annotations

import logging
import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from server_factories import sha, wire
from server_world import NOW, World
from sqlalchemy import event, func, select
from web.livesite import serve

from workdiary.server.models import SegmentRow
from workdiary.testing.images import noisy_jpeg

NINE = NOW.replace(hour=0, minute=0)


def limit_pages(app: FastAPI) -> None:
    """From now on every server connection may not grow the SQLite file by a page."""
    engine = app.state.engine

    @event.listens_for(engine, "connect")
    def _cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_full_database_answers_507_and_stores_no_part_of_a_batch(
        http: httpx.Client, world: World, app: FastAPI,
        caplog: pytest.LogCaptureFixture) -> None:
    limit_pages(app)
    answers = []
    sent: list[list[str]] = []
    for batch in range(12):
        segments = [world.device.segment(world.contract_a,
                                         NINE + timedelta(minutes=10 * (batch * 6 + i)),
                                         memo="m" * 1500, shots=())
                    for i in range(6)]
        sent.append([s.id for s in segments])
        answers.append(http.post("/segments", headers=world.freelancer_a.headers,
                                 json={"segments": [wire(s) for s in segments]}))
    full = [a for a in answers if a.status_code == 507]
    assert full, [a.status_code for a in answers]
    assert {a.status_code for a in answers} <= {200, 507}
    assert {a.json()["error"]["code"] for a in full} == {"insufficient_storage"}
    assert "storage" in full[0].json()["error"]["message"]
    logged = [r for r in caplog.records if "storage full" in r.getMessage()]
    assert len(logged) == 1, "logged once, not once per refused request"
    with app.state.sessionmaker() as session:
        stored = set(session.scalars(select(SegmentRow.id)))
        total = session.scalar(select(func.count()).select_from(SegmentRow))
    expected = {i for ids, a in zip(sent, answers, strict=True) if a.status_code == 200
                for i in ids}
    assert stored == expected and total == len(expected)


@pytest.fixture
def tiny_blob_dir(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "tiny"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_full_blob_disk_answers_507_and_leaves_no_partial_file(
        app: FastAPI, world: World, tiny_blob_dir: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    from workdiary.server.blobs import FileBlobStore

    app.state.blobs = FileBlobStore(tiny_blob_dir)
    caplog.set_level(logging.ERROR)
    codes = []
    with serve(app) as url, httpx.Client(base_url=f"{url}/api/v1", timeout=30) as http:
        for seed in range(20):
            image = noisy_jpeg(random.Random(seed), 150_000)
            response = http.put(f"/screenshots/{sha(image)}", content=image,
                                headers=world.freelancer_a.headers)
            codes.append(response.status_code)
            if response.status_code == 507:
                assert response.json()["error"]["code"] == "insufficient_storage"
                assert http.get(f"/screenshots/{sha(image)}",
                                headers=world.freelancer_a.headers).status_code == 404
    assert 507 in codes and set(codes) <= {201, 507}
    leftovers = [p for p in tiny_blob_dir.rglob(".tmp-*")]
    assert leftovers == []
