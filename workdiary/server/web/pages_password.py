"""Forgotten password (mail a reset link), the reset form, and the account page with its
password change.

The forgot-password answer is the same page whether or not an account has the email, so the
page tells nobody who has an account. A reset ends every session of the account (this
browser's too); a change on the account page keeps this browser's session only.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.server.errors import ServiceError
from workdiary.server.ratelimit import LoginRateLimiter
from workdiary.server.services import accounts
from workdiary.server.services.account_tokens import MAX_TOKEN
from workdiary.server.web.deps import DB, CheckedForm, Viewer
from workdiary.server.web.pages_signup import client_ip, mail_wait, page_message
from workdiary.server.web.rendering import page_language, redirect, render, web_session

router = APIRouter(include_in_schema=False)


def _clock_now(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


@router.get("/forgot-password")
def forgot_page(request: Request, email: str = "") -> Response:
    """Ask for a reset link."""
    return render(request, "forgot_password.html", {"email": email.strip()[:254],
                                                    "sent_to": None, "error": None})


@router.post("/forgot-password")
def forgot_submit(request: Request, db: DB, form: CheckedForm) -> Response:
    """Mail a reset link when an enabled account has the email; the same page either way."""
    email = str(form.get("email") or "").strip()[:254]
    wait = mail_wait(request, "reset", email, db=db)  # committed by the reset request
    if wait:
        return render(request, "forgot_password.html",
                      {"email": email, "sent_to": None, "error": wait}, status_code=429)
    accounts.request_password_reset(db, email=email, now=_clock_now(request))
    return render(request, "forgot_password.html", {"email": email, "sent_to": email,
                                                    "error": None})


def _reset_form(request: Request, *, token: str, email: str | None, error: str | None,
                status_code: int = 200) -> Response:
    return render(request, "reset_password.html", {"token": token, "email": email,
                                                   "error": error}, status_code=status_code)


@router.get("/reset-password")
def reset_page(request: Request, db: DB, token: str = "") -> Response:
    """The mailed reset link: the new-password form (the link is used only when it is sent)."""
    token = token[:MAX_TOKEN + 1]
    try:
        user = accounts.check_reset_token(db, token=token, now=_clock_now(request))
    except ServiceError as exc:
        return _reset_form(request, token="", email=None, error=page_message(request, exc),
                           status_code=400)
    return _reset_form(request, token=token, email=user.email, error=None)


@router.post("/reset-password")
def reset_submit(request: Request, db: DB, form: CheckedForm) -> Response:
    """Set the new password; every session ends, so the user signs in again."""
    token = str(form.get("token") or "")[:MAX_TOKEN + 1]
    password = str(form.get("password") or "")
    try:
        user = accounts.reset_password(db, token=token, password=password[:2000],
                                       now=_clock_now(request))
    except ServiceError as exc:
        if exc.code.startswith("token_"):
            return _reset_form(request, token="", email=None, error=page_message(request, exc),
                               status_code=400)
        email = accounts.check_reset_token(db, token=token, now=_clock_now(request)).email
        return _reset_form(request, token=token, email=email,
                           error=page_message(request, exc), status_code=exc.status_code)
    session = web_session(request)
    session.log_out()
    session.set_flash("ok", page_language(request).gettext(
        "Your password is changed and every session of your account has ended. Sign in with "
        "the new password."))
    return redirect(request, f"/login?email={quote(user.email, safe='')}")


@router.get("/account")
def account_page(request: Request, viewer: Viewer) -> Response:
    """The viewer's account: email and its verification, the password change."""
    return render(request, "account.html", {"nav": "account"})


@router.post("/account/password")
def change_password(request: Request, db: DB, viewer: Viewer, form: CheckedForm) -> Response:
    """Change the password; wrong current passwords count as failed sign-ins."""
    session = web_session(request)
    language = page_language(request)
    limiter: LoginRateLimiter = request.app.state.login_limiter
    ip = client_ip(request)
    wait = limiter.retry_after(viewer.email, ip)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        session.set_flash("error", language.ngettext(
            "Too many wrong passwords. Wait %(minutes)d minute and try again.",
            "Too many wrong passwords. Wait %(minutes)d minutes and try again.",
            minutes) % {"minutes": minutes})
        return redirect(request, "/account")
    try:
        accounts.change_password(
            db, user=viewer, current_password=str(form.get("current_password") or "")[:2000],
            new_password=str(form.get("new_password") or "")[:2000], now=_clock_now(request),
            keep_web_session=session.sid)
    except accounts.WrongPassword:
        limiter.record_failure(viewer.email, ip)
        session.set_flash("error", language.gettext(
            "The current password is wrong. Nothing was changed."))
    except ServiceError as exc:
        session.set_flash("error", page_message(request, exc))
    else:
        session.set_flash("ok", language.gettext(
            "Your password is changed. Every other browser session and desktop sign-in of "
            "your account has ended."))
    return redirect(request, "/account")
