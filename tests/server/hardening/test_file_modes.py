"""Finding 8, server: its data folder is 0700, the database and blobs 0600, tightened on start."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import httpx
from server_factories import sha
from server_world import NOW

from workdiary.core.clock import FakeClock
from workdiary.server.app import create_app
from workdiary.server.settings import Settings, StorageSettings, default_sqlite_url
from workdiary.testing.images import make_jpeg

from .processes import seed_users


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_is_owner_only_and_tightened_on_start(tmp_path: Path) -> None:
    from web.livesite import serve

    folder = tmp_path / "srv"
    seed_users(folder)  # a database made before, as an older version left it
    (folder / "blobs" / "ab").mkdir(parents=True)
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    settings = Settings(storage=StorageSettings(database_url=default_sqlite_url(folder),
                                                data_dir=folder),
                        demo=True, close_weeks_interval=0)
    app = create_app(settings, clock=FakeClock(NOW))
    assert mode(folder) == 0o700
    assert mode(folder / "server.sqlite3") == 0o600
    assert mode(folder / "blobs") == mode(folder / "blobs" / "ab") == 0o700
    from workdiary.server.services import users

    with app.state.sessionmaker() as db:
        freelancer = users.create_user(db, email="f@example.com", name="F", role="freelancer",
                                       password="a long enough password",
                                       now=app.state.clock.now())
        token = users.issue_token(db, user=freelancer, device_name="t", now=app.state.clock.now())
    image = make_jpeg(seed=8)
    with serve(app) as url:
        answer = httpx.put(f"{url}/api/v1/screenshots/{sha(image)}", content=image,
                           headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 201, answer.text
    blob = folder / "blobs" / sha(image)[:2] / sha(image)
    assert mode(blob) == 0o600 and mode(blob.parent) == 0o700
    assert {mode(p) for p in folder.iterdir() if p.is_file()} == {0o600}
    app.state.engine.dispose()
