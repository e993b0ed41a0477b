"""`workdiary track` killed with SIGKILL after two minutes under Xvfb: nothing finished is lost,
the database is intact, recovery closes the segment at its last minute, tracking goes on."""

from __future__ import annotations

import itertools
import re
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from workdiary.config import database_path
from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.model import Contract
from workdiary.store import LocalStore

from .conftest import CLI, cli_env
from .progress import announce

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]
MINUTE_LINE = re.compile(r"^minute (\d\d:\d\d)\s+(\d+) s")


def test_sigkill_after_two_minutes_loses_no_finished_minute(
    data_dir: Path, make_contract: Any, own_display: str, request: pytest.FixtureRequest
) -> None:
    with LocalStore(database_path(data_dir)) as store:
        contract: Contract = make_contract("c-1", segment_minutes=10, screenshots_per_segment=3)
        store.replace_contracts([contract])

    announce(request, "tracking for about 2 minutes on purpose, then SIGKILL; then 65 s more "
                      "to check the recovery (about 3 minutes in all)")
    started = time.monotonic()
    proc = subprocess.Popen(
        [*CLI, "track", "c-1", "--memo", "crash test"], env=cli_env(data_dir, own_display),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    printed: list[tuple[str, int]] = []
    try:
        assert proc.stdout is not None
        while time.monotonic() - started < 125 or len(printed) < 2:
            line = proc.stdout.readline()
            assert line, f"track exited early: {proc.stderr.read() if proc.stderr else ''}"
            match = MINUTE_LINE.match(line)
            if match:
                printed.append((match.group(1), int(match.group(2))))
                announce(request, f"minute {match.group(1)} recorded; killing the tracker "
                                  f"{max(0, 125 - int(time.monotonic() - started))} s from now "
                                  "(once two minutes are recorded)")
            assert time.monotonic() - started < 200, "no minute lines in 200 s"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    window = (datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1))
    with LocalStore(database_path(data_dir)) as store:
        assert store.integrity_check() == "ok"
        segments = store.segments_between(*window)
        stored = [m for s in segments for m in s.minutes]
        # Every minute the tracker printed was committed first (it prints after the commit).
        assert len(stored) >= len(printed) >= 2
        open_segment = store.open_segment()
        assert open_segment is not None, "the killed tracker's segment is still open"
        open_minutes = open_segment.minutes

    announce(request, "killed; restarting `workdiary track` for 65 s to check that it recovers "
                      "and goes on tracking")
    restart = subprocess.run(
        [*CLI, "track", "c-1", "--duration", "65"], env=cli_env(data_dir, own_display),
        capture_output=True, text=True, timeout=150,
    )
    assert restart.returncode == 0, restart.stderr
    assert "No X display" not in restart.stderr
    if open_minutes:
        assert "recovered:" in restart.stdout
    assert restart.stdout.count("minute ") >= 1

    with LocalStore(database_path(data_dir)) as store:
        assert store.integrity_check() == "ok"
        assert store.open_segment() is None
        if open_minutes:
            recovered = store.segment(open_segment.id)
            assert recovered is not None
            assert recovered.end == open_minutes[-1].at + timedelta(minutes=1)
            assert len(recovered.minutes) == len(open_minutes)
        after = store.segments_between(*window)
        minutes_after = [m for s in after for m in s.minutes]
        assert len(minutes_after) > len(stored)
        assert {m.at for m in stored} <= {m.at for m in minutes_after}
        chained = sorted(after, key=lambda s: s.seq)
        assert chained[0].prev_hash == GENESIS_HASH
        assert [s.seq for s in chained] == list(range(1, len(chained) + 1))
        for previous, current in itertools.pairwise(chained):
            assert current.prev_hash == chain_hash(previous)
        shots = [shot for s in after for shot in s.screenshots]
        assert all(not shot.failed for shot in shots), [shot.error for shot in shots]
