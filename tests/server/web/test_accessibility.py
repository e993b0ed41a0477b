"""Accessibility of the web pages in Debian's Chromium: axe-core finds no WCAG 2.1 AA violation
on any page (client and freelancer, empty and full, English and Spanish), and a client disputes
and approves a week with the keyboard alone, seeing where the focus is.

PNGs of the Spanish pages go to test-artifacts/web/es-*.png (reduced copies in docs/screenshots/).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

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


@dataclass
class Site:
    app: FastAPI
    base: str
    browser: Any
    contract_id: str
    shot_sha: str


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A week of work in review (client Clara, freelancer Fred, a device, 24 segments with
    screenshots), two accounts with nothing yet, a live server and Chromium."""
    clock = FakeClock(CREATED)
    app = sqlite_app(tmp_path, clock)
    contract_id = seed_contract(app, client_email="clara@example.com",
                                freelancer_email="fred@example.com", password=PASSWORD,
                                title="Checkout redesign", now=CREATED,
                                weekly_limit_minutes=30 * 60)
    with app.state.sessionmaker() as db:
        user_service.create_user(db, email="new-client@example.com", name="Nina New",
                                 role="client", password=PASSWORD, now=CREATED)
        user_service.create_user(db, email="new-free@example.com", name="Noel New",
                                 role="freelancer", password=PASSWORD, now=CREATED)
    with serve(app) as base, chromium(tmp_path / "home") as browser:
        with httpx.Client(base_url=base, timeout=30) as http:
            headers, device = register(http, email="fred@example.com", password=PASSWORD)
            clock.advance((AFTER_DAY - clock.now()).total_seconds())
            verdicts = upload_day(http, headers=headers, device=device,
                                  contract_id=contract_id, start=DAY_START, count=24)
        clock.advance((IN_REVIEW - clock.now()).total_seconds())
        with app.state.sessionmaker() as db:
            close_weeks(db, clock.now())
        shot = verdicts[0]["screenshots"][0]["sha256"] if verdicts[0].get("screenshots") \
            else None
        yield Site(app, base, browser, contract_id, shot or "")


def signed_in(site: Site, email: str | None, *, language: str = "en-US") -> Any:
    context = site.browser.new_context(viewport={"width": 1366, "height": 900},
                                       bypass_csp=True, locale=language)
    page = context.new_page()
    if email is not None:
        page.goto(f"{site.base}/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{site.base}/")
    return page


def first_shot(site: Site, page: Any) -> str:
    page.goto(f"{site.base}/contracts/{site.contract_id}/diary/2026-11-24?tz=UTC")
    href = page.locator(".thumb").first.get_attribute("href")
    assert href, "the diary shows no screenshot"
    return str(href)


def check_pages(site: Site, page: Any, paths: list[str], found: dict[str, list[str]],
                who: str) -> None:
    source = axe_source()
    for path in paths:
        page.goto(site.base + path)
        page.wait_for_load_state("networkidle")
        problems = axe_violations(page, source)
        if problems:
            found[f"{who} {path}"] = problems


def test_every_page_has_no_wcag_21_aa_violation(site: Site) -> None:
    cid = site.contract_id
    found: dict[str, list[str]] = {}
    week = f"/contracts/{cid}/timesheets/2026-11-23"
    contract_pages = [
        "/", "/invoices", "/devices", "/notifications",
        f"/contracts/{cid}/diary/2026-11-24?tz=Europe/Berlin",
        f"/contracts/{cid}/diary/2026-11-22?tz=UTC",  # a day with nothing recorded
        week, f"/contracts/{cid}/timesheets/2026-11-30", "/no-such-page", f"/contracts/{cid}",
    ]
    offer_to_noel(site)
    check_pages(site, signed_in(site, None), ["/login"], found, "anonymous")
    client = signed_in(site, "clara@example.com")
    check_pages(site, client, [*contract_pages, first_shot(site, client), "/contracts/new",
                            "/organisations"],
                found, "client")
    freelancer = signed_in(site, "fred@example.com")
    check_pages(site, freelancer, contract_pages, found, "freelancer")
    check_pages(site, signed_in(site, "new-client@example.com"),
                ["/", "/invoices", "/devices", "/organisations"], found, "empty client")
    check_pages(site, signed_in(site, "new-free@example.com"),
                ["/", "/invoices", "/devices", "/offers"], found, "empty freelancer")
    check_pages(site, freelancer, ["/offers"], found, "freelancer, no offers")
    spanish = signed_in(site, "clara@example.com", language="es-ES")
    check_pages(site, spanish, ["/", week, f"/contracts/{cid}/diary/2026-11-24?tz=UTC",
                                f"/contracts/{cid}", "/contracts/new", "/organisations"],
                found, "client (es)")
    if found:  # the whole list, for whoever fixes them (pytest cuts long assertion diffs)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe-violations.json").write_text(json.dumps(found, indent=1))
    assert found == {}, f"see {ARTIFACTS / 'axe-violations.json'}"


