"""Self-service accounts: sign up, verify the address, reset and change the password.

Requests that send mail are limited per email and per client address (``app.state.mail_limits``);
the password reset request answers 202 whatever the email, so it tells nobody who has an account.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from workdiary.server.api.account_schemas import (
    AccountCreate,
    Notice,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    TokenBody,
)
from workdiary.server.api.auth import client_ip, user_public
from workdiary.server.api.schemas import UserPublic
from workdiary.server.deps import AppClock, CurrentUser, DbSession, Token
from workdiary.server.errors import TooManyRequests
from workdiary.server.mailratelimit import MailLimits, MailRequestLimiter
from workdiary.server.ratelimit import LoginRateLimiter
from workdiary.server.services import accounts
from workdiary.server.services.users import normalise_email

router = APIRouter(tags=["accounts"])
RESET_NOTICE = ("If an enabled account has this email, a link to choose a new password is on "
                "its way; it works once, within an hour.")


def _limit(request: Request, pick: str, email: str, db: Session | None = None) -> None:
    limits: MailLimits = request.app.state.mail_limits
    limiter: MailRequestLimiter = getattr(limits, pick)
    wait = limiter.attempt(email, client_ip(request), db=db)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        raise TooManyRequests(f"too many requests that send mail to this address or from "
                              f"yours: try again in {minutes} minutes.",
                              code="too_many_mail_requests")


@router.post("/accounts", response_model=UserPublic, status_code=201)
def sign_up(body: AccountCreate, request: Request, session: DbSession,
            clock: AppClock) -> UserPublic:
    """Create an unverified client or freelancer account and mail its verification link."""
    _limit(request, "signup", body.email)
    user = accounts.sign_up(session, email=body.email, name=body.name, password=body.password,
                            role=body.role, now=clock.now())
    return user_public(user)


@router.post("/auth/verify-email", response_model=UserPublic)
def verify_email(body: TokenBody, session: DbSession, clock: AppClock) -> UserPublic:
    """Verify the address with the mailed link's token (works once, for 7 days)."""
    return user_public(accounts.verify_email(session, token=body.token, now=clock.now()))


@router.post("/auth/verify-email/resend", response_model=Notice, status_code=202)
def resend_verification(request: Request, session: DbSession, user: CurrentUser,
                        clock: AppClock) -> Notice:
    """Mail the caller a new verification link (409 when already verified)."""
    _limit(request, "verify", user.email)
    accounts.resend_verification(session, user=user, now=clock.now())
    return Notice(message=f"A new verification link is on its way to {user.email}.")


@router.post("/auth/password-reset", response_model=Notice, status_code=202)
def request_password_reset(body: PasswordResetRequest, request: Request, session: DbSession,
                           clock: AppClock) -> Notice:
    """Mail a reset link when an enabled account has this email; the same answer either way."""
    _limit(request, "reset", normalise_email(body.email), db=session)  # committed below
    accounts.request_password_reset(session, email=body.email, now=clock.now())
    return Notice(message=RESET_NOTICE)


@router.post("/auth/password-reset/confirm", status_code=204)
def confirm_password_reset(body: PasswordResetConfirm, session: DbSession,
                           clock: AppClock) -> Response:
    """Set the new password with the link's token: every session and API token of the
    account ends; log in again."""
    accounts.reset_password(session, token=body.token, password=body.password, now=clock.now())
    return Response(status_code=204)


@router.post("/auth/password", status_code=204)
def change_password(body: PasswordChange, request: Request, session: DbSession, token: Token,
                    user: CurrentUser, clock: AppClock) -> Response:
    """Change the caller's password: every other web session and API token ends, this token
    stays. Wrong current passwords count as failed logins (same limit)."""
    limiter: LoginRateLimiter = request.app.state.login_limiter
    ip = client_ip(request)
    wait = limiter.retry_after(user.email, ip)
    if wait:
        raise TooManyRequests(f"too many wrong passwords: try again in {wait} seconds.")
    try:
        accounts.change_password(session, user=user, current_password=body.current_password,
                                 new_password=body.new_password, now=clock.now(),
                                 keep_api_token=token)
    except accounts.WrongPassword:
        limiter.record_failure(user.email, ip)
        raise
    return Response(status_code=204)
