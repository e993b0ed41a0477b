"""The composition root of the server: ``create_app(settings)`` builds everything, no globals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool

from workdiary.core.clock import Clock, SystemClock
from workdiary.server import datadir, proxytrust, web
from workdiary.server.api import api_router
from workdiary.server.apiheaders import ApiHeadersMiddleware
from workdiary.server.blobs import BlobStore, BlobStoreUnavailable, FileBlobStore, open_blob_store
from workdiary.server.bodylimit import BodyLimitMiddleware
from workdiary.server.db import make_engine, make_sessionmaker
from workdiary.server.errors import error_response, install_error_handlers
from workdiary.server.gc_policy import tune_for_serving
from workdiary.server.health import router as health_router
from workdiary.server.health import schema_head
from workdiary.server.i18n.catalogs import load_catalogs
from workdiary.server.i18n.language import Languages
from workdiary.server.mail.delivery import MailSender, deliver_due
from workdiary.server.mail.render import MailRenderer
from workdiary.server.mail.transport import FileTransport, SmtpTransport, Transport
from workdiary.server.mailratelimit import MailLimits
from workdiary.server.metrics import Metrics
from workdiary.server.migrate import upgrade_to_head
from workdiary.server.observability import RequestObservability
from workdiary.server.pdf.render import PdfRenderer
from workdiary.server.ratelimit import LoginRateLimiter
from workdiary.server.serverkey import load_or_create
from workdiary.server.settings import Settings

API_PREFIX = "/api/v1"
log = logging.getLogger(__name__)


def create_app(settings: Settings, *, clock: Clock | None = None,
               blobs: BlobStore | None = None) -> FastAPI:
    """Build the server app.

    ``app.state`` holds: ``settings``, ``engine``, ``sessionmaker`` (SQLAlchemy 2),
    ``blobs`` (a :class:`BlobStore`, from ``settings.storage.blob_location`` unless given),
    ``clock`` (a core Clock), ``server_key`` (signs evidence bundles), ``metrics``,
    ``schema_head``, ``login_limiter``, ``mail_limits`` and
    ``upload_lock`` (SQLite only). Raises ``BlobStoreUnavailable`` when the blob store
    cannot be used (missing bucket, refused credentials), so a bad deployment fails at start.
    The JSON API is under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``); ``/healthz``,
    ``/readyz`` and ``/metrics`` beside it; the web pages are installed by
    ``workdiary.server.web.install(app)``.
    """
    blobs = blobs or open_blob_store(settings.storage.blob_location)
    blob_root = blobs.root if isinstance(blobs, FileBlobStore) else None
    datadir.create(settings, blob_root)
    blobs.check()
    # Signs evidence bundles; made on the first start, a damaged one stops the start here.
    server_key = load_or_create(settings.server_key_path)
    engine = make_engine(settings.database_url)
    if settings.auto_migrate:
        upgrade_to_head(engine)
    datadir.secure(settings, blob_root)  # owner-only, also what an older version left readable
    clock = clock or SystemClock()
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = []
        if settings.close_weeks_interval > 0:
            tasks.append(asyncio.create_task(_weekly_timer(app, settings.close_weeks_interval)))
        if settings.mail_interval > 0:
            tasks.append(asyncio.create_task(_mail_timer(app, settings.mail_interval)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            engine.dispose()

    app = FastAPI(
        title="workdiary", version="1", lifespan=lifespan,
        # No Swagger page: it loads its scripts from a CDN (see docs/security.md).
        openapi_url=f"{API_PREFIX}/openapi.json", docs_url=None, redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.blobs = blobs
    app.state.server_key = server_key
    app.state.clock = clock
    app.state.metrics = metrics
    app.state.schema_head = schema_head(engine)
    app.state.login_limiter = LoginRateLimiter(clock, app.state.sessionmaker)
    app.state.mail_limits = MailLimits.build(clock, app.state.sessionmaker)
    # SQLite has no row locks: segment uploads take this lock so that two concurrent
    # uploads of one freelancer cannot both pass the overlap check (PostgreSQL locks the
    # freelancer's row instead, so its workers scale out).
    app.state.upload_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
    app.state.html_error_renderer = None
    # Mail (server/mail): templates, and SMTP or .eml files; links start with the public URL,
    # which a root may set after binding its port (the embedded server).
    app.state.mail_renderer = MailRenderer(Languages(load_catalogs()))
    app.state.pdf_renderer = PdfRenderer(app.state.mail_renderer.languages)  # invoices, reports
    app.state.mail_transport = mail_transport(settings)
    app.state.public_url = settings.public_url

    install_error_handlers(app)
    _install_blob_outage_handler(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ApiHeadersMiddleware, prefix=API_PREFIX + "/")
    proxytrust.install(app, settings)
    # Outermost: it sees every answer, the body limit's and the error handlers' included.
    app.add_middleware(RequestObservability, metrics=metrics, prefixes=(API_PREFIX,))

    app.include_router(api_router, prefix=API_PREFIX)
    app.include_router(health_router)
    _api_only_openapi(app, api_router)
    web.install(app)
    return app


def _install_blob_outage_handler(app: FastAPI) -> None:
    """A blob store outage is 503 with Retry-After for the caller (desktops retry later); the
    cause (endpoint, bucket, which credential) goes to the operator's log only."""

    @app.exception_handler(BlobStoreUnavailable)
    async def _blobs_down(request: Request, exc: BlobStoreUnavailable) -> Response:
        log.error("blob store unavailable on %s %s: %s", request.method, request.url.path,
                  exc.message)
        message = "Screenshot storage is unavailable right now; retry in a minute."
        renderer = getattr(request.app.state, "html_error_renderer", None)
        if renderer is not None and not request.url.path.startswith(API_PREFIX + "/"):
            page: Response = renderer(request, 503, exc.code, message)
            return page
        return error_response(503, exc.code, message, {"Retry-After": "30"})


