"""One session with partial minutes, tracked on the desktop and uploaded through the real outbox
to a real server on loopback: every surface shows the same billed seconds for the day
(docs/design.md, "Billed time": a segment bills its tracked seconds, a total sums its segments'
seconds, and a minutes figure is floor(total seconds / 60)).

Surfaces: `workdiary status --json` and `workdiary diary --json` (subprocesses), the tray's
Qt-free views (desktop/summary.py, desktop/diary.py), the API's diary totals, and the web
diary page the client signs in to over HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.sync.conftest import Live, login
from workdiary.cli.embedded import EmbeddedServer, seed_demo
from workdiary.config import database_path
from workdiary.core.billing import amount_cents
from workdiary.core.clock import FakeClock
from workdiary.core.model import MinuteRecord, Policy
from workdiary.desktop.diary import day_view
from workdiary.desktop.summary import compute_summary
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.secrets import MemorySecretStore

BERLIN = ZoneInfo("Europe/Berlin")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
STAT_RE = (r'<div class="label">{label}</div>'
           r'<div class="value">([0-9]+):([0-9]{{2}}):([0-9]{{2}})</div>')

# (first minute's second, seconds of each minute) of each segment, 10-minute segments:
# clock in at 02:08:20 local, the 02:10 boundary closes the first segment (40 s + 60 s), clock
# out at 02:10:38 (a 38-second segment); a second session 02:20:00-02:22:30 (60 + 60 + 30 s).
# Billed: 100 + 38 + 150 = 288 seconds (per-segment whole minutes would give 1 + 0 + 2 = 3).
SESSION = [(timedelta(hours=2, minutes=8), 20, [40, 60]),
           (timedelta(hours=2, minutes=10), 0, [38]),
           (timedelta(hours=2, minutes=20), 0, [60, 60, 30])]
BILLED_SECONDS = 288
BILLED_MINUTES = 4  # floor(288 / 60): the compatibility field, of the total


def record_partial_minutes(live: Live, midnight: datetime) -> None:
    """Writes the session through the tracker's store calls, signed as the tracker signs."""
    assert isinstance(live.clock, FakeClock)
    signer = live.signer()
    for index, (offset, first_second, seconds) in enumerate(SESSION):
        at = (midnight + offset).astimezone(UTC)
        begin = at + timedelta(seconds=first_second)
        segment_id = f"partial-{index}"
        live.store.start_segment(segment_id, live.contract_id, begin,
                                 at + timedelta(minutes=10), "partial minutes")
        for n, tracked in enumerate(seconds):
            live.store.add_minute(segment_id, MinuteRecord(
                at=at + timedelta(minutes=n), seconds=tracked, keys=3, active_seconds=tracked))
        end = begin + timedelta(seconds=sum(seconds))
        live.clock.advance((end - live.clock.now()).total_seconds())
        closed = live.store.close_segment(segment_id, end)
        assert closed is not None
        live.store.set_signature(segment_id, signer(closed).signature)


def cli_json(data_dir: Path, *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(WORKDIARY_DATA_DIR=str(data_dir), TZ="Europe/Berlin",
               DBUS_SESSION_BUS_ADDRESS="disabled:")
    done = subprocess.run([sys.executable, "-m", "workdiary", *args, "--json"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def web_stat(html: str, label: str) -> int:
    match = re.search(STAT_RE.format(label=label), html)
    assert match, f"no {label} figure on the diary page"
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60 + int(match.group(3))


def test_every_surface_bills_the_same_seconds_for_a_session_with_partial_minutes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    today = datetime.now(BERLIN).date()
    midnight = datetime(today.year, today.month, today.day, tzinfo=BERLIN)
    clock = FakeClock((midnight + timedelta(hours=2)).astimezone(UTC))
    client_dir = tmp_path / "client"
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(client_dir))
    with EmbeddedServer(tmp_path / "server", clock=clock) as server:
        accounts = seed_demo(server, policy=Policy(segment_minutes=10))
        secrets = MemorySecretStore()
        login(server.url, accounts.freelancer_email, accounts.password, secrets, monkeypatch)
        with LocalStore(database_path(client_dir), clock) as store:
            live = Live(server.url, accounts.contract_id, accounts.client_email,
                        accounts.password, store, secrets, clock,
                        tmp_path / "server" / "server.sqlite3")
            record_partial_minutes(live, midnight)
            clock.advance(600)
            report = live.outbox().run_once()
            assert report.ok and len(report.verdicts) == len(SESSION), report
            assert [v.billable_seconds for v in report.verdicts] == [100, 38, 150]
            assert [v.billable_minutes for v in report.verdicts] == [1, 0, 2]
            assert {row[0] for row in live.server_rows().values()} <= {"protected",
                                                                        "unprotected"}
            tray = compute_summary(store, clock.now(), BERLIN, None, None)
            tray_diary = day_view(store, today, BERLIN, clock.now())

        status = cli_json(client_dir, "status")
        diary = cli_json(client_dir, "diary")

        api = ApiClient(server.url)
        api.token = api.create_token(accounts.client_email, accounts.password, "test").token
        api_totals = api.diary(accounts.contract_id, today.isoformat(), "Europe/Berlin")["totals"]

        with httpx.Client(base_url=server.url, follow_redirects=False) as browser:
            token = CSRF_RE.search(browser.get("/login").text)
            assert token, "the login page has no CSRF token"
            signed_in = browser.post("/login", data={
                "email": accounts.client_email, "password": accounts.password,
                "csrf_token": token.group(1), "next": "/"})
            assert signed_in.status_code == 303, signed_in.text
            page = browser.get(f"/contracts/{accounts.contract_id}/diary/{today.isoformat()}",
                               params={"tz": "Europe/Berlin"})
            assert page.status_code == 200, page.text

    totals: dict[str, int] = diary["totals"]  # type: ignore[assignment]
    seconds = {
        "status --json today_seconds": status["today_seconds"],
        "diary --json tracked_seconds": totals["tracked_seconds"],
        "diary --json billable_seconds": totals["billable_seconds"],
        "tray today_seconds": tray.today_seconds,
        "tray diary tracked_seconds": tray_diary.totals.tracked_seconds,
        "tray diary billable_seconds": tray_diary.totals.billable_seconds,
        "API tracked_seconds": api_totals["tracked_seconds"],
        "API billable_seconds": api_totals["billable_seconds"],
        "web Tracked": web_stat(page.text, "Tracked"),
        "web Billable": web_stat(page.text, "Billable"),
    }
    assert seconds == dict.fromkeys(seconds, BILLED_SECONDS)
    minutes = {
        "status --json today_minutes": status["today_minutes"],
        "diary --json tracked_minutes": totals["tracked_minutes"],
        "diary --json billable_minutes": totals["billable_minutes"],
        "tray today_minutes": tray.today_minutes,
        "tray diary billable_minutes": tray_diary.totals.billable_minutes,
        "API tracked_minutes": api_totals["tracked_minutes"],
        "API billable_minutes": api_totals["billable_minutes"],
    }
    assert minutes == dict.fromkeys(minutes, BILLED_MINUTES)
    # The day's amount on the page: 288 s at the demo's $25/h, rounded once: $2.00.
    assert amount_cents(BILLED_SECONDS, 2500) == 200
    assert "$2.00 at $25.00/h" in page.text
