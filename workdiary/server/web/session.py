"""Web sessions in a signed cookie, and the CSRF token that every form carries.

The cookie holds the user id, the session token, the CSRF token, the viewer's time zone and
a pending flash message, signed with the app's secret (itsdangerous). Who is signed in is
decided by the session token's row in the database (``services/websessions.py``), which the
server can end; the user id in the cookie only has to agree with it. Logging in issues a fresh
CSRF token so a token seen before login is useless after it.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from workdiary.server.i18n.language import N_

SESSION_COOKIE = "workdiary_session"
CSRF_FIELD = "csrf_token"
DEFAULT_MAX_AGE = 14 * 24 * 3600  # two weeks: a client reviews once a week


class CsrfError(Exception):
    """A form arrived without the token of this browser's session."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class WebSession:
    """What one browser's cookie says; ``dirty`` means the cookie must be written back."""

    user_id: str | None = None
    sid: str | None = None  # the server-side session's token (services/websessions.py)
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    tz: str | None = None
    lang: str | None = None  # the language picked before signing in (i18n/language.py)
    flash: tuple[str, str] | None = None  # (kind, text) shown once on the next page
    dirty: bool = False

    def log_in(self, user_id: str, sid: str | None = None) -> None:
        self.user_id = user_id
        self.sid = sid
        self.csrf_token = secrets.token_urlsafe(32)
        self.dirty = True

    def log_out(self) -> None:
        self.user_id = None
        self.sid = None
        self.csrf_token = secrets.token_urlsafe(32)
        self.dirty = True

    def set_flash(self, kind: str, text: str) -> None:
        self.flash = (kind, text)
        self.dirty = True

    def pop_flash(self) -> tuple[str, str] | None:
        flash, self.flash = self.flash, None
        if flash is not None:
            self.dirty = True
        return flash

    def set_tz(self, tz: str) -> None:
        if tz != self.tz:
            self.tz = tz
            self.dirty = True

    def set_lang(self, lang: str) -> None:
        if lang != self.lang:
            self.lang = lang
            self.dirty = True

    def to_payload(self) -> dict[str, Any]:
        return {"u": self.user_id, "s": self.sid, "c": self.csrf_token, "tz": self.tz,
                "l": self.lang, "f": self.flash}


class SessionCodec:
    """Reads and writes the signed session cookie; built once per app from its secret."""

    def __init__(
        self, secret_key: str, *, max_age: int = DEFAULT_MAX_AGE, secure: bool = False
    ) -> None:
        if not secret_key:
            raise ValueError("web sessions need the server's secret key; none was configured")
        self._serializer = URLSafeTimedSerializer(secret_key, salt="workdiary.web.session")
        self.max_age = max_age
        self.secure = secure

    def load(self, request: Request) -> WebSession:
        """The request's session; a missing, forged or expired cookie gives a new anonymous one."""
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                data = self._serializer.loads(raw, max_age=self.max_age)
            except BadSignature:
                data = None
            if isinstance(data, dict) and isinstance(data.get("c"), str):
                flash = data.get("f")
                return WebSession(
                    user_id=data.get("u") if isinstance(data.get("u"), str) else None,
                    sid=data.get("s") if isinstance(data.get("s"), str) else None,
                    csrf_token=data["c"],
                    tz=data.get("tz") if isinstance(data.get("tz"), str) else None,
                    lang=data.get("l") if isinstance(data.get("l"), str) else None,
                    flash=(str(flash[0]), str(flash[1])) if isinstance(flash, list) else None,
                )
        return WebSession(dirty=True)

    def dumps(self, session: WebSession) -> str:
        return self._serializer.dumps(session.to_payload())

    def save(self, response: Response, session: WebSession, *, secure: bool = False) -> None:
        """Set the cookie; ``secure`` (or the codec's own flag) keeps it to HTTPS."""
        response.set_cookie(
            SESSION_COOKIE,
            self.dumps(session),
            max_age=self.max_age,
            httponly=True,
            samesite="lax",
            secure=self.secure or secure,
            path="/",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/")


def check_csrf(session: WebSession, submitted: object) -> None:
    """Raise CsrfError unless ``submitted`` is this session's token (constant-time compare)."""
    if not isinstance(submitted, str) or not submitted:
        raise CsrfError(N_(
            "This form arrived without its security token. Reload the page and submit it again."
        ))
    if not hmac.compare_digest(submitted.encode(), session.csrf_token.encode()):
        raise CsrfError(N_(
            "This form's security token does not match your session (it may have expired or "
            "come from another site). Reload the page and submit it again."
        ))
