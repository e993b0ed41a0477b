"""The mail settings page: what is on, turning kinds off and on, security mail listed as always
sent, the CSRF check, sign-in required, and the page in Spanish."""

from __future__ import annotations

import re

from sqlalchemy import select

from workdiary.server.models import User
from workdiary.server.services import notifications

from .webworld import PEOPLE, World, csrf_of, sign_in


def stored(world: World, who: str) -> dict[str, bool]:
    with world.app.state.sessionmaker() as db:
        user = db.scalar(select(User).where(User.email == PEOPLE[who]))
        assert user is not None
        return notifications.preferences(user)


FREELANCER_KINDS = ["contract_offer", "contract_changed", "weekly_summary", "dispute_opened",
                    "dispute_message", "dispute_decided", "week_approved", "week_paid"]
CLIENT_KINDS = ["contract_answered", "contract_changed", "invoice_ready", "review_reminder",
                "dispute_message", "dispute_decided", "organisation_invitation"]


def boxes(html: str) -> list[str]:
    return re.findall(r'type="checkbox" name="kind_(\w+)"', html)


def test_each_role_is_offered_only_the_mail_it_receives(world: World) -> None:
    freelancer = sign_in(world.app, "freelancer").get("/notifications").text
    assert boxes(freelancer) == FREELANCER_KINDS
    assert "Monday invoice" not in freelancer and "accepted or declined my offer" not in freelancer
    client = sign_in(world.app, "client").get("/notifications").text
    assert boxes(client) == CLIENT_KINDS
    assert "Contract offers made to me" not in client and "Sunday summary" not in client
    # A client's form cannot turn off a freelancer's kind: only the offered boxes are read.
    browser = sign_in(world.app, "client")
    page = browser.get("/notifications")
    kept = {f"kind_{k}": "on" for k in CLIENT_KINDS}
    browser.post("/notifications", data={**kept, "csrf_token": csrf_of(page.text)})
    assert list(stored(world, "client")) == CLIENT_KINDS and all(stored(world, "client").values())


def test_the_page_turns_kinds_off_and_on(world: World) -> None:
    browser = sign_in(world.app, "freelancer")
    page = browser.get("/notifications")
    assert page.status_code == 200
    assert page.text.count('type="checkbox"') == len(FREELANCER_KINDS)
    assert page.text.count("checked") == len(FREELANCER_KINDS)
    assert "Password reset links" in page.text  # listed as always sent, no box
    keep = {f"kind_{k}": "on" for k in FREELANCER_KINDS
            if k not in ("weekly_summary", "week_paid")}
    saved = browser.post("/notifications", data={**keep, "csrf_token": csrf_of(page.text)})
    assert saved.status_code == 303 and saved.headers["location"] == "/notifications"
    off = [k for k, on in stored(world, "freelancer").items() if not on]
    assert off == ["weekly_summary", "week_paid"]
    again = browser.get("/notifications")
    assert "Your mail settings are saved." in again.text
    assert again.text.count("checked") == len(FREELANCER_KINDS) - 2
    assert all(stored(world, "client").values())  # nobody else's settings changed
    everything = {f"kind_{k}": "on" for k in FREELANCER_KINDS}
    browser.post("/notifications", data={**everything, "csrf_token": csrf_of(again.text)})
    assert all(stored(world, "freelancer").values())


def test_the_page_needs_a_session_and_a_csrf_token(world: World) -> None:
    anonymous = sign_in(world.app, None).get("/notifications")
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    browser = sign_in(world.app, "client")
    forged = browser.post("/notifications", data={"kind_invoice_ready": "on"})
    assert forged.status_code == 403
    assert all(stored(world, "client").values())


def test_the_page_in_spanish(world: World) -> None:
    browser = sign_in(world.app, "client")
    page = browser.get("/notifications", headers={"Accept-Language": "es-ES"})
    assert "Ajustes de correo" in page.text and "Correos que recibo" in page.text


def test_an_admin_has_only_security_mail(world: World) -> None:
    from workdiary.server.services import users as user_service

    from .test_dispute_pages import ADMIN, as_admin
    from .webworld import NOW, PASSWORD

    with world.app.state.sessionmaker() as db:
        user_service.create_user(db, email=ADMIN, name="Ada Admin", role="admin",
                                 password=PASSWORD, now=NOW)
    page = as_admin(world).get("/notifications").text
    assert boxes(page) == [] and "This account is sent no mail that can be turned off." in page
    assert "Password reset links" in page
