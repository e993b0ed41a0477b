"""POST /auth/tokens, DELETE /auth/tokens/current, GET /me."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from workdiary.server.api.schemas import TokenCreate, TokenInfo, TokenPublic, UserPublic
from workdiary.server.deps import AppClock, CurrentUser, DbSession, Token
from workdiary.server.errors import TooManyRequests, Unauthorized
from workdiary.server.models import User
from workdiary.server.services import users

router = APIRouter(tags=["auth"])


def user_public(user: User) -> UserPublic:
    return UserPublic(id=user.id, email=user.email, name=user.name,
                      role=user.role,  # type: ignore[arg-type]
                      email_verified=user.email_verified_at is not None)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/tokens", response_model=TokenPublic, status_code=201)
def create_token(body: TokenCreate, request: Request, session: DbSession,
                 clock: AppClock) -> TokenPublic:
    """Log in: exchange email and password for an API token (rate-limited per email and IP)."""
    limiter = request.app.state.login_limiter
    ip = client_ip(request)
    wait = limiter.retry_after(body.email, ip)
    if wait:
        raise TooManyRequests(f"too many failed logins: try again in {wait} seconds.")
    user = users.authenticate(session, email=body.email, password=body.password)
    if user is None:
        limiter.record_failure(body.email, ip)
        raise Unauthorized("wrong email or password.", code="bad_credentials")
    limiter.reset(body.email, ip)
    token = users.issue_token(session, user=user, device_name=body.device_name, now=clock.now())
    row = users.token_row(session, token=token)
    assert row is not None
    return TokenPublic(token=token, user=user_public(user), expires_at=row.expires_at)


@router.get("/auth/tokens/current", response_model=TokenInfo)
def current_token(session: DbSession, token: Token, user: CurrentUser) -> TokenInfo:
    """When the token this request carries expires (it slides with each use)."""
    row = users.token_row(session, token=token)
    assert row is not None  # CurrentUser checked it
    return TokenInfo(expires_at=row.expires_at)


@router.post("/auth/tokens/current/renew", response_model=TokenInfo)
def renew_current_token(session: DbSession, token: Token, user: CurrentUser,
                        clock: AppClock) -> TokenInfo:
    """Move this token's expiry to the full idle period from now (the desktop calls this
    ahead of expiry)."""
    row = users.renew_token(session, token=token, now=clock.now())
    return TokenInfo(expires_at=row.expires_at)


@router.delete("/auth/tokens/current", status_code=204)
def delete_current_token(session: DbSession, token: Token, user: CurrentUser) -> Response:
    """Log out: revoke the token this request carries."""
    users.revoke_token(session, token=token)
    return Response(status_code=204)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """The caller's account."""
    return user_public(user)
