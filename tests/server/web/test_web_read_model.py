"""The pages and the API read a diary the same way: a deleted segment shows as a deletion in
both, bills nothing in both, and is never offered for a dispute.

The day goes in through the JSON API as the desktop sends it; the freelancer deletes one
segment before the lock; then the client reads the API and the pages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from workdiary.core.clock import FakeClock
from workdiary.server.i18n.formatting import hours_minutes_seconds
from workdiary.server.services.weeks import close_weeks

from .apiseed import register, seed_contract, sqlite_app, upload_day
from .webworld import csrf_of

PASSWORD = "correct horse battery"
DAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday of the week of 2026-11-23
EVENING = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
IN_REVIEW = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def cells(html: str) -> dict[str, str]:
    """Each diary cell's HTML by segment id (cells are `<div class="seg ..." id="seg-ID">`)."""
    parts = re.split(r'(?=<div class="seg s-)', html)[1:]
    found = {}
    for part in parts:
        match = re.search(r'id="seg-([^"]+)"', part)
        assert match, part[:200]
        found[match.group(1)] = part
    return found


def stat(html: str, label: str) -> str:
    match = re.search(rf'<div class="label">{label}</div><div class="value">([^<]+)</div>', html)
    assert match, label
    return match.group(1)


def test_page_and_api_agree_on_a_deleted_segment(tmp_path: Path) -> None:
    clock = FakeClock(EVENING)
    app = sqlite_app(tmp_path, clock)
    contract_id = seed_contract(app, client_email="clara@example.com",
                                freelancer_email="fred@example.com", password=PASSWORD,
                                title="Checkout redesign", now=DAY - timedelta(days=7))
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as http:
        headers, device = register(http, email="fred@example.com", password=PASSWORD)
        verdicts = upload_day(http, headers=headers, device=device, contract_id=contract_id,
                              start=DAY, count=4, screen_size=(320, 200))
        deleted = verdicts[1]["id"]
        assert http.delete(f"/api/v1/segments/{deleted}", headers=headers).status_code == 204
        clock.advance((IN_REVIEW - clock.now()).total_seconds())
        with app.state.sessionmaker() as db:
            close_weeks(db, clock.now())

        token = http.post("/api/v1/auth/tokens", json={
            "email": "clara@example.com", "password": PASSWORD, "device_name": "script"})
        client_api = {"Authorization": f"Bearer {token.json()['token']}"}
        api_day = http.get(f"/api/v1/contracts/{contract_id}/diary",
                           params={"date": "2026-11-24", "tz": "UTC"}, headers=client_api).json()
        api_week = http.get(f"/api/v1/contracts/{contract_id}/timesheets/2026-11-23",
                            headers=client_api).json()

        login = http.get("/login").text
        http.post("/login", data={"email": "clara@example.com", "password": PASSWORD,
                                  "csrf_token": csrf_of(login), "next": "/"})
        page = http.get(f"/contracts/{contract_id}/diary/2026-11-24?tz=UTC").text
        sheet = http.get(f"/contracts/{contract_id}/timesheets/2026-11-23").text

    # The same segments, the deletion among them, in both.
    shown = cells(page)
    assert list(shown) == [s["id"] for s in api_day["segments"]]
    tomb = next(s for s in api_day["segments"] if s["id"] == deleted)
    assert (tomb["kind"], tomb["billable_minutes"], tomb["screenshots"]) == ("tombstone", 0, [])
    assert "deleted" in shown[deleted].split('"')[1]  # the cell's class
    assert "Deleted by the freelancer" in shown[deleted]
    assert "/screenshots/" not in shown[deleted]
    # The same sums: the deletion bills nothing on either.
    assert api_day["totals"]["billable_minutes"] == 30
    assert stat(page, "Billable") == hours_minutes_seconds(api_day["totals"]["billable_seconds"])
    assert stat(page, "Tracked") == hours_minutes_seconds(api_day["totals"]["tracked_seconds"])
    assert stat(page, "Segments") == str(api_day["totals"]["segments"]) == "4"
    assert api_week["day_minutes"][1] == 30 and "$22.50" in sheet  # 30 min at $45/h
    assert deleted in [s["id"] for s in api_week["segments"]]
    # Offered for a dispute: every segment but the deletion, on both pages.
    for sid in shown:
        offered_in_diary = f'value="{sid}" form="dispute-form"' in page
        offered_in_sheet = f'name="segment_ids" value="{sid}"' in sheet
        assert offered_in_diary == offered_in_sheet == (sid != deleted), sid
    assert '<span class="mark">Deleted</span>' in sheet
