"""FastAPI dependencies shared by the API and the web pages (``Annotated`` aliases).

The trivial ones are ``async`` so FastAPI runs them inline instead of in the thread pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from workdiary.core.clock import Clock
from workdiary.server.blobs import BlobStore
from workdiary.server.errors import Unauthorized
from workdiary.server.models import User
from workdiary.server.services import users
from workdiary.server.settings import Settings

T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="An API token from POST /auth/tokens.")


def get_db(request: Request) -> Iterator[Session]:
    """One session per request from ``app.state.sessionmaker``; closed (rolled back) after."""
    with request.app.state.sessionmaker() as session:
        yield session


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_blobs(request: Request) -> BlobStore:
    blobs: BlobStore = request.app.state.blobs
    return blobs


DbSession = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]
AppClock = Annotated[Clock, Depends(get_clock)]
Blobs = Annotated[BlobStore, Depends(get_blobs)]
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


NO_TOKEN = "log in first: send an API token as 'Authorization: Bearer <token>'."
# For routes that read the token with ``bearer_token``: the docs say what ``Token`` says.
BEARER_SECURITY: dict[str, Any] = {"security": [{"HTTPBearer": []}]}


async def get_token(credentials: BearerCredentials) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorized(NO_TOKEN)
    return credentials.credentials


Token = Annotated[str, Depends(get_token)]


def bearer_token(request: Request) -> str:
    """What ``Token`` gives, read from the header directly: for the two upload routes, which a
    catch-up calls hundreds of times, FastAPI's solving of that dependency chain cost more
    than the routing (benchmarks/ingest.md, "Catch-up sync"). Same parsing, same 401."""
    scheme, credentials = get_authorization_scheme_param(request.headers.get("authorization"))
    if scheme.lower() != "bearer" or not credentials:
        raise Unauthorized(NO_TOKEN)
    return credentials


def authenticate(session: Session, *, token: str, now: datetime) -> User:
    """The token's owner; 401 for an unknown, revoked or expired token."""
    user = users.user_for_token(session, token=token, now=now)
    if user is None:
        raise users.invalid_token()
    return user


def get_current_user(session: DbSession, token: Token, clock: AppClock) -> User:
    """The token's owner; 401 for a missing, unknown, revoked or expired token."""
    return authenticate(session, token=token, now=clock.now())


CurrentUser = Annotated[User, Depends(get_current_user)]


async def run_as_user(request: Request, token: str,
                      work: Callable[[Session, User], T]) -> T:
    """``work(session, user)`` for the token's owner, in ONE thread-pool hop.

    The hot API routes (segment batches) use this instead of the ``DbSession`` and
    ``CurrentUser`` dependencies: each sync dependency is a hop of its own (opening the
    session, the user, closing the session, then the work), and under load every hop waits
    for the GIL and the scheduler. Same session, same checks, same errors.
    """
    clock = request.app.state.clock
    return await run_in_session(
        request, lambda session: work(session, authenticate(session, token=token,
                                                            now=clock.now())))


async def run_in_session(request: Request, work: Callable[[Session], T]) -> T:
    """``work(session)`` in ONE thread-pool hop, the session closed after it."""
    sessionmaker = request.app.state.sessionmaker

    def run() -> T:
        with sessionmaker() as session:
            return work(session)

    return await run_in_threadpool(run)


async def run_autocommit(request: Request, work: Callable[[Connection], T]) -> T:
    """``work(connection)`` in ONE thread-pool hop, on a connection where each statement is
    its own transaction: for work that writes with ONE statement (a screenshot's row). No
    session to open and close, no BEGIN and COMMIT around the reads; the write is as durable
    when the statement returns as after a COMMIT."""
    engine = request.app.state.engine

    def run() -> T:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            return work(connection)

    return await run_in_threadpool(run)
