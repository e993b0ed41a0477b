"""The hours report page in Debian's Chromium against a real server: the GET form (no
JavaScript), the figures, the CSV and PDF downloads, the invoice PDF link, axe-core clean.

The freelancer's desktop uploads two days through the API (6 and 3 ten-minute segments, all
protected), the week is invoiced, and the client reads the report. A PNG of the page is saved
under test-artifacts/web/ (docs/screenshots/reports-hours.png after reduce-screenshots.py).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from workdiary.core.clock import FakeClock
from workdiary.server.services.weeks import close_weeks

from .a11y import axe_source, axe_violations
from .apiseed import register, seed_contract, sqlite_app, upload_day
from .livesite import CHROMIUM, chromium, serve
from .test_dispute_pages_browser import PASSWORD, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
CREATED = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
AFTER_DAYS = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
IN_REVIEW = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def test_the_client_reads_and_downloads_the_hours_report_in_chromium(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    clock = FakeClock(CREATED)
    app = sqlite_app(tmp_path, clock)
    contract_id = seed_contract(app, client_email="clara@example.com",
                                freelancer_email="fred@example.com", password=PASSWORD,
                                title="Checkout redesign", now=CREATED)
    with serve(app) as base, chromium(tmp_path / "home") as browser:
        with httpx.Client(base_url=base, timeout=30) as http:
            headers, device = register(http, email="fred@example.com", password=PASSWORD)
            clock.advance((AFTER_DAYS - clock.now()).total_seconds())
            upload_day(http, headers=headers, device=device, contract_id=contract_id,
                       start=TUESDAY, count=6)
            upload_day(http, headers=headers, device=device, contract_id=contract_id,
                       start=THURSDAY, count=3)
        clock.advance((IN_REVIEW - clock.now()).total_seconds())
        with app.state.sessionmaker() as db:
            assert close_weeks(db, clock.now()).invoiced == 1

        clara = sign_in(browser, base, "clara@example.com", "/")
        clara.click("nav >> text=Reports")
        clara.wait_for_url(f"{base}/reports/hours")
        clara.fill("#from", "2026-11-23")
        clara.fill("#to", "2026-11-29")
        clara.select_option("#tz", "Europe/Madrid")
        clara.click("button:has-text('Show the report')")
        clara.wait_for_load_state("networkidle")
        assert "from=2026-11-23" in clara.url and "tz=Europe%2FMadrid" in clara.url
        rows = clara.locator("#report-table tbody tr")
        assert rows.count() == 2
        # 6 + 3 segments of 10 minutes at 45.00/h: 1:00:00 = $45.00 and 0:30:00 = $22.50.
        assert "Tue, Nov 24, 2026" in rows.nth(0).inner_text()
        assert "1:00:00" in rows.nth(0).inner_text() and "$45.00" in rows.nth(0).inner_text()
        assert "0:30:00" in rows.nth(1).inner_text() and "$22.50" in rows.nth(1).inner_text()
        assert clara.locator("#report-total").inner_text() == "1:30:00"
        assert "Europe/Madrid" in clara.locator(".page-head .sub").inner_text()
        clara.screenshot(path=str(ARTIFACTS / "reports-hours.png"), full_page=True)
        clara.wait_for_load_state("networkidle")
        assert axe_violations(clara, axe_source()) == [], clara.url
        clara.reload()

        with clara.expect_download() as csv_download:
            clara.click("#report-csv")
        csv_path = csv_download.value.path()
        assert csv_download.value.suggested_filename == "hours-2026-11-23-2026-11-29.csv"
        lines = Path(csv_path).read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("group,key,label,seconds,hours,")
        assert lines[-1].startswith("total,total,,5400,1:30:00,5400,0,0,9,")
        assert lines[-1].endswith(",6750")  # $67.50 in cents
        with clara.expect_download() as pdf_download:
            clara.click("#report-pdf")
        assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF-")

        # Grouped by contract, by the same form (no script on the page).
        clara.select_option("#group", "contract")
        clara.check(f"input[name=contract][value='{contract_id}']")
        clara.click("button:has-text('Show the report')")
        clara.wait_for_load_state("networkidle")
        assert rows.count() == 1 and "Checkout redesign" in rows.nth(0).inner_text()

        # A reversed range is refused with a sentence, and the form stays usable.
        clara.fill("#from", "2026-11-29")
        clara.fill("#to", "2026-11-23")
        clara.click("button:has-text('Show the report')")
        clara.wait_for_load_state("networkidle")
        assert "is after the end date" in clara.locator("#report-error").inner_text()
        assert axe_violations(clara, axe_source()) == [], clara.url
        clara.reload()

        # The invoice of the week, as PDF, from the invoices page.
        clara.goto(f"{base}/invoices")
        with clara.expect_download() as invoice_download:
            clara.click("a:has-text('PDF')")
        assert invoice_download.value.suggested_filename.startswith("invoice-2026-11-23-")
        assert Path(invoice_download.value.path()).read_bytes().startswith(b"%PDF-")
        clara.wait_for_load_state("networkidle")
        assert axe_violations(clara, axe_source()) == [], clara.url
