"""Server-rendered web pages for clients and freelancers (readable without JavaScript).

``install(app)`` is called by the app factory: it builds the page-side objects from the
app's settings (session codec, templates, thumbnail cache), mounts /static, includes the
page routers and turns page errors into HTML answers.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from workdiary.server.i18n.catalogs import load_catalogs
from workdiary.server.i18n.language import N_, Languages
from workdiary.server.web.deps import LoginRequired, PageBadRequest, PageNotFound
from workdiary.server.web.rendering import (
    STATIC_DIR,
    build_templates,
    finish,
    page_language,
    redirect,
    render,
)
from workdiary.server.web.session import CsrfError, SessionCodec
from workdiary.server.web.thumbnails import ThumbnailCache

ERROR_HEADINGS = {
    400: N_("That request cannot be answered"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("That conflicts with the current state"),
    413: N_("Too large"),
    422: N_("That was not accepted"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}


def render_error(request: Request, status: int, code: str, message: str) -> Response:
    """An HTML error page for page paths (the API keeps its JSON error shape).

    Messages the pages wrote are translated; a service's own message (shared with the
    API) stays in English when no catalog has it.
    """
    language = page_language(request)
    text = message[:1].upper() + message[1:] if message else N_("The request failed.")
    return render(request, "error.html", {
        "heading": language.gettext(ERROR_HEADINGS.get(status, N_("The request failed"))),
        "message": language.gettext(text), "code": code,
    }, status_code=status)


def install(app: FastAPI) -> None:
    """Add the web pages to the app built by ``create_app``."""
    from workdiary.server.web import (
        pages_account,
        pages_admin,
        pages_auth,
        pages_contracts,
        pages_dashboard,
        pages_diary,
        pages_disputes,
        pages_language,
        pages_notifications,
        pages_organisations,
        pages_password,
        pages_reports,
        pages_signup,
        pages_timesheet,
    )

    settings = app.state.settings
    # An https public URL makes the cookie Secure; otherwise the request's scheme decides
    # (https directly, or X-Forwarded-Proto from a trusted proxy).
    app.state.web_sessions = SessionCodec(
        settings.secret_key, secure=settings.public_url.lower().startswith("https://"))
    app.state.web_templates = build_templates()
    app.state.web_languages = Languages(load_catalogs())
    app.state.web_thumbnails = ThumbnailCache()
    app.state.html_error_renderer = render_error

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return redirect(request, exc.next_url)

    async def page_not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageNotFound)
        return render_error(request, 404, "not_found", exc.message)

    async def page_bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageBadRequest)
        text = page_language(request).gettext(exc.message) % exc.values
        return render_error(request, 400, exc.code, text)

    async def csrf_failed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CsrfError)
        response = render_error(request, 403, "csrf_failed", exc.message)
        return finish(request, response)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PageNotFound, page_not_found)
    app.add_exception_handler(PageBadRequest, page_bad_request)
    app.add_exception_handler(CsrfError, csrf_failed)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (pages_auth, pages_account, pages_contracts, pages_diary, pages_language,
                   pages_timesheet, pages_signup, pages_password, pages_notifications,
                   pages_disputes, pages_admin, pages_reports,
                   pages_organisations, pages_dashboard):
        app.include_router(module.router)
