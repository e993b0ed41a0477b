"""CSRF on every form, signed session cookies, and the login rate limit."""

from __future__ import annotations

from fastapi.testclient import TestClient

from workdiary.server.web.session import SESSION_COOKIE

from .webworld import PASSWORD, PEOPLE, World, csrf_of, sign_in


def test_post_without_csrf_token_is_403_with_a_clear_message(world: World) -> None:
    client = sign_in(world.app, "client")
    for url in ("/logout", f"/contracts/{world.contract_id}/disputes",
                f"/contracts/{world.contract_id}/timesheets/2026-11-23/approve",
                "/devices/x/revoke"):
        response = client.post(url, data={"reason": "x"})
        assert response.status_code == 403, url
        assert "arrived without its security token" in response.text
        assert "Reload the page" in response.text


def test_post_with_wrong_csrf_token_is_403(world: World) -> None:
    client = sign_in(world.app, "client")
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert "does not match your session" in response.text
    assert client.get("/").status_code == 200  # still signed in


def test_token_of_another_session_is_refused(world: World) -> None:
    mallory = sign_in(world.app, "other_client")
    stolen = csrf_of(mallory.get("/").text)
    client = sign_in(world.app, "client")
    response = client.post(f"/contracts/{world.contract_id}/timesheets/2026-11-23/approve",
                           data={"csrf_token": stolen})
    assert response.status_code == 403


def test_login_form_needs_its_token(world: World) -> None:
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    client.get("/login")
    response = client.post("/login", data={"email": PEOPLE["client"], "password": PASSWORD})
    assert response.status_code == 403


def test_login_rotates_the_csrf_token(world: World) -> None:
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    before = csrf_of(client.get("/login").text)
    client.post("/login", data={"email": PEOPLE["client"], "password": PASSWORD,
                                "csrf_token": before})
    after = csrf_of(client.get("/").text)
    assert before != after


def test_forged_session_cookie_is_ignored(world: World) -> None:
    client = sign_in(world.app, "client")
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie
    client.cookies.set(SESSION_COOKIE, cookie[:-3] + ("aaa" if cookie[-3:] != "aaa" else "bbb"))
    assert client.get("/").status_code == 303


def test_session_cookie_is_httponly_and_samesite(world: World) -> None:
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    header = client.get("/login").headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header


def test_wrong_password_then_rate_limit(world: World) -> None:
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    limiter = world.app.state.login_limiter
    for _ in range(limiter.max_attempts):
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"email": PEOPLE["client"], "password": "wrong",
                                               "csrf_token": token})
        assert response.status_code == 401
        assert "The email or password is wrong" in response.text
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": PEOPLE["client"], "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert int(response.headers["retry-after"]) > 0
    world.clock.advance(limiter.window.total_seconds() + 1)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": PEOPLE["client"], "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 303


def test_api_errors_keep_their_json_shape(world: World) -> None:
    client = TestClient(world.app, base_url="http://testserver")
    response = client.get("/api/v1/contracts")
    assert response.status_code == 401
    assert response.json()["error"]["code"]