def offer_to_noel(site: Site) -> None:
    """An open offer from Clara to Noel (the /offers page with an offer on it)."""
    from workdiary.core.model import Policy
    from workdiary.server.services.contract_offers import offer_contract

    with site.app.state.sessionmaker() as db:
        clara = user_service.get_user_by_email(db, email="clara@example.com")
        assert clara is not None
        offer_contract(db, client=clara, freelancer_email="new-free@example.com",
                       title="Logo", rate_cents=3000, currency="EUR", weekly_limit_minutes=600,
                       policy=Policy(blur=True), now=site.app.state.clock.now())


def tab_to(page: Any, selector: str, *, limit: int = 400) -> None:
    """Press Tab until the element matching ``selector`` has the focus, and check it shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)",
                         selector):
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
            assert (outline[0] != "none" and outline[1] != "0px") or outline[2] != "none", \
                f"{selector} has the focus but shows no focus ring: {outline}"
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_client_disputes_and_approves_with_the_keyboard_alone(site: Site) -> None:
    page = signed_in(site, None)
    diary = f"{site.base}/contracts/{site.contract_id}/diary/2026-11-24?tz=UTC"
    page.goto(diary)  # to the sign-in form, which has the focus in its email field
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type("clara@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(diary)
    # The first Tab lands on the skip link, which moves the focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Select the second segment to dispute (Space ticks a checkbox), give a reason, submit.
    second = page.locator(".seg-select input").nth(1)
    second_id = second.get_attribute("value")
    tab_to(page, f".seg-select input[value='{second_id}']")
    page.keyboard.press("Space")
    assert second.is_checked()
    tab_to(page, "#reason")
    page.keyboard.type("The screenshot shows work for another client")
    page.keyboard.press("Enter")  # submits the dispute form
    page.wait_for_load_state("networkidle")
    assert "1 segment disputed" in page.locator(".flash").inner_text()
    assert page.locator(".mark-disputed").count() == 1
    # To the timesheet by keyboard, then approve.
    tab_to(page, "a[href$='/timesheets/2026-11-23']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/timesheets/2026-11-23")
    tab_to(page, "form[action$='/approve'] button")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "approved" in page.locator(".flash").inner_text()
    problems = axe_violations(page, axe_source())  # the full state: a dispute, an approval
    assert problems == []


def test_spanish_pages_for_the_screenshots(site: Site) -> None:
    """The Spanish diary and timesheet as a client sees them; PNGs in test-artifacts/web/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = signed_in(site, "clara@example.com", language="es-ES")
    page.goto(f"{site.base}/contracts/{site.contract_id}/diary/2026-11-24?tz=Europe/Madrid")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "mar, 24 nov 2026" in page.locator("h1").inner_text()
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.thumb img')).slice(0, 12)"
        ".every(i => i.complete && i.naturalWidth > 100)")
    page.screenshot(path=str(ARTIFACTS / "es-diary.png"))
    page.goto(f"{site.base}/contracts/{site.contract_id}/timesheets/2026-11-23")
    approve = page.locator("form[action$='/approve'] button").inner_text()
    assert approve.startswith("Aprobar ") and approve.endswith("\xa0US$") and "," in approve
    page.screenshot(path=str(ARTIFACTS / "es-timesheet.png"), full_page=True)
    assert (ARTIFACTS / "es-timesheet.png").stat().st_size > 10_000


