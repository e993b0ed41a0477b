"""The self-service account pages without a browser: sign-up (with an invitation's email and
next), the verification landing page and the banner, forgot and reset password, and the
account page's password change (this browser stays, every other session ends)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from workdiary.server.models import MailRow, User
from workdiary.server.services import users as user_service
from workdiary.server.services import websessions

from .webworld import PASSWORD, PEOPLE, World, csrf_of, sign_in

NEW_PASSWORD = "a brand new password"


def anonymous(world: World) -> TestClient:
    return TestClient(world.app, base_url="http://testserver", follow_redirects=False)


def mail_token(world: World, kind: str, path: str, index: int = -1) -> str:
    with world.app.state.sessionmaker() as db:
        rows = list(db.scalars(select(MailRow).where(MailRow.kind == kind)
                               .order_by(MailRow.created_at, MailRow.id)))
    link = urlsplit(json.loads(rows[index].context)["link"])
    assert link.path == path
    return parse_qs(link.query)["token"][0]


def mail_count(world: World, kind: str) -> int:
    with world.app.state.sessionmaker() as db:
        return len(list(db.scalars(select(MailRow.id).where(MailRow.kind == kind))))


def sign_up(world: World, client: TestClient, **fields: str) -> TestClient:
    page = client.get("/signup")
    form = {"name": "Nora New", "email": "nora@example.com", "password": PASSWORD,
            "role": "freelancer", "next": "/", "csrf_token": csrf_of(page.text), **fields}
    response = client.post("/signup", data=form)
    assert response.status_code == 303, response.text
    return client


def test_signup_form_takes_an_invitations_email_and_next(world: World) -> None:
    client = anonymous(world)
    page = client.get("/signup", params={"email": "invited@example.com",
                                         "next": "/contracts/x/diary/2026-11-24"})
    assert page.status_code == 200
    assert 'value="invited@example.com"' in page.text
    assert 'value="/contracts/x/diary/2026-11-24"' in page.text
    assert client.get("/signup", params={"next": "//evil.example"}).text.count(
        'name="next" value="/"') == 1
    # The sign-in page links here and to the forgotten password.
    login = client.get("/login", params={"next": "/invoices"}).text
    assert 'href="/forgot-password"' in login and 'href="/signup?next=/invoices"' in login


def test_signup_creates_an_unverified_account_and_goes_to_sign_in(world: World) -> None:
    client = anonymous(world)
    page = client.get("/signup")
    response = client.post("/signup", data={
        "name": "Nora New", "email": "Nora@Example.com", "password": PASSWORD, "role": "client",
        "next": "/invoices", "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Finvoices&email=nora%40example.com"
    login = client.get(response.headers["location"])
    assert "We sent a link to nora@example.com" in login.text
    assert 'value="nora@example.com"' in login.text
    with world.app.state.sessionmaker() as db:
        user = user_service.get_user_by_email(db, email="nora@example.com")
        assert user is not None and user.role == "client" and user.email_verified_at is None
    assert mail_count(world, "verify_email") == 1


@pytest.mark.parametrize(("fields", "status", "text"), [
    ({"role": "admin"}, 422, "Choose whether you hire"),
    ({"email": "nope"}, 422, "That is not an email address"),
    ({"password": "short"}, 422, "at least 8 characters"),
    ({"email": PEOPLE["client"]}, 409, "already exists"),
    ({"name": ""}, 422, "Enter your name"),
])
def test_signup_says_what_is_wrong_and_keeps_the_form(world: World, fields: dict[str, str],
                                                      status: int, text: str) -> None:
    client = anonymous(world)
    page = client.get("/signup")
    form = {"name": "Nora New", "email": "nora@example.com", "password": PASSWORD,
            "role": "freelancer", "csrf_token": csrf_of(page.text), **fields}
    response = client.post("/signup", data=form)
    assert response.status_code == status
    assert text in response.text
    assert f'value="{form["email"]}"' in response.text  # nothing typed is lost
    assert mail_count(world, "verify_email") == 0


def test_the_new_forms_need_their_csrf_token(world: World) -> None:
    client = anonymous(world)
    for url in ("/signup", "/forgot-password", "/reset-password"):
        assert client.post(url, data={"email": "a@b.c"}).status_code == 403, url
    signed = sign_in(world.app, "client")
    for url in ("/account/password", "/verify-email/resend"):
        assert signed.post(url, data={}).status_code == 403, url


def test_the_account_pages_need_a_sign_in(world: World) -> None:
    client = anonymous(world)
    assert client.get("/account").headers["location"] == "/login?next=%2Faccount"
    client.get("/login")
    token = csrf_of(client.get("/login").text)
    for url in ("/account/password", "/verify-email/resend"):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 303 and response.headers["location"] == "/login"


def test_verify_link_banner_and_resend(world: World) -> None:
    client = sign_up(world, anonymous(world))
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"email": "nora@example.com", "password": PASSWORD,
                                "csrf_token": token})
    home = client.get("/")
    assert "Verify your email address: open the link we mailed to nora@example.com" in home.text
    resend = client.post("/verify-email/resend", data={"csrf_token": csrf_of(home.text),
                                                       "return_to": "/invoices"})
    assert resend.status_code == 303 and resend.headers["location"] == "/invoices"
    assert "A new link is on its way" in client.get("/invoices").text
    assert mail_count(world, "verify_email") == 2

    link = mail_token(world, "verify_email", "/verify-email", index=0)
    landing = client.get("/verify-email", params={"token": link})
    assert landing.status_code == 200 and "nora@example.com is verified" in landing.text
    assert "Verify your email address:" not in client.get("/").text
    assert "verified" in client.get("/account").text
    again = client.get("/verify-email", params={"token": link})
    assert again.status_code == 400 and "already used" in again.text
    bad = client.get("/verify-email", params={"token": "x" * 500})
    assert bad.status_code == 400 and "not valid" in bad.text


def test_forgot_password_answers_the_same_for_anyone(world: World) -> None:
    texts = []
    for email in ("nobody@example.com", PEOPLE["client"]):
        client = anonymous(world)
        page = client.get("/forgot-password")
        response = client.post("/forgot-password", data={"email": email,
                                                         "csrf_token": csrf_of(page.text)})
        assert response.status_code == 200
        texts.append(response.text.replace(email, "EMAIL").replace(
            csrf_of(response.text), "TOKEN"))
    assert texts[0] == texts[1]
    assert "If an account has the address EMAIL" in texts[0]
    assert mail_count(world, "password_reset") == 1


def test_reset_password_ends_every_session(world: World) -> None:
    other_browser = sign_in(world.app, "client")
    client = anonymous(world)
    page = client.get("/forgot-password", params={"email": PEOPLE["client"]})
    assert f'value="{PEOPLE["client"]}"' in page.text
    client.post("/forgot-password", data={"email": PEOPLE["client"],
                                          "csrf_token": csrf_of(page.text)})
    token = mail_token(world, "password_reset", "/reset-password")
    form = client.get("/reset-password", params={"token": token})
    assert form.status_code == 200 and PEOPLE["client"] in form.text
    short = client.post("/reset-password", data={"token": token, "password": "short",
                                                 "csrf_token": csrf_of(form.text)})
    assert short.status_code == 422 and "at least 8 characters" in short.text
    done = client.post("/reset-password", data={"token": token, "password": NEW_PASSWORD,
                                                "csrf_token": csrf_of(short.text)})
    assert done.status_code == 303
    assert done.headers["location"] == "/login?email=client%40example.com"
    assert "Sign in with the new password" in client.get(done.headers["location"]).text
    assert other_browser.get("/").status_code == 303  # signed out everywhere
    used = client.get("/reset-password", params={"token": token})
    assert used.status_code == 400 and "already used" in used.text
    login = client.get("/login")
    ok = client.post("/login", data={"email": PEOPLE["client"], "password": NEW_PASSWORD,
                                     "csrf_token": csrf_of(login.text)})
    assert ok.status_code == 303


def test_password_change_keeps_this_browser_only(world: World) -> None:
    this, other = sign_in(world.app, "freelancer"), sign_in(world.app, "freelancer")
    page = this.get("/account")
    assert page.status_code == 200 and PEOPLE["freelancer"] in page.text
    assert "Send the link again" not in page.text  # operator-made accounts count as verified
    wrong = this.post("/account/password", data={
        "current_password": "not the password", "new_password": NEW_PASSWORD,
        "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 303
    assert "The current password is wrong" in this.get("/account").text
    assert other.get("/").status_code == 200
    done = this.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "csrf_token": csrf_of(page.text)})
    assert done.status_code == 303
    assert "Every other browser session" in this.get("/account").text
    assert this.get("/").status_code == 200
    assert other.get("/").status_code == 303
    with world.app.state.sessionmaker() as db:
        user = db.scalar(select(User).where(User.email == PEOPLE["freelancer"]))
        assert user is not None
        assert user_service.authenticate(db, email=user.email, password=NEW_PASSWORD)
        assert websessions.end_all(db, user_id=user.id) == 1  # only this browser was left
    assert mail_count(world, "password_changed") == 1


def test_account_pages_in_spanish(world: World) -> None:
    client = anonymous(world)
    client.headers["Accept-Language"] = "es"
    assert "Crear una cuenta" in client.get("/signup").text
    assert "¿Ha olvidado su contraseña?" in client.get("/login").text
