"""Sign-up, the mailed verification link's landing page and "send the link again".

The pages call the same services as the API (``services/accounts.py``) and the same mail
limits (``app.state.mail_limits``). A service refusal is shown in the page's language by its
stable code (``PAGE_MESSAGES``); the service's English sentence is the fallback.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from workdiary.server.errors import ServiceError
from workdiary.server.i18n.language import N_
from workdiary.server.mailratelimit import MailLimits, MailRequestLimiter
from workdiary.server.services import accounts
from workdiary.server.web.deps import DB, CheckedForm, Viewer, safe_next, signed_in_user
from workdiary.server.web.rendering import page_language, redirect, render, web_session

router = APIRouter(include_in_schema=False)

ROLES = ("freelancer", "client")
PAGE_MESSAGES = {
    "email_taken": N_("An account with this email already exists. Sign in, or reset its "
                      "password if you forgot it."),
    "invalid_email": N_("That is not an email address. Check it and try again."),
    "weak_password": N_("The password must have at least 8 characters."),
    "invalid_password": N_("The password may have at most 1024 characters."),
    "invalid_name": N_("Enter your name (at most 200 characters)."),
    "invalid_role": N_("Choose whether you hire (client) or work (freelancer)."),
    "token_invalid": N_("This link is not valid. Open the newest link from your mail, or ask "
                        "for a new one."),
    "token_used": N_("This link was already used: a link works once. Ask for a new one if you "
                     "still need it."),
    "token_expired": N_("This link has expired. Ask for a new one."),
    "already_verified": N_("Your email address is already verified."),
}


def page_message(request: Request, exc: ServiceError) -> str:
    """A service refusal in the page's language (its English sentence when not translated)."""
    text = PAGE_MESSAGES.get(exc.code) or (exc.message[:1].upper() + exc.message[1:])
    return page_language(request).gettext(text)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def mail_wait(request: Request, pick: str, email: str, db: Session | None = None) -> str | None:
    """None when this mail-sending request may go on (it is counted; in ``db`` when given,
    for the caller to commit), else the sentence."""
    limits: MailLimits = request.app.state.mail_limits
    limiter: MailRequestLimiter = getattr(limits, pick)
    wait = limiter.attempt(email, client_ip(request), db=db)
    if not wait:
        return None
    minutes = max(1, (wait + 59) // 60)
    return page_language(request).ngettext(
        "Too many requests that send mail to this address or from yours. Wait %(minutes)d "
        "minute and try again.",
        "Too many requests that send mail to this address or from yours. Wait %(minutes)d "
        "minutes and try again.", minutes) % {"minutes": minutes}


def _form(request: Request, *, next_url: str, email: str = "", name: str = "",
          role: str = "", error: str | None = None, status_code: int = 200) -> Response:
    return render(request, "signup.html", {
        "next_url": next_url, "email": email, "name": name,
        "role": role if role in ROLES else "", "error": error,
        "login_url": "/login?next=" + quote(next_url, safe=""),
    }, status_code=status_code)


@router.get("/signup")
def signup_page(request: Request, db: DB, next: str = "/", email: str = "") -> Response:
    """The sign-up form (an invitation link pre-fills the email); signed in: straight on."""
    if signed_in_user(request, db) is not None:
        return redirect(request, safe_next(next))
    return _form(request, next_url=safe_next(next), email=email.strip()[:254])


@router.post("/signup")
def signup_submit(request: Request, db: DB, form: CheckedForm) -> Response:
    """Create the unverified account, mail its link, and send the new user to sign in."""
    fields = {key: str(form.get(key) or "") for key in ("email", "name", "password", "role")}
    email, name = fields["email"].strip()[:254], fields["name"][:200]
    next_url = safe_next(str(form.get("next") or "/")[:2000])
    again = {"next_url": next_url, "email": email, "name": name, "role": fields["role"]}
    wait = mail_wait(request, "signup", email)
    if wait:
        return _form(request, **again, error=wait, status_code=429)
    try:
        user = accounts.sign_up(db, email=email, name=name, password=fields["password"],
                                role=fields["role"], now=request.app.state.clock.now())
    except ServiceError as exc:
        return _form(request, **again, error=page_message(request, exc),
                     status_code=exc.status_code)
    web_session(request).set_flash("ok", page_language(request).gettext(
        "Your account is made. We sent a link to %(email)s: open it to verify your address. "
        "You can sign in now.") % {"email": user.email})
    return redirect(request, f"/login?next={quote(next_url, safe='')}"
                             f"&email={quote(user.email, safe='')}")


@router.get("/verify-email")
def verify_email_page(request: Request, db: DB, token: str = "") -> Response:
    """The mailed link: verify the address and say so (or say why not)."""
    try:
        user = accounts.verify_email(db, token=token[:200], now=request.app.state.clock.now())
    except ServiceError as exc:
        return render(request, "verify_email.html", {
            "verified_email": None, "error": page_message(request, exc),
            "signed_in": signed_in_user(request, db) is not None,
        }, status_code=400)
    return render(request, "verify_email.html", {
        "verified_email": user.email, "error": None,
        "signed_in": signed_in_user(request, db) is not None,
    })


@router.post("/verify-email/resend")
def resend_verification(request: Request, db: DB, viewer: Viewer, form: CheckedForm) -> Response:
    """The banner's and the account page's "send the link again"."""
    back = safe_next(str(form.get("return_to") or "/account")[:2000])
    session = web_session(request)
    wait = mail_wait(request, "verify", viewer.email)
    if wait:
        session.set_flash("error", wait)
        return redirect(request, back)
    try:
        accounts.resend_verification(db, user=viewer, now=request.app.state.clock.now())
    except ServiceError as exc:
        session.set_flash("info", page_message(request, exc))
    else:
        session.set_flash("ok", page_language(request).gettext(
            "A new link is on its way to %(email)s.") % {"email": viewer.email})
    return redirect(request, back)
