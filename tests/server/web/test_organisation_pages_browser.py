"""Organisation pages in a real browser (Debian's Chromium, real uvicorn): the owner creates an
organisation and invites a viewer from the forms; the viewer opens the mailed link, accepts,
reads the organisation's contract without its change buttons; the owner removes them and the
contract is gone for them. Every page passes axe (WCAG 2.1 AA); the organisation page is
photographed into docs/screenshots/organisation.png."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from workdiary.core.clock import FakeClock
from workdiary.server.models import Contract, MailRow, Organisation
from workdiary.server.services import contracts
from workdiary.server.services import users as user_service

from .a11y import axe_source, axe_violations
from .apiseed import sqlite_app
from .livesite import CHROMIUM, chromium, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def clean(page, source: str) -> None:  # type: ignore[no-untyped-def]
    problems = axe_violations(page, source)
    assert problems == [], f"{page.url}: {problems}"


def test_organisation_pages_in_chromium(tmp_path: Path) -> None:
    app = sqlite_app(tmp_path, FakeClock(NOW))
    with app.state.sessionmaker() as db:
        for email, name, role in (("olga@example.com", "Olga Owner", "client"),
                                  ("vera@example.com", "Vera Viewer", "client"),
                                  ("fred@example.com", "Fred Lancer", "freelancer")):
            user_service.create_user(db, email=email, name=name, role=role, password=PASSWORD,
                                     now=NOW)
        contract_id = contracts.create_contract(
            db, client_email="olga@example.com", freelancer_email="fred@example.com",
            title="Checkout redesign", rate_cents=4500, now=NOW).id
    source = axe_source()
    with serve(app) as base, chromium(tmp_path / "home") as browser:
        owner = browser.new_context(viewport={"width": 1280, "height": 860},  # type: ignore[attr-defined]
                                    bypass_csp=True).new_page()
        sign_in(owner, base, "olga@example.com")
        owner.click("nav >> text=Organisations")
        clean(owner, source)
        owner.fill("#name", "Acme Studio")
        owner.click("button:text-is('Create')")
        owner.wait_for_selector("text=Acme Studio created")
        org_url = owner.url
        owner.goto(f"{base}/contracts/{contract_id}")  # the client shares the contract
        owner.select_option("#organisation_id", label="Acme Studio")
        owner.click("button:text-is('Move')")
        owner.wait_for_selector("text=The contract now belongs to the organisation")
        clean(owner, source)
        with app.state.sessionmaker() as db:
            org_id = db.scalars(select(Organisation.id)).one()
            assert db.get(Contract, contract_id).organisation_id == org_id  # type: ignore[union-attr]
        owner.goto(org_url)
        owner.fill("#email", "vera@example.com")
        owner.select_option("#role", "viewer")
        owner.click("button:text-is('Send the invitation')")
        owner.wait_for_selector("text=Invitation mailed to vera@example.com")
        body = owner.inner_text("main")
        assert "Pending invitations" in body and "vera@example.com" in body
        assert "Checkout redesign" in body  # the organisation's contracts
        clean(owner, source)
        owner.screenshot(path=str(ROOT / "docs" / "screenshots" / "organisation.png"))

        with app.state.sessionmaker() as db:
            row = db.scalars(select(MailRow).where(MailRow.kind == "organisation_invitation")
                             ).one()
            link = json.loads(row.context)["link"]
        viewer = browser.new_context(viewport={"width": 1280, "height": 860},  # type: ignore[attr-defined]
                                     bypass_csp=True).new_page()
        viewer.goto(f"{base}{link}")  # not signed in yet: log in or sign up first
        assert "Join Acme Studio" in viewer.inner_text("main")
        clean(viewer, source)
        viewer.click("main a:text-is('Log in')")
        viewer.fill("#password", PASSWORD)  # the address is filled in from the link
        assert viewer.input_value("#email") == "vera@example.com"
        viewer.click("button[type=submit]")
        viewer.wait_for_selector("button:text-is('Accept the invitation')")
        clean(viewer, source)
        viewer.click("button:text-is('Accept the invitation')")
        viewer.wait_for_selector("text=Welcome to Acme Studio")
        assert "Your role: viewer (reads diaries" in viewer.inner_text("main")
        viewer.click("#org-dashboard")  # the organisation's team dashboard, read-only
        viewer.wait_for_selector("h1:text-is('Team dashboard of Acme Studio')")
        body = viewer.inner_text("main")
        assert "Checkout redesign" in body and "You are a viewer of this organisation" in body
        assert viewer.locator("main form, main button").count() == 0
        clean(viewer, source)
        viewer.click("main a:text-is('Report')")  # this month's report of the contract
        viewer.wait_for_selector("#report-table")
        clean(viewer, source)
        viewer.goto(f"{base}/reports/hours?org={org_id}")  # all the organisation's contracts
        assert viewer.input_value("#org") == org_id
        assert viewer.locator("#report-table").count() == 1  # no time in this world yet
        clean(viewer, source)
        viewer.goto(org_url)
        viewer.click("a:text-is('Checkout redesign')")
        body = viewer.inner_text("main")
        assert "You are a viewer in this organisation" in body and "Acme Studio" in body
        assert viewer.locator("text=End the contract").count() == 0
        assert viewer.locator("text=Pause").count() == 0
        clean(viewer, source)
        contract_url = viewer.url

        owner.reload()
        owner.click("button[aria-label='Remove Vera Viewer']")
        owner.wait_for_selector("text=Member removed")
        viewer.goto(contract_url)
        assert "Not found" in viewer.inner_text("main")
