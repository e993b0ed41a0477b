"""Manual time and an edited memo in a real browser: Debian's Chromium against uvicorn.

The freelancer uploads tracked and manual segments through the API, then edits one memo
(PUT /segments/{id}); the client's diary and timesheet show the manual cells in their own
colour with the "Manual" label, and the edited memo with its "Edited" mark. The freelancer's
own diary page shows the same. PNGs go to test-artifacts/web/.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from workdiary.core.canonical import GENESIS_HASH, segment_from_dict, segment_to_dict
from workdiary.core.clock import FakeClock
from workdiary.core.model import Policy, Segment, SegmentKind

from .a11y import axe_source, axe_violations
from .apiseed import register, seed_contract, sqlite_app, upload_day
from .livesite import CHROMIUM, chromium, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
PASSWORD = "correct horse battery"
DAY = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday


def _sign_in(page, base: str, email: str, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url)


def test_manual_and_edited_segments_are_shown_distinctly(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    clock = FakeClock(DAY + timedelta(hours=4))
    app = sqlite_app(tmp_path, clock)
    contract_id = seed_contract(app, client_email="clara@example.com",
                                freelancer_email="fred@example.com", password=PASSWORD,
                                title="Checkout redesign", now=DAY - timedelta(days=8),
                                policy=Policy(segment_minutes=10, allow_manual=True))
    with serve(app) as base, chromium(tmp_path / "home") as browser:
        with httpx.Client(base_url=base, timeout=30) as http:
            headers, device = register(http, email="fred@example.com", password=PASSWORD)
            tracked = upload_day(http, headers=headers, device=device, contract_id=contract_id,
                                 start=DAY, count=3)
            manual = device.chain(Segment(
                id="manual-call-1", contract_id=contract_id, kind=SegmentKind.MANUAL,
                start=DAY + timedelta(minutes=40), end=DAY + timedelta(minutes=50),
                memo="Phone call with the client"))
            response = http.post("/api/v1/segments", headers=headers,
                                 json={"segments": [segment_to_dict(manual)]})
            assert response.json()["segments"][0]["reasons"] == ["manual"]
            first = tracked[0]["id"]
            diary = http.get(f"/api/v1/contracts/{contract_id}/diary",
                             params={"date": "2026-11-24"}, headers=headers).json()
            body = next(s for s in diary["segments"] if s["id"] == first)
            # The record as uploaded (the first of the device's chain), with another memo.
            stored = segment_from_dict({**body, "device_id": device.device_id,
                                        "seq": 1, "prev_hash": GENESIS_HASH, "signature": ""})
            edited = device.sign(replace(stored, memo="Checkout: cart summary, reworked"))
            response = http.put(f"/api/v1/segments/{first}", headers=headers,
                                json=segment_to_dict(edited))
            assert response.status_code == 200, response.text

        url = f"{base}/contracts/{contract_id}/diary/2026-11-24?tz=UTC"
        for who in ("clara@example.com", "fred@example.com"):
            context = browser.new_context(  # type: ignore[attr-defined]
                viewport={"width": 1366, "height": 768}, bypass_csp=True)  # axe runs inline
            page = context.new_page()
            _sign_in(page, base, who, url)
            manual_cell = page.locator("#seg-manual-call-1")
            assert "manual" in (manual_cell.get_attribute("class") or "").split()
            assert manual_cell.locator(".mark-manual").inner_text().strip().lower() == "manual"
            colour = manual_cell.evaluate("e => getComputedStyle(e).backgroundColor")
            plain = page.locator(f"#seg-{tracked[1]['id']}").evaluate(
                "e => getComputedStyle(e).backgroundColor")
            assert colour != plain  # its own colour, besides the label
            edited_cell = page.locator(f"#seg-{first}")
            assert edited_cell.locator(".mark-edited").inner_text().strip().lower() == "edited"
            assert "Checkout: cart summary, reworked" in edited_cell.inner_text()
            assert page.locator(".mark-edited").count() == 1
            page.screenshot(path=str(ARTIFACTS / f"manual-edited-{who.split('@')[0]}.png"),
                            full_page=True)
            # The new colours and marks keep WCAG 2.1 AA (contrast included).
            assert axe_violations(page, axe_source()) == []
            context.close()
