"""Jinja2 templates for the pages, and the one function that renders a page.

``render`` writes the session cookie back when the session changed (a new CSRF token,
a flash message shown, a remembered time zone), so a page never forgets to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from workdiary.server.web import formatting
from workdiary.server.web.session import CSRF_FIELD, SessionCodec, WebSession

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Everything comes from this server; inline style attributes carry per-row grid widths.
CSP = (
    "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def build_templates() -> Jinja2Templates:
    """The page templates with the formatting filters; autoescaping is on for .html."""
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    env = templates.env
    env.filters["money"] = formatting.money
    env.filters["hm"] = formatting.hours_minutes
    env.filters["duration"] = formatting.duration_words
    env.filters["long_date"] = formatting.long_date
    env.filters["short_date"] = formatting.short_date
    env.filters["utc_stamp"] = formatting.utc_stamp
    env.globals["percent"] = formatting.percent
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    env.auto_reload = False  # templates ship with the package; no stat() per render
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates


def web_session(request: Request) -> WebSession:
    """This request's web session, loaded once from the cookie."""
    session = getattr(request.state, "web_session", None)
    if session is None:
        codec: SessionCodec = request.app.state.web_sessions
        session = codec.load(request)
        request.state.web_session = session
    return session


def finish(request: Request, response: Response) -> Response:
    """Write the session cookie if the session changed during this request."""
    session = getattr(request.state, "web_session", None)
    if session is not None and session.dirty:
        codec: SessionCodec = request.app.state.web_sessions
        codec.save(response, session, secure=request.url.scheme == "https")
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    """Render a page with the shared context (viewer, CSRF token, flash message)."""
    session = web_session(request)
    base = {
        "csrf_token": session.csrf_token,
        "flash": session.pop_flash(),
        "viewer": getattr(request.state, "viewer", None),
        "nav": "",
    }
    base.update(context)
    templates: Jinja2Templates = request.app.state.web_templates
    response: HTMLResponse = templates.TemplateResponse(
        request, template, base, status_code=status_code
    )
    return finish(request, response)


def redirect(request: Request, url: str) -> Response:
    """A 303 See Other (after a POST the browser follows with GET)."""
    return finish(request, RedirectResponse(url, status_code=303))
