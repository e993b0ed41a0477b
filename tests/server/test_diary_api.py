"""The diary and timesheet shapes, time zones and the UTC week boundary; screenshots."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World

from workdiary.core.clock import FakeClock
from workdiary.server.app import create_app

SEGMENT_KEYS = {"id", "contract_id", "start", "end", "kind", "status", "billable_minutes",
                "reasons", "memo", "redacted", "minutes", "screenshots"}
MINUTE_KEYS = {"at", "keys", "clicks", "scrolls", "moves", "active_seconds", "idle"}


def upload(api: TestClient, world: World, *segments) -> None:  # type: ignore[no-untyped-def]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segments]})
    assert response.status_code == 200, response.text


def test_diary_shape(api: TestClient, world: World) -> None:
    start = NOW.replace(hour=9, minute=0)
    upload(api, world, world.device.segment(world.contract_a, start, active=6),
           world.device.segment(world.contract_a, start + timedelta(minutes=10), minutes=4))
    diary = api.get(f"/contracts/{world.contract_a}/diary", params={"date": "2026-11-18",
                    "tz": "UTC"}, headers=world.client_a.headers).json()
    assert {"date", "tz", "segments", "totals"} <= set(diary)
    first = diary["segments"][0]
    assert set(first) >= SEGMENT_KEYS
    assert set(first["minutes"][0]) >= MINUTE_KEYS
    assert {"sha256", "taken_at"} <= set(first["screenshots"][0])
    assert first["activity"] == {"level": 0.6, "bars": 6, "percent": 30}
    assert diary["totals"]["billable_minutes"] == 14
    assert [s["billable_minutes"] for s in diary["segments"]] == [10, 4]


def test_diary_in_the_viewers_time_zone(api: TestClient, world: World) -> None:
    # 2026-11-18 02:00 UTC is still the 17th in New York and already the 18th in Tokyo.
    early = NOW.replace(hour=2, minute=0)
    upload(api, world, world.device.segment(world.contract_a, early))
    url = f"/contracts/{world.contract_a}/diary"
    headers = world.client_a.headers

    def ids(day: str, tz: str) -> int:
        return len(api.get(url, params={"date": day, "tz": tz}, headers=headers)
                   .json()["segments"])

    assert ids("2026-11-17", "America/New_York") == 1
    assert ids("2026-11-18", "America/New_York") == 0
    assert ids("2026-11-18", "Asia/Tokyo") == 1
    assert ids("2026-11-18", "UTC") == 1


def test_week_boundary_is_marked(api: TestClient, world: World) -> None:
    url = f"/contracts/{world.contract_a}/diary"
    # The UTC week starts Monday 2026-11-16 00:00 UTC = 09:00 on Monday in Tokyo.
    tokyo = api.get(url, params={"date": "2026-11-16", "tz": "Asia/Tokyo"},
                    headers=world.client_a.headers).json()
    assert tokyo["week_boundaries"] == ["2026-11-16T00:00:00Z"]
    # ... and Sunday 19:00 in New York.
    ny = api.get(url, params={"date": "2026-11-15", "tz": "America/New_York"},
                 headers=world.client_a.headers).json()
    assert ny["week_boundaries"] == ["2026-11-16T00:00:00Z"]
    plain = api.get(url, params={"date": "2026-11-18", "tz": "UTC"},
                    headers=world.client_a.headers).json()
    assert plain["week_boundaries"] == []


def test_timesheet_days_and_phase(api: TestClient, world: World) -> None:
    upload(api, world,
           world.device.segment(world.contract_a, datetime(2026, 11, 16, 8, 0, tzinfo=UTC)),
           world.device.segment(world.contract_a, NOW.replace(hour=9, minute=0), minutes=7))
    sheet = api.get(f"/contracts/{world.contract_a}/timesheets/2026-11-16",
                    headers=world.freelancer_a.headers).json()
    assert sheet["day_minutes"] == [10, 0, 7, 0, 0, 0, 0]
    assert sheet["phase"] == "open" and sheet["invoice"] is None
    assert sheet["lock_at"] == "2026-11-23T12:00:00Z"
    assert sheet["review_until"] == "2026-11-27T23:59:00Z"
    assert sheet["amount_cents"] == 850  # 17 min at 30.00/h


def test_screenshot_download(api: TestClient, world: World) -> None:
    segment = world.device.segment(world.contract_a, NOW.replace(hour=9, minute=0))
    sha = segment.screenshots[0].sha256
    assert sha is not None
    upload(api, world, segment)
    image = api.get(f"/screenshots/{sha}", headers=world.freelancer_a.headers).content
    got = api.get(f"/screenshots/{sha}", headers=world.client_a.headers)
    assert got.status_code == 200 and got.content == image
    assert got.headers["content-type"] == "image/jpeg"
    assert api.get(f"/screenshots/{sha}", headers=world.client_b.headers).status_code == 404


def test_the_server_closes_weeks_on_its_timer(settings, world: World) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from sqlalchemy import select

    from workdiary.server.models import Invoice, SegmentRow

    # Upload through the normal app, then start another app whose clock is after the lock.
    clock = FakeClock(NOW)
    app = create_app(settings, clock=clock)
    with TestClient(app, base_url="http://testserver/api/v1") as api:
        upload(api, world, world.device.segment(world.contract_a, NOW.replace(hour=9)))
    app.state.engine.dispose()
    later = dataclasses.replace(settings, close_weeks_interval=0.05)
    app = create_app(later, clock=FakeClock(NOW + timedelta(days=6)))
    with TestClient(app), app.state.sessionmaker() as session:
        assert session.scalar(select(SegmentRow.id)) is not None
        for _ in range(200):  # the timer runs in the background: wait for its first run
            if session.scalar(select(Invoice.id)) is not None:
                break
            time.sleep(0.05)
            session.expire_all()
        invoice = session.scalar(select(Invoice))
        assert invoice is not None and invoice.status == "in_review"
    app.state.engine.dispose()
    assert isinstance(app, FastAPI)
