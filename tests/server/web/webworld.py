"""The world of the web page tests: an app on a temporary SQLite file, people, a contract, a day.

Page tests insert stored segments directly (the verdicts are given, not computed), so they
test what the pages show and who may see it; the browser test goes through the real API.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from workdiary.core.canonical import segment_to_dict
from workdiary.core.clock import FakeClock
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment, SegmentKind
from workdiary.core.week import week_start
from workdiary.server.app import create_app
from workdiary.server.models import Contract, Screenshot, SegmentRow, SegmentScreenshot
from workdiary.server.services import contracts as contract_service
from workdiary.server.services import day_totals
from workdiary.server.services import users as user_service
from workdiary.server.settings import Settings
from workdiary.testing.images import make_jpeg

PASSWORD = "correct horse battery"
# Wednesday of a week whose Monday is 2026-11-23: the diary day is the Tuesday before.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
DAY = datetime(2026, 11, 24, tzinfo=UTC)


@dataclass
class World:
    app: FastAPI
    clock: FakeClock
    client_id: str
    freelancer_id: str
    contract_id: str
    other_contract_id: str
    shas: list[str]
    segment_ids: list[str]


def add_segment(app: FastAPI, *, contract: Contract, start: datetime, minutes: int = 10,
                status: str = "protected", reasons: tuple[str, ...] = (), memo: str = "work",
                active: int | None = None, shot: bytes | None = None, kind: str = "tracked",
                seq: int = 0, segment_id: str | None = None, extra_shots: int = 0,
                over_limit: int = 0, failed: str | None = None) -> tuple[str, str | None]:
    """Store one segment (and its screenshot blob); returns (segment id, sha256 or None)."""
    active = minutes if active is None else active
    records = [
        MinuteRecord(at=start + timedelta(minutes=i), keys=10 if i < active else 0,
                     active_seconds=40 if i < active else 0)
        for i in range(minutes)
    ] if kind == "tracked" else []
    sha = None
    shots = []
    if failed is not None:  # a failed capture: its reason, no file
        shots.append(ScreenshotRef(taken_at=start + timedelta(minutes=3), error=failed))
    if shot is not None:
        sha = hashlib.sha256(shot).hexdigest()
        app.state.blobs.put(sha, shot)
        shots.append(ScreenshotRef(taken_at=start + timedelta(minutes=3), sha256=sha,
                                   width=640, height=400, size=len(shot)))
        for extra in range(extra_shots):  # references only: the page shows the first
            shots.append(ScreenshotRef(taken_at=start + timedelta(minutes=5 + extra),
                                       sha256=f"{extra + 1:064x}", width=640, height=400))
    seg_id = segment_id or f"seg-{contract.id[:6]}-{start:%m%d%H%M}-{seq}"
    body = segment_to_dict(Segment(
        id=seg_id, contract_id=contract.id, start=start, end=start + timedelta(minutes=minutes),
        kind=SegmentKind(kind), memo=memo, minutes=tuple(records), screenshots=tuple(shots),
        redacted="redacted" in reasons, device_id="dev-1", seq=seq))
    with app.state.sessionmaker() as db:
        db.add(SegmentRow(
            id=seg_id, contract_id=contract.id, freelancer_id=contract.freelancer_id,
            device_id="dev-1", seq=seq, start=start, end=start + timedelta(minutes=minutes),
            week_start=week_start(start).date(), kind=kind, status=status,
            billable_seconds=0 if status == "rejected" else 60 * (minutes - over_limit),
            over_limit_seconds=60 * over_limit,
            reasons=list(reasons), memo=memo, redacted="redacted" in reasons,
            chain_hash="0" * 64, body_hash="0" * 64, body=body, deleted=False,
            received_at=NOW,
        ))
        db.flush()
        day_totals.refresh(db, [(contract.id, day_totals.day_of(start))])  # as uploads keep them
        if sha is not None:
            if db.get(Screenshot, sha) is None:
                db.add(Screenshot(sha256=sha, size=len(shot or b""), width=640, height=400,
                                  content_type="image/jpeg", owner_id=contract.freelancer_id,
                                  created_at=NOW))
            db.add(SegmentScreenshot(segment_id=seg_id, contract_id=contract.id, sha256=sha))
        db.commit()
    return seg_id, sha


def make_world(tmp_path: Path) -> World:
    """Two contracts (client A + freelancer A, client B + freelancer B) and a Tuesday of work."""
    settings = Settings.from_env(
        database_url=f"sqlite:///{tmp_path / 'server.sqlite3'}", data_dir=tmp_path / "srv",
        secret_key="test-secret-" + "x" * 32, close_weeks_interval=0, environ={},
    )
    clock = FakeClock(NOW)
    app = create_app(settings, clock=clock)
    with app.state.sessionmaker() as db:
        for email, name, role in (
            ("client@example.com", "Clara Client", "client"),
            ("free@example.com", "Fred Lancer", "freelancer"),
            ("other-client@example.com", "Otto Client", "client"),
            ("other-free@example.com", "Olga Lancer", "freelancer"),
        ):
            user_service.create_user(db, email=email, name=name, role=role, password=PASSWORD,
                                     now=NOW)
        contract = contract_service.create_contract(
            db, client_email="client@example.com", freelancer_email="free@example.com",
            title="Checkout redesign", rate_cents=4500, now=NOW, weekly_limit_minutes=40 * 60)
        other = contract_service.create_contract(
            db, client_email="other-client@example.com", freelancer_email="other-free@example.com",
            title="Other contract", rate_cents=3000, now=NOW)
        db.expunge_all()
    shas, ids = [], []
    plan = [
        (9, 0, "protected", (), "Cart page layout", 10),
        (9, 10, "protected", (), "Cart page layout", 7),
        (9, 20, "unprotected", ("no_memo",), "", 3),
        (9, 30, "rejected", ("overlap",), "Duplicate", 9),
        (10, 0, "unprotected", ("redacted",), "Payment form", 8),
    ]
    for hour, minute, status, reasons, memo, active in plan:
        seg_id, sha = add_segment(
            app, contract=contract, start=DAY.replace(hour=hour, minute=minute), status=status,
            reasons=reasons, memo=memo, active=active,
            shot=make_jpeg(640, 400, label=f"{hour}:{minute:02d}"))
        ids.append(seg_id)
        shas.append(sha or "")
    add_segment(app, contract=other, start=DAY.replace(hour=9), memo="other work",
                shot=make_jpeg(640, 400, label="other"))
    return World(app, clock, contract.client_id, contract.freelancer_id, contract.id, other.id,
                shas, ids)


PEOPLE = {
    "client": "client@example.com",
    "freelancer": "free@example.com",
    "other_client": "other-client@example.com",
    "other_freelancer": "other-free@example.com",
}

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(app: FastAPI, who: str | None) -> TestClient:
    """A browser-like client, signed in as ``who`` (a key of PEOPLE) or anonymous (None)."""
    client = TestClient(app, base_url="http://testserver", follow_redirects=False)
    if who is None:
        return client
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": PEOPLE[who], "password": PASSWORD,
                                           "csrf_token": token, "next": "/"})
    assert response.status_code == 303, response.text
    return client
