"""Finding 8, desktop: the data folder is 0700 and the cache and screenshots 0600, from the
start and tightened when an older version left them readable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from workdiary.config import data_dir, database_path
from workdiary.core.clock import FakeClock
from workdiary.store import LocalStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         fake_clock: FakeClock) -> None:
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path / "fresh" / "data"))
    folder = data_dir()
    assert mode(folder) == 0o700
    store = LocalStore(database_path(folder), fake_clock)
    store.start_segment("s1", "c1", fake_clock.now(), fake_clock.now())
    from workdiary.core.model import ScreenshotRef

    store.add_screenshot("s1", ScreenshotRef(taken_at=fake_clock.now(), sha256="ab" * 32),
                         jpeg=b"\xff\xd8jpeg", thumbnail=b"\xff\xd8thumb")
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".jpg") for p in files)
    assert {mode(p) for p in files} == {0o600}, {p.name: oct(mode(p)) for p in files}
    assert {mode(p) for p in folder.rglob("*") if p.is_dir()} == {0o700}
    store.close()


def test_an_existing_readable_folder_is_tightened_on_start(tmp_path: Path,
                                                           fake_clock: FakeClock) -> None:
    folder = tmp_path / "old"
    store = LocalStore(folder / "workdiary.sqlite3", fake_clock)
    store.close()
    shots = folder / "screenshots" / "ab"
    shots.mkdir(parents=True, exist_ok=True)
    (shots / ("ab" * 32 + ".jpg")).write_bytes(b"x")
    other = folder / "notes-of-the-user.txt"  # not ours: left as it is
    other.write_text("hello")
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    LocalStore(folder / "workdiary.sqlite3", fake_clock).close()
    assert mode(folder) == 0o700
    assert mode(folder / "workdiary.sqlite3") == 0o600
    assert mode(folder / "screenshots") == mode(shots) == 0o700
    assert mode(shots / ("ab" * 32 + ".jpg")) == 0o600
    assert mode(other) == 0o644
