"""Finding 11: forwarded headers are believed only from configured proxies; the Secure cookie
follows the public URL or a trusted X-Forwarded-Proto; logins are limited per account and per
address, in the database, so the limit holds across workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from web.livesite import serve

from workdiary.server.app import create_app
from workdiary.server.settings import Settings

from .processes import EMAILS, PASSWORD, server_run


def fail_login(client: httpx.Client, email: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/api/v1/auth/tokens", headers=headers,
                       json={"email": email, "password": "wrong guess", "device_name": "x"}
                       ).status_code


def test_rotating_x_forwarded_for_from_loopback_does_not_dodge_the_limiter(
        tmp_path: Path) -> None:
    with server_run(tmp_path / "srv") as url, httpx.Client(base_url=url) as client:
        codes = [fail_login(client, EMAILS[0], f"198.51.100.{i}") for i in range(8)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}, codes


def test_trusted_proxy_addresses_count_per_address_and_per_account(tmp_path: Path) -> None:
    with server_run(tmp_path / "srv", "--forwarded-allow-ips", "127.0.0.1") as url, \
            httpx.Client(base_url=url) as client:
        # One address trying several accounts: limited per address (5).
        spread = [fail_login(client, EMAILS[i % 2], "203.0.113.7") for i in range(6)]
        assert spread == [401] * 5 + [429]
        assert fail_login(client, EMAILS[2], "203.0.113.8") == 401  # another client: its own
        # One account from many addresses: limited per account (10).
        many = [fail_login(client, EMAILS[2], f"192.0.2.{i}") for i in range(11)]
        assert many[:9] == [401] * 9 and many[9:] == [429, 429], many


def web_login(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    import re

    with httpx.Client(base_url=url, headers=headers or {}) as browser:
        page = browser.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token
        return browser.post("/login", data={"email": EMAILS[0], "password": PASSWORD,
                                            "csrf_token": token.group(1), "next": "/"})


def session_cookie(answer: httpx.Response) -> str:
    cookies = [v for k, v in answer.headers.multi_items() if k.lower() == "set-cookie"
               and v.startswith("workdiary_session=")]
    assert cookies, answer.headers
    return cookies[-1].lower()


def test_the_secure_cookie_flag(tmp_path: Path) -> None:
    https = {"X-Forwarded-Proto": "https"}
    with server_run(tmp_path / "a") as url:
        assert "secure" not in session_cookie(web_login(url, https))  # untrusted: ignored
    with server_run(tmp_path / "b", "--forwarded-allow-ips", "127.0.0.1") as url:
        assert "secure" in session_cookie(web_login(url, https))
        assert "secure" not in session_cookie(web_login(url))
    with server_run(tmp_path / "c", "--public-url", "https://diary.example.com") as url:
        assert "secure" in session_cookie(web_login(url))


@pytest.fixture
def two_workers(settings: Settings, clock) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Two app instances (as two workers) on one database, each behind its own server."""
    apps: list[FastAPI] = [create_app(settings, clock=clock) for _ in range(2)]
    with serve(apps[0]) as one, serve(apps[1]) as two:
        yield one, two
    for app in apps:
        app.state.engine.dispose()


def test_the_limit_holds_across_workers(two_workers: tuple[str, str], world) -> None:  # type: ignore[no-untyped-def]
    one, two = two_workers
    email = world.client_a.email
    with httpx.Client(base_url=one) as a, httpx.Client(base_url=two) as b:
        codes = [fail_login(a if i % 2 else b, email) for i in range(6)]
    assert codes == [401] * 5 + [429]
