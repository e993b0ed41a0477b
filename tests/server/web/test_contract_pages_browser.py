"""Offers and contract changes in a real browser (Debian's Chromium, real uvicorn): the
client fills "New offer", the freelancer reads the policy in words on /offers and accepts,
the client changes the rate and policy and pauses, both read the history; the freelancer opens
the mail settings. PNGs of the pages go to test-artifacts/web/."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workdiary.core.clock import FakeClock
from workdiary.server.services import users as user_service

from .apiseed import sqlite_app
from .livesite import CHROMIUM, chromium, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_offer_accept_change_and_pause_in_chromium(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app = sqlite_app(tmp_path, FakeClock(NOW))
    with app.state.sessionmaker() as db:
        for email, name, role in (("clara@example.com", "Clara Client", "client"),
                                  ("fred@example.com", "Fred Lancer", "freelancer")):
            user_service.create_user(db, email=email, name=name, role=role, password=PASSWORD,
                                     now=NOW)
    with serve(app) as base, chromium(tmp_path / "home") as browser:
        client = browser.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
        sign_in(client, base, "clara@example.com")
        client.click("nav >> text=New offer")
        client.fill("#freelancer_email", "fred@example.com")
        client.fill("#title", "Checkout redesign")
        client.fill("#rate", "45.50")
        client.fill("#currency", "EUR")
        client.fill("#weekly_limit_hours", "20")
        client.select_option("#segment_minutes", "5")
        client.check("input[name=blur]")
        client.screenshot(path=str(ARTIFACTS / "contract-new.png"), full_page=True)
        client.click("text=Send the offer")
        client.wait_for_selector("text=Offer sent to fred@example.com")
        contract_url = client.url

        freelancer = browser.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
        sign_in(freelancer, base, "fred@example.com")
        freelancer.click("nav >> text=Offers")
        body = freelancer.inner_text("main")
        assert "Checkout redesign" in body and "€45.50/h" in body
        assert "5-minute segments" in body and "Screenshots are blurred" in body
        # Sentences apart, the limit in hours, and one screenshot in the singular.
        assert "€45.50/h. Weekly limit: 20:00 h." in body
        assert "with 1 screenshot at a random moment in each." in body
        freelancer.screenshot(path=str(ARTIFACTS / "offers.png"), full_page=True)
        freelancer.click("button[aria-label='Accept Checkout redesign']")
        freelancer.wait_for_selector("text=Offer accepted")

        client.goto(contract_url)
        client.fill("#rate", "50")
        client.select_option("#capture", "primary")
        client.click("text=Save changes")
        client.wait_for_selector("text=Saved.")
        body = client.inner_text("main")
        assert "This week: €45.50/h" in body and "€50.00/h" in body
        assert "primary monitor only" in body
        client.click("button:has-text('Pause')")
        client.wait_for_selector("text=Contract paused")
        client.screenshot(path=str(ARTIFACTS / "contract.png"), full_page=True)

        freelancer.goto(contract_url)
        history = freelancer.inner_text("table.data")
        for line in ("Offered the contract", "Accepted the offer",
                     "Changed the tracking policy (version 2)", "Paused the contract"):
            assert line in history

        # The mail settings, reached from the menu (docs/screenshots/notifications.png).
        freelancer.click("nav >> text=Mail")
        freelancer.wait_for_url(f"{base}/notifications")
        assert "Mail I receive" in freelancer.inner_text("main")
        freelancer.screenshot(path=str(ARTIFACTS / "notifications.png"), full_page=True)
