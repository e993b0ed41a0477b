"""The mail settings page: what is on, turning kinds off and on, security mail listed as always
sent, the CSRF check, sign-in required, and the page in Spanish."""

from __future__ import annotations

from sqlalchemy import select

from workdiary.server.models import User
from workdiary.server.services import notifications

from .webworld import PEOPLE, World, csrf_of, sign_in


def stored(world: World, who: str) -> dict[str, bool]:
    with world.app.state.sessionmaker() as db:
        user = db.scalar(select(User).where(User.email == PEOPLE[who]))
        assert user is not None
        return notifications.preferences(user)


def test_the_page_turns_kinds_off_and_on(world: World) -> None:
    browser = sign_in(world.app, "freelancer")
    page = browser.get("/notifications")
    assert page.status_code == 200
    assert page.text.count('type="checkbox"') == len(notifications.OPTIONAL_KINDS)
    assert page.text.count("checked") == len(notifications.OPTIONAL_KINDS)
    assert "Password reset links" in page.text  # listed as always sent, no box
    keep = {f"kind_{k}": "on" for k in notifications.OPTIONAL_KINDS
            if k not in ("weekly_summary", "week_paid")}
    saved = browser.post("/notifications", data={**keep, "csrf_token": csrf_of(page.text)})
    assert saved.status_code == 303 and saved.headers["location"] == "/notifications"
    off = [k for k, on in stored(world, "freelancer").items() if not on]
    assert off == ["weekly_summary", "week_paid"]
    again = browser.get("/notifications")
    assert "Your mail settings are saved." in again.text
    assert again.text.count("checked") == len(notifications.OPTIONAL_KINDS) - 2
    assert all(stored(world, "client").values())  # nobody else's settings changed
    everything = {f"kind_{k}": "on" for k in notifications.OPTIONAL_KINDS}
    browser.post("/notifications", data={**everything, "csrf_token": csrf_of(again.text)})
    assert all(stored(world, "freelancer").values())


def test_the_page_needs_a_session_and_a_csrf_token(world: World) -> None:
    anonymous = sign_in(world.app, None).get("/notifications")
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    browser = sign_in(world.app, "client")
    forged = browser.post("/notifications", data={"kind_week_paid": "on"})
    assert forged.status_code == 403
    assert all(stored(world, "client").values())


def test_the_page_in_spanish(world: World) -> None:
    browser = sign_in(world.app, "client")
    page = browser.get("/notifications", headers={"Accept-Language": "es-ES"})
    assert "Ajustes de correo" in page.text and "Correos que recibo" in page.text
