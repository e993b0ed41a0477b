"""Request-scoped pieces of every page: the database session, the signed-in viewer, CSRF.

The page errors (``LoginRequired``, ``PageNotFound``, ``CsrfError``) are turned into HTML
answers by the handlers that ``install`` registers, never into the API's JSON errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request

from workdiary.server.i18n.language import N_
from workdiary.server.models import User
from workdiary.server.services import websessions
from workdiary.server.web.rendering import web_session
from workdiary.server.web.session import CSRF_FIELD, check_csrf

NOT_FOUND_TEXT = N_("This page does not exist, or it is not yours to see.")


class LoginRequired(Exception):
    """The page needs a signed-in user; the handler redirects to /login?next=..."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageBadRequest(Exception):
    """A 400 page whose sentence is translated: ``message`` is a msgid with ``%(name)s`` values."""

    def __init__(self, message: str, *, code: str, **values: object) -> None:
        super().__init__(message)
        self.message, self.code, self.values = message, code, values


class PageNotFound(Exception):
    """Nothing to show: absent, or not the viewer's (the same answer on purpose)."""

    def __init__(self, message: str = NOT_FOUND_TEXT) -> None:
        super().__init__(message)
        self.message = message


def db_session(request: Request) -> Iterator[Session]:
    """One database session per request, closed afterwards."""
    with request.app.state.sessionmaker() as session:
        yield session


DB = Annotated[Session, Depends(db_session)]


def safe_next(url: str | None) -> str:
    """Only a path on this site may follow login (no open redirect to another host)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


def login_url_for(request: Request) -> str:
    """Where to sign in, coming back here afterwards (a form post comes back to the dashboard)."""
    if request.method != "GET":
        return "/login"
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return "/login?next=" + quote(path, safe="")


def signed_in_user(request: Request, db: Session) -> User | None:
    """The user of this browser's live server-side session (renewed), else None."""
    session = web_session(request)
    user = websessions.resolve(db, token=session.sid, now=request.app.state.clock.now())
    if user is None or user.id != session.user_id:
        return None
    return user


def current_viewer(request: Request, db: DB) -> User:
    """The signed-in user of this request, or LoginRequired."""
    user = signed_in_user(request, db)
    if user is None:
        session = web_session(request)
        if session.user_id is not None:  # ended or expired on the server: forget it here
            session.log_out()
        raise LoginRequired(login_url_for(request))
    request.state.viewer = user
    return user


Viewer = Annotated[User, Depends(current_viewer)]


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token was checked against the session (CsrfError if not)."""
    form = await request.form()
    check_csrf(web_session(request), form.get(CSRF_FIELD))
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]
