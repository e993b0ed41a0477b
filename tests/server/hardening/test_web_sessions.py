"""Finding 5: a web session lives on the server: logout, a password change or a disabled
account ends it (its cookie is worthless afterwards), and it expires when not used."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web.livesite import serve
from web.webworld import PASSWORD, PEOPLE, World, csrf_of, make_world

from workdiary.server.services import users, websessions
from workdiary.server.web.session import SESSION_COOKIE


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[World, str]]:
    world = make_world(tmp_path)
    with serve(world.app) as url:
        yield world, url
    world.app.state.engine.dispose()


def sign_in(url: str, who: str = "client") -> tuple[httpx.Client, str]:
    """A browser signed in as ``who``; returns it and its session cookie's value."""
    browser = httpx.Client(base_url=url)
    token = csrf_of(browser.get("/login").text)
    answer = browser.post("/login", data={"email": PEOPLE[who], "password": PASSWORD,
                                          "csrf_token": token, "next": "/"})
    assert answer.status_code == 303, answer.text
    assert browser.get("/").status_code == 200
    return browser, browser.cookies[SESSION_COOKIE]


def replay(url: str, cookie: str) -> httpx.Response:
    """The dashboard asked for with a copied cookie, as a thief would."""
    with httpx.Client(base_url=url, cookies={SESSION_COOKIE: cookie}) as thief:
        return thief.get("/")


def signed_in(answer: httpx.Response) -> bool:
    return answer.status_code == 200 and "Clara Client" in answer.text


def test_logout_ends_the_session_on_the_server(site: tuple[World, str]) -> None:
    _, url = site
    browser, cookie = sign_in(url)
    assert signed_in(replay(url, cookie))
    token = csrf_of(browser.get("/").text)
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 303
    stolen = replay(url, cookie)
    assert stolen.status_code == 303 and stolen.headers["location"].startswith("/login")


def test_a_password_change_ends_every_session(site: tuple[World, str], tmp_path: Path) -> None:
    world, url = site
    _, first = sign_in(url)
    _, second = sign_in(url)
    database = str(world.app.state.engine.url)
    result = subprocess.run(
        [sys.executable, "-m", "workdiary", "server", "set-password", "--email",
         PEOPLE["client"], "--password-stdin", "--database", database, "--data-dir",
         str(tmp_path / "srv")], input="a brand new password\n", capture_output=True,
        text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "sessions" in result.stdout
    for cookie in (first, second):
        assert not signed_in(replay(url, cookie))


def test_a_disabled_account_is_out_everywhere(site: tuple[World, str]) -> None:
    world, url = site
    _, cookie = sign_in(url)
    with world.app.state.sessionmaker() as db:
        user = users.get_user_by_email(db, email=PEOPLE["client"])
        assert user is not None
        token = users.issue_token(db, user=user, device_name="cli", now=world.clock.now())
        users.set_disabled(db, email=PEOPLE["client"], disabled=True,
                           now=world.clock.now())
    assert not signed_in(replay(url, cookie))
    with httpx.Client(base_url=f"{url}/api/v1") as api:
        assert api.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        login = api.post("/auth/tokens", json={"email": PEOPLE["client"], "password": PASSWORD,
                                               "device_name": "x"})
        assert login.status_code == 401
    with httpx.Client(base_url=url) as browser:
        csrf = csrf_of(browser.get("/login").text)
        again = browser.post("/login", data={"email": PEOPLE["client"], "password": PASSWORD,
                                             "csrf_token": csrf, "next": "/"})
        assert again.status_code == 401


def test_a_session_is_short_lived_and_renewed_while_used(site: tuple[World, str]) -> None:
    world, url = site
    browser, cookie = sign_in(url)
    idle = websessions.IDLE.total_seconds()
    for _ in range(4):  # used every 3/4 of the idle time: still signed in, well past IDLE
        world.clock.advance(idle * 0.75)
        assert signed_in(browser.get("/"))
    world.clock.advance(idle + 1)  # then left alone longer than IDLE
    assert not signed_in(replay(url, cookie))


def test_a_session_ends_at_its_lifetime_even_when_used(site: tuple[World, str]) -> None:
    world, url = site
    browser, _ = sign_in(url)
    step = websessions.IDLE.total_seconds() * 0.9
    steps = int(websessions.LIFETIME.total_seconds() // step) + 1
    for _ in range(steps):
        world.clock.advance(step)
        browser.get("/")
    assert not signed_in(browser.get("/"))
