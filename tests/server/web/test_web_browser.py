"""The client's week in a real browser: Debian's Chromium against a real uvicorn server.

The freelancer's day goes in through the JSON API as the desktop sends it (signed, chained
segments and JPEG screenshots; one of them deleted again); the client then signs in, reads
the diary, opens a full screenshot, disputes a segment and approves the week. A PNG of each
page is saved under test-artifacts/web/.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from workdiary.core.clock import FakeClock
from workdiary.server.services.weeks import close_weeks

from .apiseed import register, seed_contract, sqlite_app, upload_day
from .livesite import CHROMIUM, chromium, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
PASSWORD = "correct horse battery"
DAY_START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday; 09:00 in Berlin
AFTER_DAY = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
CREATED = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
WEEK_BOUNDARY = datetime(2026, 11, 23, tzinfo=UTC)
IN_REVIEW = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # the week locked at 12:00 UTC


def test_client_reviews_disputes_and_approves_in_chromium(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    clock = FakeClock(WEEK_BOUNDARY)
    app = sqlite_app(tmp_path, clock)
    contract_id = seed_contract(app, client_email="clara@example.com",
                                freelancer_email="fred@example.com", password=PASSWORD,
                                title="Checkout redesign", now=CREATED,
                                weekly_limit_minutes=30 * 60)

    with serve(app) as base, chromium(tmp_path / "home") as browser:
        with httpx.Client(base_url=base, timeout=30) as http:
            headers, device = register(http, email="fred@example.com", password=PASSWORD)
            # Half an hour either side of the UTC week boundary (05:30 in Kolkata), synced
            # on Monday morning before the previous week locks at 12:00 UTC ...
            clock.advance((WEEK_BOUNDARY + timedelta(hours=6) - clock.now()).total_seconds())
            verdicts = upload_day(http, headers=headers, device=device, contract_id=contract_id,
                                  start=WEEK_BOUNDARY - timedelta(minutes=30), count=6)
            # ... then deletes the first of them (Sunday 23:30 UTC) before that week locks.
            deleted = verdicts[0]["id"]
            assert http.delete(f"/api/v1/segments/{deleted}", headers=headers).status_code == 204
            # ... and a working day (4 hours) on Tuesday, synced that evening.
            clock.advance((AFTER_DAY - clock.now()).total_seconds())
            verdicts += upload_day(http, headers=headers, device=device,
                                   contract_id=contract_id, start=DAY_START, count=24)
        assert len(verdicts) == 30
        rejected = [v for v in verdicts if v["status"] == "rejected"]
        assert not rejected, [v.get("reasons") for v in rejected]

        clock.advance((IN_REVIEW - clock.now()).total_seconds())
        with app.state.sessionmaker() as db:
            close_weeks(db, clock.now())

        page = browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
        diary_url = f"{base}/contracts/{contract_id}/diary/2026-11-24?tz=Europe/Berlin"
        page.goto(diary_url)
        assert page.url.startswith(f"{base}/login?next=")
        page.screenshot(path=str(ARTIFACTS / "login.png"))
        page.fill("#email", "clara@example.com")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(diary_url)  # back to the page that asked for the login
        page.wait_for_load_state("networkidle")

        # Thumbnails are real pictures; every segment has its activity meter.
        assert page.locator(".seg").count() == 24
        thumbs = page.locator(".thumb img")
        assert thumbs.count() == 24
        page.wait_for_function(
            "Array.from(document.querySelectorAll('.thumb img')).slice(0, 12)"
            ".every(i => i.complete && i.naturalWidth > 100)")
        assert page.locator(".meter").count() == 24
        assert page.locator(".meter i.on").count() > 24
        assert "09:00" in page.locator(".hour-label .h").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "diary.png"))

        # A thumbnail opens the full screenshot (a plain link: works without JavaScript).
        thumbs.first.click()
        page.wait_for_url(f"{base}/contracts/{contract_id}/screenshots/*")
        page.wait_for_function(
            "(() => { const i = document.querySelector('.shot-full img');"
            " return i && i.complete && i.naturalWidth === 1280; })()")
        page.screenshot(path=str(ARTIFACTS / "screenshot.png"))
        page.click("text=Back to the diary")
        page.wait_for_load_state("networkidle")

        page.goto(f"{base}/")
        assert "Checkout redesign" in page.locator(".stack").inner_text()  # waiting for review
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
        page.goto(diary_url)

        # Dispute one segment from the diary.
        page.locator(".seg-select input").nth(1).check()
        page.fill("#reason", "The screenshot shows work for another client")
        page.click("button:has-text('Dispute selected')")
        page.wait_for_load_state("networkidle")
        assert "1 segment disputed" in page.locator(".flash").inner_text()
        assert page.locator(".mark-disputed").count() == 1
        page.screenshot(path=str(ARTIFACTS / "diary-disputed.png"))

        # A local day that holds the UTC week boundary shows where the billing week starts.
        page.goto(f"{base}/contracts/{contract_id}/diary/2026-11-23?tz=Asia/Kolkata")
        assert "changes on this day at 05:30" in page.locator(".notice-week").inner_text()
        assert page.locator(".cell.week-start").count() == 1
        # The deletion stays visible as a deletion: no picture, no meter, nothing to dispute.
        tomb = page.locator(f"#seg-{deleted}")
        assert "deleted" in (tomb.get_attribute("class") or "")
        assert "Deleted by the freelancer" in tomb.inner_text()
        assert tomb.locator("img, .meter, input").count() == 0
        assert page.locator(".seg").count() == 6
        page.screenshot(path=str(ARTIFACTS / "diary-week-boundary.png"), full_page=True)
        page.goto(diary_url)

        # Approve the week on its timesheet: 26 undisputed segments x 10 min at $45/h.
        page.click("text=Timesheet, week of Mon, Nov 23")
        page.wait_for_load_state("networkidle")
        assert "The screenshot shows work for another client" in page.content()
        page.screenshot(path=str(ARTIFACTS / "timesheet-review.png"), full_page=True)
        approve = page.locator("button", has_text="Approve")
        assert approve.inner_text() == "Approve $195.00"
        approve.click()
        page.wait_for_load_state("networkidle")
        assert "approved: $195.00 will be paid" in page.locator(".flash").inner_text()
        page.screenshot(path=str(ARTIFACTS / "timesheet.png"), full_page=True)

        page.goto(f"{base}/invoices")
        assert "approved" in page.locator("table.data").inner_text()
        page.screenshot(path=str(ARTIFACTS / "invoices.png"))

        # The freelancer sees the dispute and their device.
        other = browser.new_context(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
        fred = other.new_page()
        fred.goto(f"{base}/login")
        fred.fill("#email", "fred@example.com")
        fred.fill("#password", PASSWORD)
        fred.click("button[type=submit]")
        fred.wait_for_url(f"{base}/")
        fred.goto(f"{base}/devices")
        assert "Fred's laptop" in fred.locator("table.data").inner_text()
        fred.screenshot(path=str(ARTIFACTS / "devices.png"))
        fred.goto(f"{base}/contracts/{contract_id}/timesheets/2026-11-23")
        assert "The screenshot shows work for another client" in fred.content()
        assert fred.locator("button", has_text="Approve").count() == 0
        other.close()
