"""Self-service accounts over the API: sign-up and the mailed verification link, password
reset without telling who has an account, password change, single-use expiring links, the
sessions that end, the audit entries and the mail rate limits."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from workdiary.core.clock import FakeClock
from workdiary.server.models import AccountToken, AuditEntry, MailRow, WebSessionRow
from workdiary.server.services import users, websessions

PASSWORD = "a long enough password"
NEW_PASSWORD = "another long password"
SIGNUP = {"email": "Sam@Example.com", "name": "Sam Smith", "password": PASSWORD,
          "role": "freelancer"}


def mails(app: FastAPI, kind: str | None = None) -> list[MailRow]:
    with app.state.sessionmaker() as db:
        query = select(MailRow).order_by(MailRow.created_at, MailRow.id)
        if kind is not None:
            query = query.where(MailRow.kind == kind)
        return list(db.scalars(query))


def token_of(row: MailRow, path: str) -> str:
    link = json.loads(row.context)["link"]
    parts = urlsplit(link)
    assert parts.path == path and not parts.netloc, link
    return parse_qs(parts.query)["token"][0]


def actions(app: FastAPI) -> list[str]:
    with app.state.sessionmaker() as db:
        return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def log_in(api: TestClient, email: str, password: str) -> dict[str, str]:
    response = api.post("/auth/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def sign_up(api: TestClient, **changes: str) -> dict[str, object]:
    response = api.post("/accounts", json={**SIGNUP, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_sign_up_mails_a_link_that_verifies_once(api: TestClient, app: FastAPI) -> None:
    account = sign_up(api)
    assert account["email"] == "sam@example.com" and account["role"] == "freelancer"
    assert account["email_verified"] is False
    [row] = mails(app, "verify_email")
    assert row.to_email == "sam@example.com" and row.user_id == account["id"]
    assert json.loads(row.context)["name"] == "Sam Smith"
    token = token_of(row, "/verify-email")
    with app.state.sessionmaker() as db:  # only the hash is kept
        stored = db.scalars(select(AccountToken)).one()
        assert stored.token_hash == users.hash_token(token) and token not in stored.token_hash
        assert stored.expires_at - stored.created_at == timedelta(days=7)

    # An unverified account may sign in, and /me says it is unverified.
    headers = log_in(api, "sam@example.com", PASSWORD)
    assert api.get("/me", headers=headers).json()["email_verified"] is False

    verified = api.post("/auth/verify-email", json={"token": token})
    assert verified.status_code == 200, verified.text
    assert verified.json()["email_verified"] is True
    assert api.get("/me", headers=headers).json()["email_verified"] is True
    again = api.post("/auth/verify-email", json={"token": token})
    assert again.status_code == 400 and again.json()["error"]["code"] == "token_used"
    assert actions(app) == ["user.signed_up", "user.email_verified"]


@pytest.mark.parametrize(("change", "code"), [
    ({"role": "admin"}, "invalid"),
    ({"email": "not-an-email"}, "invalid_email"),
    ({"password": "short"}, "weak_password"),
    ({"password": "x" * 1025}, "invalid"),
    ({"name": "n" * 201}, "invalid"),
    ({"name": "   "}, "invalid_name"),
    ({"email": "a@b" + "c" * 260}, "invalid"),
])
def test_sign_up_refuses_bad_fields(api: TestClient, app: FastAPI, change: dict[str, str],
                                    code: str) -> None:
    response = api.post("/accounts", json={**SIGNUP, **change})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert mails(app) == [] and actions(app) == []


def test_sign_up_refuses_a_taken_email_and_unknown_fields(api: TestClient, app: FastAPI) -> None:
    sign_up(api)
    taken = api.post("/accounts", json={**SIGNUP, "email": "sam@EXAMPLE.com"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "email_taken"
    extra = api.post("/accounts", json={**SIGNUP, "email": "x@example.com", "verified": True})
    assert extra.status_code == 422
    assert len(mails(app)) == 1 and actions(app) == ["user.signed_up"]


def test_verification_links_expire_and_can_be_resent(api: TestClient, app: FastAPI,
                                                     clock: FakeClock) -> None:
    sign_up(api)
    first = token_of(mails(app, "verify_email")[0], "/verify-email")
    headers = log_in(api, "sam@example.com", PASSWORD)
    clock.advance(7 * 24 * 3600)
    expired = api.post("/auth/verify-email", json={"token": first})
    assert expired.status_code == 400 and expired.json()["error"]["code"] == "token_expired"
    for bad in ("nonsense", "x" * 129):
        response = api.post("/auth/verify-email", json={"token": bad})
        assert response.status_code in (400, 422), response.text
    resent = api.post("/auth/verify-email/resend", headers=headers)
    assert resent.status_code == 202, resent.text
    second = token_of(mails(app, "verify_email")[1], "/verify-email")
    assert api.post("/auth/verify-email", json={"token": second}).status_code == 200
    done = api.post("/auth/verify-email/resend", headers=headers)
    assert done.status_code == 409 and done.json()["error"]["code"] == "already_verified"
    assert len(mails(app, "verify_email")) == 2


def test_a_reset_token_is_not_a_verification_token(api: TestClient, app: FastAPI) -> None:
    sign_up(api)
    api.post("/auth/password-reset", json={"email": "sam@example.com"})
    reset = token_of(mails(app, "password_reset")[0], "/reset-password")
    wrong = api.post("/auth/verify-email", json={"token": reset})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "token_invalid"


def test_password_reset_tells_nobody_who_has_an_account(api: TestClient, app: FastAPI,
                                                       clock: FakeClock) -> None:
    sign_up(api, email="known@example.com")
    users_disabled = sign_up(api, email="gone@example.com")
    with app.state.sessionmaker() as db:
        users.set_disabled(db, email=str(users_disabled["email"]), disabled=True,
                           now=clock.now())
    before = len(mails(app))
    answers = [api.post("/auth/password-reset", json={"email": email})
               for email in ("nobody@example.com", "gone@example.com", "KNOWN@example.com")]
    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1  # word for word the same answer
    [row] = mails(app, "password_reset")
    assert row.to_email == "known@example.com" and len(mails(app)) == before + 1


def test_password_reset_sets_the_password_once_and_ends_every_session(
        api: TestClient, app: FastAPI, clock: FakeClock) -> None:
    sign_up(api)
    headers = log_in(api, "sam@example.com", PASSWORD)
    with app.state.sessionmaker() as db:
        user = users.get_user_by_email(db, email="sam@example.com")
        assert user is not None
        websessions.start(db, user=user, now=clock.now())
    api.post("/auth/password-reset", json={"email": "sam@example.com"})
    api.post("/auth/password-reset", json={"email": "sam@example.com"})
    older, token = (token_of(r, "/reset-password") for r in mails(app, "password_reset"))

    weak = api.post("/auth/password-reset/confirm", json={"token": token, "password": "short"})
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "weak_password"
    done = api.post("/auth/password-reset/confirm", json={"token": token,
                                                           "password": NEW_PASSWORD})
    assert done.status_code == 204, done.text
    assert api.get("/me", headers=headers).status_code == 401  # the API token ended
    with app.state.sessionmaker() as db:
        assert db.scalars(select(WebSessionRow)).all() == []  # so did the web session
    assert api.post("/auth/tokens", json={"email": "sam@example.com",
                                          "password": PASSWORD}).status_code == 401
    me = api.get("/me", headers=log_in(api, "sam@example.com", NEW_PASSWORD)).json()
    assert me["email_verified"] is True  # the mailed link proved the address too
    for used in (token, older):  # single use, and the older link ended with it
        again = api.post("/auth/password-reset/confirm",
                         json={"token": used, "password": "yet another password"})
        assert again.status_code == 400 and again.json()["error"]["code"] == "token_used"
    [changed] = mails(app, "password_changed")
    assert changed.to_email == "sam@example.com"
    assert json.loads(changed.context)["how"] == "reset"
    assert actions(app) == ["user.signed_up", "user.email_verified", "user.password_reset"]


def test_reset_links_expire_after_an_hour(api: TestClient, app: FastAPI,
                                          clock: FakeClock) -> None:
    sign_up(api)
    api.post("/auth/password-reset", json={"email": "sam@example.com"})
    token = token_of(mails(app, "password_reset")[0], "/reset-password")
    clock.advance(3600)
    late = api.post("/auth/password-reset/confirm", json={"token": token,
                                                           "password": NEW_PASSWORD})
    assert late.status_code == 400 and late.json()["error"]["code"] == "token_expired"
    log_in(api, "sam@example.com", PASSWORD)  # unchanged


def test_password_change_keeps_only_the_session_making_it(api: TestClient, app: FastAPI,
                                                          clock: FakeClock) -> None:
    sign_up(api)
    this, other = log_in(api, "sam@example.com", PASSWORD), log_in(api, "sam@example.com",
                                                                     PASSWORD)
    with app.state.sessionmaker() as db:
        user = users.get_user_by_email(db, email="sam@example.com")
        assert user is not None
        websessions.start(db, user=user, now=clock.now())
    wrong = api.post("/auth/password", headers=this,
                     json={"current_password": "not it at all", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "wrong_password"
    weak = api.post("/auth/password", headers=this,
                    json={"current_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 422
    assert api.get("/me", headers=other).status_code == 200  # nothing changed yet
    done = api.post("/auth/password", headers=this,
                    json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert done.status_code == 204, done.text
    assert api.get("/me", headers=this).status_code == 200
    assert api.get("/me", headers=other).status_code == 401
    with app.state.sessionmaker() as db:
        assert db.scalars(select(WebSessionRow)).all() == []
    log_in(api, "sam@example.com", NEW_PASSWORD)
    [changed] = mails(app, "password_changed")
    assert json.loads(changed.context)["how"] == "change"
    assert actions(app)[-1] == "user.password_changed"


def test_wrong_current_passwords_count_as_failed_logins(api: TestClient) -> None:
    sign_up(api)
    headers = log_in(api, "sam@example.com", PASSWORD)
    body = {"current_password": "not it at all", "new_password": NEW_PASSWORD}
    codes = [api.post("/auth/password", headers=headers, json=body).status_code
             for _ in range(6)]
    assert codes == [403] * 5 + [429]


def test_mail_requests_are_limited_per_email_whether_or_not_it_has_an_account(
        api: TestClient, app: FastAPI, clock: FakeClock) -> None:
    sign_up(api)
    for email in ("sam@example.com", "nobody@example.com"):
        codes = [api.post("/auth/password-reset", json={"email": email}).status_code
                 for _ in range(4)]
        assert codes == [202, 202, 202, 429], email
    assert len(mails(app, "password_reset")) == 3
    limited = api.post("/auth/password-reset", json={"email": "SAM@example.com "})
    assert limited.json()["error"]["code"] == "too_many_mail_requests"
    assert "minutes" in limited.json()["error"]["message"]
    clock.advance(3600)
    assert api.post("/auth/password-reset", json={"email": "sam@example.com"}).status_code == 202


def test_sign_ups_are_limited_per_client_address(api: TestClient, app: FastAPI) -> None:
    codes = [api.post("/accounts", json={**SIGNUP, "email": f"p{i}@example.com"}).status_code
             for i in range(11)]
    assert codes == [201] * 10 + [429]
    assert len(mails(app, "verify_email")) == 10


def test_verification_resends_are_limited(api: TestClient, app: FastAPI) -> None:
    sign_up(api)
    headers = log_in(api, "sam@example.com", PASSWORD)
    codes = [api.post("/auth/verify-email/resend", headers=headers).status_code
             for _ in range(4)]
    assert codes == [202, 202, 202, 429]
