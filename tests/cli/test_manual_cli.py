"""`workdiary manual` and `workdiary memo` as the user runs them (subprocess, offline): manual
time goes into the cache and `workdiary diary` lists it as manual; refusals are one line."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from workdiary.config import database_path
from workdiary.core.model import Contract
from workdiary.store import LocalStore

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_manual_time_offline_then_memo_and_diary(run_cli: Run, data_dir: Path,
                                                 make_contract: Callable[..., Contract]) -> None:
    with LocalStore(database_path(data_dir)) as store:
        store.replace_contracts([make_contract("c-1", segment_minutes=10, allow_manual=True),
                                 make_contract("c-2", segment_minutes=10)])
    start = (datetime.now(UTC) - timedelta(hours=3)).replace(minute=5, second=0, microsecond=0)
    end = start + timedelta(minutes=20)
    done = run_cli("manual", "c-1", "--start", start.isoformat(), "--end", end.isoformat(),
                   "--memo", "Call with the client", "--json")
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert [s["kind"] for s in made] == ["manual"] * 3
    assert [(s["start"][14:16], s["end"][14:16]) for s in made] == [
        ("05", "10"), ("10", "20"), ("20", "25")]

    again = run_cli("manual", "c-1", "--start", start.isoformat(), "--end", end.isoformat(),
                    "--memo", "twice")
    assert again.returncode == 1 and "overlaps" in again.stderr
    refused = run_cli("manual", "c-2", "--start", "2020-01-01T09:00", "--end",
                      "2020-01-01T10:00", "--memo", "x")
    assert refused.returncode == 1
    assert "does not allow manual time" in refused.stderr

    memo = run_cli("memo", made[0]["id"], "Planning call with the client")
    assert memo.returncode == 0, memo.stderr
    assert "changed; it uploads with the segment" in memo.stdout
    missing = run_cli("memo", "no-such-segment", "x")
    assert missing.returncode == 1 and "no segment no-such-segment" in missing.stderr

    local_day = start.astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()  # cli_env's TZ
    day = json.loads(run_cli("diary", "--date", local_day, "--json").stdout)
    shown = [s for s in day["segments"] if s["kind"] == "manual"]
    assert [s["id"] for s in shown] == [s["id"] for s in made]
    assert shown[0]["memo"] == "Planning call with the client"
    assert shown[0]["sync"]["precheck"]["reasons"] == ["manual"]
    text = run_cli("diary", "--date", local_day).stdout
    assert sum(" manual " in line for line in text.splitlines()) == 3
