"""Seed a server the way the desktop does: signed, chained segments and JPEGs through the API.

Used by the browser test and by ``benchmarks/bench_diary_page.py``. ``http`` is anything
with httpx's ``post``/``put`` (an ``httpx.Client`` on a live server, or a TestClient).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from workdiary.core.canonical import segment_to_dict
from workdiary.core.clock import Clock
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment
from workdiary.core.shotstamp import make_stamp
from workdiary.server.app import create_app
from workdiary.server.services import contracts as contract_service
from workdiary.server.services import users as user_service
from workdiary.server.settings import Settings
from workdiary.testing.devices import DeviceChain
from workdiary.testing.images import make_jpeg

MEMOS = (
    "Checkout: cart summary layout", "Checkout: address form validation",
    "Payment step: card errors", "Code review with the team", "Fix flaky cart test",
    "Order confirmation email", "Refactor price formatting", "",
)


def sqlite_app(folder: Path, clock: Clock) -> FastAPI:
    """A server on SQLite in ``folder`` (no background week closing), on ``clock``."""
    settings = Settings.from_env(
        database_url=f"sqlite:///{folder / 'server.sqlite3'}", data_dir=folder / "srv",
        secret_key="apiseed-secret-" + "y" * 32, close_weeks_interval=0, environ={})
    return create_app(settings, clock=clock)


def seed_contract(app: FastAPI, *, client_email: str, freelancer_email: str, password: str,
                  title: str, now: datetime, **terms: Any) -> str:
    """Clara Client, Fred Lancer (both with ``password``) and their contract at 45.00/h: its id.

    ``terms`` go to ``create_contract`` as they are (e.g. ``weekly_limit_minutes``).
    """
    with app.state.sessionmaker() as db:
        user_service.create_user(db, email=client_email, name="Clara Client", role="client",
                                 password=password, now=now)
        user_service.create_user(db, email=freelancer_email, name="Fred Lancer",
                                 role="freelancer", password=password, now=now)
        return contract_service.create_contract(
            db, client_email=client_email, freelancer_email=freelancer_email, title=title,
            rate_cents=4500, now=now, **terms).id


def register(http: Any, *, email: str, password: str) -> tuple[dict[str, str], DeviceChain]:
    """Log the freelancer in through the API and register a new device key."""
    response = http.post("/api/v1/auth/tokens", json={"email": email, "password": password,
                                                      "device_name": "test desktop"})
    assert response.status_code in (200, 201), response.text
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    device = DeviceChain()
    response = http.post("/api/v1/devices", headers=headers, json={
        "name": "Fred's laptop", "public_key": device.public_key, "device_id": device.device_id})
    assert response.status_code in (200, 201), response.text
    return headers, device


def upload_day(
    http: Any, *, headers: dict[str, str], device: DeviceChain, contract_id: str,
    start: datetime, count: int, segment_minutes: int = 10,
    screen_size: tuple[int, int] = (1280, 800), batch: int = 50,
) -> list[dict[str, Any]]:
    """Upload ``count`` consecutive segments from ``start`` with screenshots; returns verdicts."""
    rng = random.Random(start.toordinal())
    segments: list[Segment] = []
    images: dict[str, bytes] = {}
    for i in range(count):
        seg_start = start + timedelta(minutes=i * segment_minutes)
        active = rng.choice((segment_minutes,) * 4 + (segment_minutes - 2, 3, 6))
        minutes = tuple(
            MinuteRecord(at=seg_start + timedelta(minutes=m), keys=rng.randint(20, 200)
                         if m < active else 0, clicks=rng.randint(0, 20) if m < active else 0,
                         moves=rng.randint(5, 60) if m < active else 0,
                         active_seconds=rng.randint(25, 60) if m < active else 0)
            for m in range(segment_minutes)
        )
        segment_id = uuid.uuid4().hex
        taken_at = seg_start + timedelta(minutes=rng.randint(0, segment_minutes - 1),
                                         seconds=rng.randint(0, 59))
        data = make_jpeg(*screen_size, picture="busy", seed=i, quality=72,
                         stamp=make_stamp(segment_id, taken_at))
        sha = hashlib.sha256(data).hexdigest()
        images[sha] = data
        shot = ScreenshotRef(taken_at=taken_at, sha256=sha, width=screen_size[0],
                             height=screen_size[1], size=len(data))
        segment = Segment(id=segment_id, contract_id=contract_id, start=seg_start,
                          end=seg_start + timedelta(minutes=segment_minutes),
                          memo=MEMOS[i % len(MEMOS)], minutes=minutes, screenshots=(shot,))
        segments.append(device.chain(segment))
    for sha, data in images.items():
        response = http.put(f"/api/v1/screenshots/{sha}", headers={
            **headers, "Content-Type": "image/jpeg", "X-Workdiary-Device": device.device_id},
            content=data)
        assert response.status_code in (200, 201), response.text
    verdicts: list[dict[str, Any]] = []
    for at in range(0, len(segments), batch):
        body = {"segments": [segment_to_dict(s) for s in segments[at:at + batch]]}
        response = http.post("/api/v1/segments", headers=headers, json=body)
        assert response.status_code == 200, response.text
        verdicts.extend(response.json()["segments"])
    return verdicts
