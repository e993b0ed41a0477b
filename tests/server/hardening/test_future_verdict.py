"""Finding 6, server side: a `future` verdict is not final; the resend is verified afresh."""

from __future__ import annotations

from datetime import timedelta

import httpx
from server_factories import wire
from server_world import NOW, World

from workdiary.core.clock import FakeClock


def post(http: httpx.Client, world: World, *segments: object) -> list[dict]:
    response = http.post("/segments", headers=world.freelancer_a.headers,
                         json={"segments": [wire(s) for s in segments]})  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return list(response.json()["segments"])


def test_a_segment_sent_too_early_is_judged_again_when_resent(
        http: httpx.Client, world: World, clock: FakeClock) -> None:
    ahead = world.device.segment(world.contract_a, NOW + timedelta(minutes=20))
    early = post(http, world, ahead)[0]
    assert early["status"] == "rejected" and early["reasons"] == ["future"]
    clock.advance(3600)
    again = post(http, world, ahead)[0]
    assert again["status"] == "protected", again
    day = http.get(f"/contracts/{world.contract_a}/diary", params={"date": "2026-11-18"},
                   headers=world.client_a.headers).json()
    assert [s["id"] for s in day["segments"]] == [ahead.id]
    # Now final: a third send returns the stored verdict.
    assert post(http, world, ahead)[0] == again
