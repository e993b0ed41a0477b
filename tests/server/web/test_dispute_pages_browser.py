"""Dispute conversations and the admin pages in Debian's Chromium against a real server.

The client disputes a segment (through the API, as the timesheet page does), then both
parties talk on the dispute page, the freelancer contests, the weekly job escalates it, and an
admin decides it on the page, then disables and enables an account and reads the audit log.
Every new page is checked with axe-core (WCAG 2.1 A/AA, as test_accessibility does for the
others). A PNG of each page is saved under test-artifacts/web/.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from workdiary.core.clock import FakeClock
from workdiary.server.services import users as user_service
from workdiary.server.services.weeks import close_weeks

from .a11y import axe_source, axe_violations
from .apiseed import register, seed_contract, sqlite_app, upload_day
from .livesite import CHROMIUM, chromium, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
PASSWORD = "correct horse battery"
CREATED = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
DAY_START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
AFTER_DAY = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
IN_REVIEW = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
REVIEW_END = datetime(2026, 12, 4, 23, 59, tzinfo=UTC)


def sign_in(browser: Any, base: str, email: str, lands: str) -> Any:
    # bypass_csp lets axe-core's script in (the pages forbid inline scripts).
    page = browser.new_context(viewport={"width": 1366, "height": 900},
                               bypass_csp=True).new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands}")
    return page


def accessible(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    assert axe_violations(page, axe_source()) == [], page.url
    page.reload()  # axe's script stays out of what the test does next
    page.wait_for_load_state("networkidle")


def submit(page: Any, selector: str) -> str:
    page.click(selector)
    page.wait_for_load_state("networkidle")
    return str(page.locator(".flash").inner_text())


def test_both_parties_talk_and_an_admin_decides_in_chromium(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    clock = FakeClock(CREATED)
    app = sqlite_app(tmp_path, clock)
    contract_id = seed_contract(app, client_email="clara@example.com",
                                freelancer_email="fred@example.com", password=PASSWORD,
                                title="Checkout redesign", now=CREATED)
    with app.state.sessionmaker() as db:
        user_service.create_user(db, email="ada@example.com", name="Ada Admin", role="admin",
                                 password=PASSWORD, now=CREATED)

    with serve(app) as base, chromium(tmp_path / "home") as browser:
        with httpx.Client(base_url=base, timeout=30) as http:
            headers, device = register(http, email="fred@example.com", password=PASSWORD)
            clock.advance((AFTER_DAY - clock.now()).total_seconds())
            verdicts = upload_day(http, headers=headers, device=device,
                                  contract_id=contract_id, start=DAY_START, count=6)
            clock.advance((IN_REVIEW - clock.now()).total_seconds())
            with app.state.sessionmaker() as db:
                close_weeks(db, clock.now())
            token = http.post("/api/v1/auth/tokens", json={
                "email": "clara@example.com", "password": PASSWORD}).json()["token"]
            made = http.post(f"/api/v1/contracts/{contract_id}/disputes",
                             headers={"Authorization": f"Bearer {token}"},
                             json={"segment_ids": [verdicts[0]["id"]],
                                   "reason": "Another client's dashboard on screen"})
            assert made.status_code == 201, made.text
            dispute_id = made.json()["id"]
        url = f"{base}/disputes/{dispute_id}"

        # The client finds the dispute from the week's timesheet and writes.
        clara = sign_in(browser, base, "clara@example.com", "/")
        clara.goto(f"{base}/contracts/{contract_id}/timesheets/2026-11-23")
        clara.click("text=Another client's dashboard on screen")
        clara.wait_for_url(url)
        assert clara.locator("#dispute-state").inner_text() == "open"
        assert clara.locator("button", has_text="Withdraw the dispute").count() == 1
        assert clara.locator("button", has_text="Contest").count() == 0
        clara.fill("#text", "Which project was this for?")
        assert "Message sent" in submit(clara, "button:has-text('Send')")
        assert "Which project was this for?" in clara.locator(".conversation").inner_text()

        # The freelancer answers and contests.
        fred = sign_in(browser, base, "fred@example.com", "/")
        fred.goto(url)
        assert "Clara Client (client)" in fred.locator(".conversation").inner_text()
        assert fred.locator("button", has_text="Withdraw the dispute").count() == 0
        fred.fill("#text", "Yours: the dashboard is the staging checkout.")
        submit(fred, "button:has-text('Send')")
        assert "Dispute contested" in submit(fred, "button:has-text('Contest the dispute')")
        assert fred.locator("#dispute-state").inner_text() == "contested"
        assert "Goes to an admin" in fred.content()
        fred.screenshot(path=str(ARTIFACTS / "dispute-freelancer.png"), full_page=True)
        clara.reload()
        assert clara.locator(".conversation li").count() == 2
        clara.screenshot(path=str(ARTIFACTS / "dispute-client.png"), full_page=True)
        accessible(clara)
        accessible(fred)

        # Nobody withdrew by the review deadline: the weekly job hands it to the admins.
        clock.advance((REVIEW_END - clock.now()).total_seconds())
        with app.state.sessionmaker() as db:
            assert close_weeks(db, clock.now()).escalated == 1

        # Four days later the parties' web sessions have ended (2 hours idle): in again.
        fred = sign_in(browser, base, "fred@example.com", "/")
        clara = sign_in(browser, base, "clara@example.com", "/")
        ada = sign_in(browser, base, "ada@example.com", "/admin/disputes")
        row = ada.locator("table.data tbody tr").first
        assert "waiting for an admin" in row.inner_text()
        ada.screenshot(path=str(ARTIFACTS / "admin-disputes.png"), full_page=True)
        accessible(ada)
        row.locator("a").click()
        ada.wait_for_url(url)
        accessible(ada)
        # The admin deciding sees the disputed segment's screenshot.
        href = ada.locator("td.shots a").first.get_attribute("href")
        assert href and ada.request.get(f"{base}{href}").status == 200
        assert ada.locator("#text").count() == 0  # admins do not write in the conversation
        ada.check("input[name=outcome][value=pay]")
        ada.fill("#note", "The staging checkout belongs to this contract.")
        assert "Decision recorded" in submit(ada, "button:has-text('Record the decision')")
        assert ada.locator("#dispute-state").inner_text() == "decided: paid to the freelancer"
        ada.screenshot(path=str(ARTIFACTS / "admin-dispute-decided.png"), full_page=True)
        fred.goto(url)
        assert "The staging checkout belongs" in fred.locator("#decision-note").inner_text()
        assert fred.locator("#text").count() == 0  # the conversation is over

        # Users: disable the client (her session ends), enable her again.
        ada.goto(f"{base}/admin/users")
        clara_row = ada.locator("tr", has_text="clara@example.com")
        assert "disabled" in submit(ada, "tr:has-text('clara@example.com') button")
        assert "disabled" in clara_row.inner_text()
        clara.goto(f"{base}/")
        assert clara.url.startswith(f"{base}/login")  # her session ended at once
        assert "enabled again" in submit(ada, "tr:has-text('clara@example.com') button")
        assert ada.locator("tr", has_text="ada@example.com").locator("button").count() == 0
        ada.screenshot(path=str(ARTIFACTS / "admin-users.png"), full_page=True)
        accessible(ada)

        ada.goto(f"{base}/admin/contracts")
        assert "Checkout redesign" in ada.locator("table.data").inner_text()
        accessible(ada)
        ada.goto(f"{base}/admin/audit")
        log = ada.locator("table.data").inner_text()
        # Sentences, names and labelled details, not codes, ids and JSON.
        for sentence in ("Opened a dispute", "Wrote in the dispute", "Contested the dispute",
                         "Sent the dispute to an admin", "Decided the dispute",
                         "Disabled the account", "Enabled the account"):
            assert sentence in log, sentence
        assert "dispute." not in log and "{" not in log and dispute_id not in log
        assert "clara@example.com" in log and "Clara Client" in log
        assert "Outcome" in log and "paid to the freelancer" in log
        assert "the review time ran out" in log  # the week approved by the deadline
        ada.locator(f"table.data a[href='/disputes/{dispute_id}']").first.click()
        ada.wait_for_url(url)
        ada.goto(f"{base}/admin/audit")
        assert ada.locator("table.data form, table.data button").count() == 0  # read-only
        ada.screenshot(path=str(ARTIFACTS / "admin-audit.png"), full_page=True)
        accessible(ada)
        assert ada.request.get(f"{base}{href}").status == 404  # decided: the pictures close

        # The parties cannot open the admin pages; an admin sees no diary.
        fred.goto(f"{base}/admin/users")
        assert "not yours to see" in fred.content()
        ada.goto(f"{base}/contracts/{contract_id}/diary/2026-11-24")
        assert "not yours to see" in ada.content()
        # The decision is paid by the next weekly run.
        with app.state.sessionmaker() as db:
            assert close_weeks(db, clock.now() + timedelta(minutes=1)).paid == 1
