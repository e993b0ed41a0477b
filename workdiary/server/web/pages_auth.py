"""Sign in and sign out: Argon2 check through the users service, rate limited, CSRF on both."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.server.i18n.language import N_
from workdiary.server.ratelimit import LoginRateLimiter
from workdiary.server.services import users, websessions
from workdiary.server.web.deps import DB, CheckedForm, safe_next, signed_in_user
from workdiary.server.web.rendering import page_language, redirect, render, web_session

router = APIRouter(include_in_schema=False)

WRONG_LOGIN = N_("The email or password is wrong. Check both and try again.")


def _limiter(request: Request) -> LoginRateLimiter:
    limiter: LoginRateLimiter = request.app.state.login_limiter
    return limiter


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_page(request: Request, db: DB, next: str = "/", email: str = "") -> Response:
    """The sign-in form (``email`` pre-filled after sign-up or a reset); a signed-in visitor
    goes straight on."""
    if signed_in_user(request, db) is not None:
        return redirect(request, safe_next(next))
    return render(request, "login.html", {"next_url": safe_next(next),
                                          "email": email.strip()[:254], "error": None})


@router.post("/login")
def login_submit(request: Request, db: DB, form: CheckedForm) -> Response:
    """Check the password; after too many failures refuse for a while with a clear message."""
    email = str(form.get("email") or "").strip()[:254]
    password = str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or "/"))
    limiter, ip = _limiter(request), _client_ip(request)
    context = {"next_url": next_url, "email": email}
    wait = limiter.retry_after(email, ip)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        message = page_language(request).ngettext(
            "Too many failed sign-ins for %(account)s from your address. Wait %(minutes)d "
            "minute and try again, or reset the password with your administrator.",
            "Too many failed sign-ins for %(account)s from your address. Wait %(minutes)d "
            "minutes and try again, or reset the password with your administrator.",
            minutes) % {"account": email or page_language(request).gettext("this account"),
                        "minutes": minutes}
        response = render(request, "login.html", {**context, "error": message}, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = users.authenticate(db, email=email, password=password) if email and password else None
    if user is None:
        limiter.record_failure(email, ip)
        wrong = page_language(request).gettext(WRONG_LOGIN)
        return render(request, "login.html", {**context, "error": wrong}, status_code=401)
    limiter.reset(email, ip)
    sid = websessions.start(db, user=user, now=request.app.state.clock.now())
    web_session(request).log_in(user.id, sid)
    return redirect(request, next_url)


@router.post("/logout")
def logout(request: Request, db: DB, form: CheckedForm) -> Response:
    """End the session on the server (its cookie is worthless from now on) and forget it here;
    a fresh CSRF token makes old forms useless."""
    session = web_session(request)
    websessions.end(db, token=session.sid)
    session.log_out()
    session.set_flash("info", page_language(request).gettext("You are signed out."))
    return redirect(request, "/login")
