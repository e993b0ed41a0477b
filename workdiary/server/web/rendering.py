"""Jinja2 templates for the pages, and the one function that renders a page.

``render`` writes the session cookie back when the session changed (a new CSRF token,
a flash message shown, a remembered time zone), so a page never forgets to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from workdiary.server.i18n import formatting
from workdiary.server.i18n.language import Language, Languages, current_language, use_language
from workdiary.server.web.reasons import state_word
from workdiary.server.web.session import CSRF_FIELD, SessionCodec, WebSession

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Everything comes from this server; inline style attributes carry per-row grid widths.
CSP = (
    "default-src 'self'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _gettext(message: str) -> str:
    return current_language().gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return current_language().ngettext(singular, plural, n)


def _format_values(variables: dict[str, Any]) -> dict[str, Any]:
    """A translation's values: text escaped, numbers as they are (a plural's ``%(num)d``)."""
    return {key: value if isinstance(value, int | float) else escape(value)
            for key, value in variables.items()}


def _trans(message: str, /, **variables: Any) -> Markup:
    """``_()`` and ``{% trans %}`` in a template: the translation, trusted as markup, with
    its values escaped. Jinja's own newstyle wrapper gives the same output through Markup's
    escaping formatter at twice the cost, and a day's diary calls it ~400 times."""
    return Markup(_gettext(message) % _format_values(variables))


def _ntrans(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return Markup(_ngettext(singular, plural, num) % _format_values(variables))


def _money(cents: int | None, currency: str) -> str:
    return formatting.money(cents, currency, current_language().locale)


def _in_locale(format_one: Callable[[Any, Locale], str]) -> Callable[[Any], str]:
    """A filter that writes for the language of the page being rendered."""
    return lambda value: format_one(value, current_language().locale)


def build_templates() -> Jinja2Templates:
    """The page templates with gettext and the formatting filters; autoescaping is on for .html.

    Text and formats follow the language that ``render`` makes current (``use_language``).
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             extensions=["jinja2.ext.i18n"])
    templates = Jinja2Templates(env=env)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True)
    env.globals.update(gettext=_trans, _=_trans, ngettext=_ntrans)  # the same, faster
    env.filters["money"] = _money
    env.filters["number"] = _in_locale(formatting.number)
    env.filters["pct"] = _in_locale(formatting.whole_percent)
    env.filters["hm"] = formatting.hours_minutes
    env.filters["hms"] = formatting.hours_minutes_seconds
    env.filters["ms"] = formatting.minutes_seconds
    env.filters["duration"] = _in_locale(formatting.duration_words)
    env.filters["long_date"] = _in_locale(formatting.long_date)
    env.filters["short_date"] = _in_locale(formatting.short_date)
    env.filters["week_date"] = _in_locale(formatting.week_date)
    env.filters["utc_stamp"] = _in_locale(formatting.utc_stamp)
    env.filters["state"] = lambda code: _gettext(state_word(str(code)))
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


def page_language(request: Request) -> Language:
    """This request's language: the signed-in account's, else the cookie's, else the browser's."""
    chosen = getattr(request.state, "language", None)
    if chosen is None:
        languages: Languages = request.app.state.web_languages
        viewer = getattr(request.state, "viewer", None)
        chosen = languages.choose(
            account=getattr(viewer, "language", None), cookie=web_session(request).lang,
            accept_language=request.headers.get("accept-language"))
        request.state.language = chosen
    return chosen


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
    language = page_language(request)
    languages: Languages = request.app.state.web_languages
    base = {
        "language": language,
        "languages": languages.all(),
        "here": _here(request),
        "csrf_token": session.csrf_token,
        "flash": session.pop_flash(),
        "viewer": getattr(request.state, "viewer", None),
        "nav": "",
    }
    base.update(context)
    templates: Jinja2Templates = request.app.state.web_templates
    with use_language(language):
        response: HTMLResponse = templates.TemplateResponse(
            request, template, base, status_code=status_code
        )
    response.headers["Content-Language"] = language.code
    response.headers["Vary"] = "Accept-Language, Cookie"
    return finish(request, response)


def _here(request: Request) -> str:
    """This page's path and query: where the language picker comes back to."""
    path = request.url.path
    return path + ("?" + request.url.query if request.url.query else "")


def redirect(request: Request, url: str) -> Response:
    """A 303 See Other (after a POST the browser follows with GET)."""
    return finish(request, RedirectResponse(url, status_code=303))
