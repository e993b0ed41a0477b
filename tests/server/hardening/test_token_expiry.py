"""Finding 12, server: API tokens expire after 90 days unused (each use slides it), show
their expiry as ``expires_at``, and can be renewed."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from server_world import PASSWORD, World

from workdiary.core.clock import FakeClock

DAY = 24 * 3600


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_tokens_expire_when_unused_and_slide_with_use(http: httpx.Client, world: World,
                                                      clock: FakeClock) -> None:
    login = http.post("/auth/tokens", json={"email": world.client_a.email,
                                            "password": PASSWORD, "device_name": "cli"})
    assert login.status_code == 201
    assert when(login.json()["expires_at"]) == clock.now() + timedelta(days=90)
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    for _ in range(3):  # used every 80 days: alive long after the first 90
        clock.advance(80 * DAY)
        assert http.get("/me", headers=headers).status_code == 200
    info = http.get("/auth/tokens/current", headers=headers).json()
    assert when(info["expires_at"]) == clock.now() + timedelta(days=90)
    clock.advance(90 * DAY + 1)  # then unused for longer than 90 days
    expired = http.get("/me", headers=headers)
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "invalid_token"
    assert http.post("/auth/tokens/current/renew", headers=headers).status_code == 401


def test_renewal_moves_the_expiry(http: httpx.Client, world: World, clock: FakeClock) -> None:
    clock.advance(10 * DAY)
    renewed = http.post("/auth/tokens/current/renew", headers=world.freelancer_a.headers)
    assert renewed.status_code == 200
    assert when(renewed.json()["expires_at"]) == clock.now() + timedelta(days=90)
