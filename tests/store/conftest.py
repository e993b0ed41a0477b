from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from workdiary.core.clock import FakeClock
from workdiary.store import LocalStore


@pytest.fixture
def store(tmp_path: Path, fake_clock: FakeClock) -> Iterator[LocalStore]:
    opened = LocalStore(tmp_path / "workdiary.sqlite3", clock=fake_clock)
    yield opened
    opened.close()
