"""Seed a server the way the desktop does: signed, chained segments and JPEGs through the API.

Used by the browser test and by ``benchmarks/bench_diary_page.py``. ``http`` is anything
with httpx's ``post``/``put`` (an ``httpx.Client`` on a live server, or a TestClient).
"""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from PIL import Image, ImageDraw

from workdiary.core.canonical import GENESIS_HASH, chain_hash, segment_to_dict
from workdiary.core.clock import Clock
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment
from workdiary.core.shotstamp import make_stamp
from workdiary.core.signing import generate_private_key, public_key_of, sign_segment
from workdiary.server.app import create_app
from workdiary.server.services import contracts as contract_service
from workdiary.server.services import users as user_service
from workdiary.server.settings import Settings

MEMOS = (
    "Checkout: cart summary layout", "Checkout: address form validation",
    "Payment step: card errors", "Code review with the team", "Fix flaky cart test",
    "Order confirmation email", "Refactor price formatting", "",
)
PALETTES = ((30, 34, 42), (248, 249, 251), (39, 40, 34), (250, 246, 240))


def fake_screen(index: int, width: int = 1280, height: int = 800,
                stamp: bytes | None = None) -> bytes:
    """A JPEG that looks like a desktop with an editor and a browser, different each time.

    ``stamp`` binds it to its segment and moment, as the desktop's encoder does."""
    picture = _draw_screen(index)
    if (width, height) != picture.size:
        picture = picture.resize((width, height), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=72, **({"comment": stamp} if stamp else {}))
    return out.getvalue()


def _draw_screen(index: int, width: int = 1280, height: int = 800) -> Image.Image:
    rng = random.Random(index)
    bg = PALETTES[index % len(PALETTES)]
    dark = sum(bg) < 300
    image = Image.new("RGB", (width, height), (52, 101, 164))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 26), fill=(24, 24, 28))
    split = rng.randint(width // 3, 2 * width // 3)
    draw.rectangle((8, 34, split - 4, height - 8), fill=bg)
    draw.rectangle((8, 34, split - 4, 58), fill=(60, 63, 70) if dark else (225, 228, 234))
    colours = [(197, 134, 192), (86, 156, 214), (206, 145, 120), (106, 153, 85), (220, 220, 170)]
    if not dark:
        colours = [(0, 92, 197), (163, 21, 21), (0, 128, 0), (121, 94, 38), (38, 127, 153)]
    y = 70
    while y < height - 24:
        indent = rng.choice((0, 0, 24, 48, 72))
        x = 24 + indent
        for _ in range(rng.randint(1, 4)):
            length = rng.randint(30, 160)
            if x + length > split - 20:
                break
            draw.rectangle((x, y, x + length, y + 7), fill=rng.choice(colours))
            x += length + 10
        y += 17
    draw.rectangle((split + 4, 34, width - 8, height - 8), fill=(255, 255, 255))
    draw.rectangle((split + 4, 34, width - 8, 70), fill=(236, 239, 243))
    draw.rounded_rectangle((split + 20, 42, width - 24, 62), radius=8, fill=(255, 255, 255))
    for row in range(rng.randint(3, 6)):
        top = 90 + row * 110
        if top + 90 > height - 16:
            break
        draw.rectangle((split + 24, top, width - 28, top + 90), outline=(210, 214, 220))
        draw.rectangle((split + 36, top + 12, split + 110, top + 78),
                       fill=(rng.randint(120, 230), rng.randint(120, 230), rng.randint(120, 230)))
        draw.rectangle((split + 124, top + 16, width - 60, top + 26), fill=(60, 64, 72))
        draw.rectangle((split + 124, top + 36, width - 120, top + 44), fill=(150, 156, 166))
    draw.text((12, 8), f"workdiary demo screen {index}", fill=(200, 200, 200))
    return image


@dataclass
class Device:
    """A desktop's signing identity and the tail of its hash chain."""

    device_id: str
    private_key: str
    seq: int = 0
    prev_hash: str = GENESIS_HASH

    @classmethod
    def new(cls) -> Device:
        return cls(device_id=uuid.uuid4().hex, private_key=generate_private_key())

    @property
    def public_key(self) -> str:
        return public_key_of(self.private_key)

    def sign_next(self, segment: Segment) -> Segment:
        self.seq += 1
        chained = Segment(
            id=segment.id, contract_id=segment.contract_id, start=segment.start, end=segment.end,
            kind=segment.kind, memo=segment.memo, minutes=segment.minutes,
            screenshots=segment.screenshots, redacted=segment.redacted,
            device_id=self.device_id, seq=self.seq, prev_hash=self.prev_hash,
        )
        signed = sign_segment(chained, self.private_key)
        self.prev_hash = chain_hash(signed)
        return signed


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


def register(http: Any, *, email: str, password: str) -> tuple[dict[str, str], Device]:
    """Log the freelancer in through the API and register a new device key."""
    response = http.post("/api/v1/auth/tokens", json={"email": email, "password": password,
                                                      "device_name": "test desktop"})
    assert response.status_code in (200, 201), response.text
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    device = Device.new()
    response = http.post("/api/v1/devices", headers=headers, json={
        "name": "Fred's laptop", "public_key": device.public_key, "device_id": device.device_id})
    assert response.status_code in (200, 201), response.text
    return headers, device


def upload_day(
    http: Any, *, headers: dict[str, str], device: Device, contract_id: str, start: datetime,
    count: int, segment_minutes: int = 10, screen_size: tuple[int, int] = (1280, 800),
    batch: int = 50,
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
        data = fake_screen(i, *screen_size, stamp=make_stamp(segment_id, taken_at))
        sha = hashlib.sha256(data).hexdigest()
        images[sha] = data
        shot = ScreenshotRef(taken_at=taken_at, sha256=sha, width=screen_size[0],
                             height=screen_size[1], size=len(data))
        segment = Segment(id=segment_id, contract_id=contract_id, start=seg_start,
                          end=seg_start + timedelta(minutes=segment_minutes),
                          memo=MEMOS[i % len(MEMOS)], minutes=minutes, screenshots=(shot,))
        segments.append(device.sign_next(segment))
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