def _api_only_openapi(app: FastAPI, api_router: APIRouter) -> None:
    """The OpenAPI document lists the JSON API only, whatever pages are mounted beside it."""

    def is_api(route: object) -> bool:
        # Newer FastAPI keeps an included router as one lazy route; older ones flatten it.
        return (getattr(route, "original_router", None) is api_router
                or str(getattr(route, "path", "")).startswith(API_PREFIX + "/"))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            routes = [r for r in app.routes if is_api(r)]
            app.openapi_schema = get_openapi(
                title=app.title, version=app.version, routes=routes,
                description="The workdiary marketplace API. Errors: "
                            '{"error": {"code": "...", "message": "..."}}.',
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _weekly_timer(app: FastAPI, interval: float) -> None:
    """Run the due week transitions every ``interval`` seconds for as long as the app runs.

    Every worker runs this timer; on PostgreSQL an advisory lock lets one of them do each run.
    """
    from workdiary.server.jobs import run_weekly_transitions

    def run_once() -> None:
        report = run_weekly_transitions(app.state.engine, app.state.sessionmaker,
                                        app.state.clock.now())
        app.state.metrics.count_weekly_run("skipped" if report is None else "ran")

    while True:
        try:
            await run_in_threadpool(run_once)
        except Exception:  # the timer must survive a bad run; the next one retries
            app.state.metrics.count_weekly_run("failed")
            log.exception("close-weeks run failed")
        await asyncio.sleep(interval)


def mail_transport(settings: Settings) -> Transport:
    """SMTP when ``WORKDIARY_SMTP_URL`` is set, else ``.eml`` files in the data dir's ``mail/``."""
    target = settings.smtp_target
    return SmtpTransport(target) if target else FileTransport(settings.mail_dir)


def mail_sender(app: FastAPI) -> MailSender:
    settings: Settings = app.state.settings
    return MailSender(renderer=app.state.mail_renderer, transport=app.state.mail_transport,
                      sender=settings.sender,
                      base_url=app.state.public_url or "http://localhost:8000")


async def _mail_timer(app: FastAPI, interval: float) -> None:
    """Deliver the outbox's due mail every ``interval`` seconds (every worker does; each row is
    claimed by one, see server/mail/delivery.py)."""

    def run_once() -> None:
        report = deliver_due(app.state.sessionmaker, mail_sender(app), app.state.clock.now())
        for outcome in ("sent", "retrying", "failed", "skipped"):
            app.state.metrics.count_mail(outcome, getattr(report, outcome))

    while True:
        try:
            await run_in_threadpool(run_once)
        except Exception:  # the database may be away for a moment; the next pass retries
            log.exception("mail delivery pass failed")
        await asyncio.sleep(interval)


def app_from_env() -> FastAPI:
    """The app factory for uvicorn worker processes (``--factory``): settings from the
    environment; the parent process has already migrated the database."""
    return serving(create_app(Settings.from_env(auto_migrate=False)))


def serving(app: FastAPI) -> FastAPI:
    """The app of a server process, its start-up objects frozen out of the garbage collector
    and full collections on a timer (``gc_policy``): the ~180,000 objects of the imported
    modules and the app live as long as the process, and walking them made every full
    collection a 130 ms pause in some request (the team dashboard's p95). Only the process
    that serves calls it; tests build many apps."""
    tune_for_serving()
    return app
