"""Finding 13: API answers carry nosniff and no-store; no page loads scripts from a CDN; a
record with a bad signature does not hold its device's chain position against the genuine one."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from importlib import resources

import httpx
from server_factories import DeviceChain, wire
from server_world import NOW, World

from workdiary.core.signing import generate_private_key, sign_segment

NINE = NOW.replace(hour=9, minute=0)


def test_api_answers_are_not_sniffed_or_stored(http: httpx.Client, world: World) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    answers = [
        http.get("/me", headers=world.client_a.headers),
        http.get("/me"),  # 401
        http.get("/nothing-here", headers=world.client_a.headers),  # 404
        http.post("/segments", headers=world.freelancer_a.headers,
                  json={"segments": [wire(seg)]}),
        http.get("/invoices.csv", headers=world.client_a.headers),
    ]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.request.url
        assert answer.headers["cache-control"] == "no-store", answer.request.url
    image = http.get(f"/screenshots/{seg.screenshots[0].sha256}",
                     headers=world.client_a.headers)
    assert image.status_code == 200 and image.headers["x-content-type-options"] == "nosniff"
    assert image.headers["cache-control"].startswith("private")  # content-addressed bytes


def test_no_swagger_page_and_no_cdn_scripts(http: httpx.Client, base_url: str) -> None:
    assert http.get("/docs").status_code == 404
    assert http.get("/openapi.json").status_code == 200
    folders = [resources.files("workdiary.server") / "templates"]
    pages = []
    while folders:  # the mail templates sit in a folder of their own
        for entry in folders.pop().iterdir():
            (folders if entry.is_dir() else pages).append(entry)
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=\"?(https?:)?//", text), page.name
        assert "cdn." not in text.lower(), page.name


def test_a_forged_record_does_not_hold_the_genuine_ones_place(
        http: httpx.Client, world: World) -> None:
    genuine = world.device.segment(world.contract_a, NINE)
    # Someone with the freelancer's token but not the device key sends a record for the same
    # device, seq and id first, signed with another key.
    forged = sign_segment(replace(genuine, memo="forged", signature=""), generate_private_key())
    headers = world.freelancer_a.headers
    first = http.post("/segments", headers=headers, json={"segments": [wire(forged)]})
    assert first.status_code == 200
    assert first.json()["segments"][0]["reasons"] == ["bad_signature"]
    # Also a forged record at the next position under another id.
    ahead = DeviceChain(device_id=world.device.device_id, seq=1, prev_hash=world.device.prev_hash)
    stray = ahead.segment(world.contract_a, NINE + timedelta(minutes=10), segment_id="stray-2")
    assert http.post("/segments", headers=headers, json={"segments": [wire(stray)]}
                     ).json()["segments"][0]["reasons"] == ["bad_signature"]
    answer = http.post("/segments", headers=headers, json={"segments": [wire(genuine)]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["segments"][0]["status"] == "protected"
    second = world.device.segment(world.contract_a, NINE + timedelta(minutes=10))
    verdict = http.post("/segments", headers=headers, json={"segments": [wire(second)]}
                        ).json()["segments"][0]
    assert verdict["status"] == "protected", verdict  # no chain_break: seq 2 was free
    day = http.get(f"/contracts/{world.contract_a}/diary", params={"date": "2026-11-18"},
                   headers=world.client_a.headers).json()
    assert [s["id"] for s in day["segments"]] == [genuine.id, second.id]
