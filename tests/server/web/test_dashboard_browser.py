"""The team dashboard and the freelancer's weeks in Debian's Chromium against a real server.

A client with two contracts: a week of tracked time (some unprotected, one manual segment,
one disputed segment once the week is in review) on the first, and someone working right
now on the second. The client's /dashboard draws a week chart per contract as inline SVG
(no JavaScript on the page), sorts by a heading link, and passes axe-core; the freelancer's
/my-weeks lists the weeks with earnings and status and opens the diary the client sees.
PNGs land in test-artifacts/web/ (team-dashboard.png, freelancer-weeks.png).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from workdiary.core.canonical import segment_to_dict
from workdiary.core.clock import FakeClock
from workdiary.core.model import Policy, SegmentKind
from workdiary.server.services import contracts as contract_service
from workdiary.server.services import users as user_service
from workdiary.server.services.weeks import close_weeks
from workdiary.server.web.week_chart import COLOURS

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
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
AFTER_WEEK = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
IN_REVIEW = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def sign_in(browser: Any, base: str, email: str, lands: str) -> Any:
    page = browser.new_context(viewport={"width": 1366, "height": 900},
                               bypass_csp=True, java_script_enabled=True).new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands}")
    return page


def accessible(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    assert axe_violations(page, axe_source()) == [], page.url
    page.reload()
    page.wait_for_load_state("networkidle")


def _post(http: httpx.Client, headers: dict[str, str], segments: list[Any]) -> list[Any]:
    response = http.post("/api/v1/segments", headers=headers,
                         json={"segments": [segment_to_dict(s) for s in segments]})
    assert response.status_code == 200, response.text
    return list(response.json()["segments"])


def test_team_dashboard_and_freelancer_weeks_in_chromium(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    clock = FakeClock(CREATED)
    app = sqlite_app(tmp_path, clock)
    checkout = seed_contract(app, client_email="clara@example.com",
                             freelancer_email="fred@example.com", password=PASSWORD,
                             title="Checkout redesign", now=CREATED, weekly_limit_minutes=1200,
                             policy=Policy(allow_manual=True))
    with app.state.sessionmaker() as db:
        user_service.create_user(db, email="gina@example.com", name="Gina Lopez",
                                 role="freelancer", password=PASSWORD, now=CREATED)
        pipeline = contract_service.create_contract(
            db, client_email="clara@example.com", freelancer_email="gina@example.com",
            title="Data pipeline", rate_cents=5200, currency="EUR", now=CREATED).id

    with serve(app) as base, chromium(tmp_path / "home") as browser:
        with httpx.Client(base_url=base, timeout=60) as http:
            fred, fred_device = register(http, email="fred@example.com", password=PASSWORD)
            gina, gina_device = register(http, email="gina@example.com", password=PASSWORD)
            clock.advance((AFTER_WEEK - clock.now()).total_seconds())
            week = upload_day(http, headers=fred, device=fred_device, contract_id=checkout,
                              start=MONDAY, count=12, screen_size=(320, 200))
            week += upload_day(http, headers=fred, device=fred_device, contract_id=checkout,
                               start=MONDAY + timedelta(days=1, hours=1), count=9,
                               screen_size=(320, 200))
            wednesday = MONDAY + timedelta(days=2)
            extra = _post(http, fred, [
                fred_device.segment(checkout, wednesday, memo="", shots=()),  # unprotected
                fred_device.segment(checkout, wednesday + timedelta(minutes=10),
                                    kind=SegmentKind.MANUAL, memo="call with Clara")])
            assert [v["status"] for v in extra] == ["unprotected", "unprotected"]
            upload_day(http, headers=gina, device=gina_device, contract_id=pipeline,
                       start=MONDAY + timedelta(days=3), count=6, screen_size=(320, 200))
            clock.advance((IN_REVIEW - clock.now()).total_seconds())
            with app.state.sessionmaker() as db:
                assert close_weeks(db, clock.now()).invoiced == 2
            # Gina works right now (a segment that ended five minutes ago, this week).
            now_start = IN_REVIEW - timedelta(minutes=15)
            upload_day(http, headers=gina, device=gina_device, contract_id=pipeline,
                       start=now_start, count=1, screen_size=(320, 200))
            token = http.post("/api/v1/auth/tokens", json={
                "email": "clara@example.com", "password": PASSWORD}).json()["token"]
            made = http.post(f"/api/v1/contracts/{checkout}/disputes",
                             headers={"Authorization": f"Bearer {token}"},
                             json={"segment_ids": [week[13]["id"]],
                                   "reason": "Not this contract's work"})
            assert made.status_code == 201, made.text

        clara = sign_in(browser, base, "clara@example.com", "/")
        clara.goto(f"{base}/dashboard?week=2026-11-23")
        assert clara.locator("svg.week-chart").count() == 2
        fills = {clara.locator("svg.week-chart rect").nth(i).get_attribute("fill")
                 for i in range(clara.locator("svg.week-chart rect").count())}
        assert fills == set(COLOURS.values())  # all four parts drawn
        assert "Week chart of Checkout redesign" in (
            clara.locator("svg.week-chart title").first.text_content() or "")
        rows = clara.locator("table.dashboard-table > tbody > tr")
        assert rows.nth(0).locator("td").nth(0).inner_text().startswith("Checkout redesign")
        checkout_row = rows.nth(0).inner_text()
        assert "3:50:00" in checkout_row  # 23 segments of 10 minutes
        assert "Working" in rows.nth(1).inner_text()  # Gina, a segment 0 minutes ago
        assert "Dec 4, 2026" in checkout_row  # the review deadline
        # Sort by hours through the heading's link: most first, and the link says so.
        clara.click("th >> a:has-text('Hours')")
        clara.wait_for_load_state("networkidle")
        assert "sort=hours" in clara.url and "dir=desc" in clara.url
        assert clara.locator("th[aria-sort=descending]").text_content().strip().startswith("Hours")
        assert rows.nth(0).inner_text().startswith("Checkout redesign")
        clara.click("th >> a:has-text('Hours')")
        clara.wait_for_load_state("networkidle")
        assert rows.nth(0).inner_text().startswith("Data pipeline")
        clara.goto(f"{base}/dashboard?week=2026-11-23&sort=activity&dir=desc")
        clara.screenshot(path=str(ARTIFACTS / "team-dashboard.png"), full_page=True)
        accessible(clara)
        # No JavaScript needed: the same page with scripts off still has its charts.
        plain = browser.new_context(java_script_enabled=False).new_page()
        plain.goto(f"{base}/login")
        plain.fill("#email", "clara@example.com")
        plain.fill("#password", PASSWORD)
        plain.click("button[type=submit]")
        plain.goto(f"{base}/dashboard?week=2026-11-23&sort=bogus")
        assert "bogus" in plain.content() and plain.locator("svg.week-chart").count() == 0
        plain.goto(f"{base}/dashboard?week=2026-11-23")
        assert plain.locator("svg.week-chart").count() == 2

        fred_page = sign_in(browser, base, "fred@example.com", "/")
        fred_page.goto(f"{base}/dashboard")
        fred_page.wait_for_url(f"{base}/my-weeks")  # freelancers have their own page
        group = fred_page.locator("section.card", has_text="Week of Nov 23, 2026")
        line = group.locator("tbody tr").first.inner_text()
        assert "Checkout redesign" in line and "disputed" in line
        assert "0:10:00 disputed" in line
        fred_page.screenshot(path=str(ARTIFACTS / "freelancer-weeks.png"), full_page=True)
        accessible(fred_page)
        # The diary link opens the week's Monday, as the client sees it.
        group.locator("a", has_text="Diary").first.click()
        fred_page.wait_for_load_state("networkidle")
        assert "/diary/2026-11-23" in fred_page.url
        cells = fred_page.locator(".seg").count()
        clara.goto(fred_page.url)
        assert cells == clara.locator(".seg").count() >= 12
        thumb = fred_page.locator(".seg img").first.get_attribute("src")
        assert thumb and fred_page.request.get(f"{base}{thumb}").status == 200
