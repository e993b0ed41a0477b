"""Self-service accounts in a real browser: Debian's Chromium against a real uvicorn server.

A freelancer signs up from the sign-in page, sees the "verify your email" banner and has the
link sent again, opens the verification link of the queued mail (delivery is another part's
job; here the link is read from the outbox row), and signs in; then
forgets the password, opens the reset link and signs in with the new one. axe-core checks the
new pages; PNGs go to test-artifacts/web/account-*.png.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from workdiary.core.clock import FakeClock
from workdiary.server.models import MailRow

from .a11y import axe_source, axe_violations
from .apiseed import sqlite_app
from .livesite import CHROMIUM, chromium, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
PASSWORD = "correct horse battery"
NEW_PASSWORD = "staple battery horse"
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def mailed_link(app: FastAPI, kind: str, to: str) -> str:
    """The link path of the newest queued mail of ``kind`` to ``to``."""
    with app.state.sessionmaker() as db:
        row = db.scalars(select(MailRow).where(MailRow.kind == kind, MailRow.to_email == to)
                         .order_by(MailRow.created_at.desc(), MailRow.id.desc())).first()
    assert row is not None, f"no {kind} mail to {to}"
    link = json.loads(row.context)["link"]
    assert isinstance(link, str) and link.startswith("/")
    return link


def check(page: Any, found: dict[str, list[str]], name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"account-{name}.png"))
    problems = axe_violations(page, axe_source())
    if problems:
        found[name] = problems


def test_sign_up_verify_sign_in_and_reset_in_chromium(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app = sqlite_app(tmp_path, FakeClock(NOW))
    found: dict[str, list[str]] = {}
    with serve(app) as base, chromium(tmp_path / "home") as browser:
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": 1280, "height": 860}, bypass_csp=True)  # axe is injected inline
        page = context.new_page()

        # Sign up from the sign-in page.
        page.goto(f"{base}/login")
        page.click("text=Create an account")
        page.wait_for_url(f"{base}/signup?next=/")
        page.fill("#name", "Nora New")
        page.fill("#email", "nora@example.com")
        page.fill("#password", PASSWORD)
        page.check("input[name=role][value=freelancer]")
        check(page, found, "signup")
        page.click("button:has-text('Create the account')")
        page.wait_for_url(f"{base}/login?*")
        assert "We sent a link to nora@example.com" in page.locator(".flash").inner_text()
        assert page.input_value("#email") == "nora@example.com"

        # Unverified, she may sign in; a banner asks her to verify and can send the link again.
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert "open the link we mailed to nora@example.com" in \
            page.locator(".verify-banner").inner_text()
        check(page, found, "unverified")
        page.click(".verify-banner >> text=Send the link again")
        page.wait_for_url(f"{base}/")
        assert "A new link is on its way" in page.locator(".flash-ok").inner_text()
        page.click("text=Sign out")
        page.wait_for_url(f"{base}/login")

        # The verification mail's link verifies the address.
        page.goto(base + mailed_link(app, "verify_email", "nora@example.com"))
        assert "nora@example.com is verified" in page.locator(".flash-ok").inner_text()
        check(page, found, "verified")
        page.click("text=Sign in")
        page.wait_for_url(f"{base}/login?*")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert page.locator(".verify-banner").count() == 0
        page.click("header >> text=Nora New")
        page.wait_for_url(f"{base}/account")
        assert "verified" in page.locator("dl.facts").inner_text()
        check(page, found, "page")
        page.click("text=Sign out")
        page.wait_for_url(f"{base}/login")

        # Forgot the password: the mailed link opens the form that sets a new one.
        page.click("text=Forgot your password?")
        page.wait_for_url(f"{base}/forgot-password")
        page.fill("#email", "nora@example.com")
        check(page, found, "forgot")
        page.click("button:has-text('Mail me a link')")
        page.wait_for_load_state("networkidle")
        assert "If an account has the address nora@example.com" in page.inner_text("main")
        page.goto(base + mailed_link(app, "password_reset", "nora@example.com"))
        check(page, found, "reset")
        page.fill("#password", NEW_PASSWORD)
        page.click("button:has-text('Set the new password')")
        page.wait_for_url(f"{base}/login?email=nora%40example.com")
        assert "Sign in with the new password" in page.locator(".flash").inner_text()
        page.fill("#password", PASSWORD)  # the old one no longer works
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "wrong" in page.locator(".flash-error").inner_text()
        page.fill("#password", NEW_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        context.close()
    if found:
        (ARTIFACTS / "account-axe-violations.json").write_text(json.dumps(found, indent=1))
    assert found == {}, f"see {ARTIFACTS / 'account-axe-violations.json'}"
