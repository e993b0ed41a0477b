"""The composition root of the server: ``create_app(settings)`` builds everything, no globals."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool

from workdiary.core.clock import Clock, SystemClock
from workdiary.server import datadir, proxytrust
from workdiary.server.apiheaders import ApiHeadersMiddleware
from workdiary.server.blobs import BlobStore, FileBlobStore
from workdiary.server.bodylimit import BodyLimitMiddleware
from workdiary.server.db import make_engine, make_sessionmaker
from workdiary.server.errors import install_error_handlers
from workdiary.server.migrate import upgrade_to_head
from workdiary.server.ratelimit import LoginRateLimiter
from workdiary.server.settings import Settings

API_PREFIX = "/api/v1"
log = logging.getLogger(__name__)


def create_app(settings: Settings, *, clock: Clock | None = None,
               blobs: BlobStore | None = None) -> FastAPI:
    """Build the server app.

    ``app.state`` holds: ``settings``, ``engine``, ``sessionmaker`` (SQLAlchemy 2),
    ``blobs`` (a :class:`BlobStore`), ``clock`` (a core Clock), ``login_limiter`` and
    ``upload_lock`` (SQLite only).
    The JSON API is under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``); the web pages
    are installed by ``workdiary.server.web.install(app)`` when that module exists.
    """
    datadir.create(settings)
    engine = make_engine(settings.database_url)
    if settings.auto_migrate:
        upgrade_to_head(engine)
    datadir.secure(settings)  # owner-only, also what an older version left readable
    clock = clock or SystemClock()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if settings.close_weeks_interval > 0:
            task = asyncio.create_task(_weekly_timer(app, settings.close_weeks_interval))
        try:
            yield
        finally:
            if task is not None:
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
    app.state.blobs = blobs or FileBlobStore(settings.blob_dir)
    app.state.clock = clock
    app.state.login_limiter = LoginRateLimiter(clock, app.state.sessionmaker)
    # SQLite has no row locks: segment uploads take this lock so that two concurrent
    # uploads of one freelancer cannot both pass the overlap check (PostgreSQL locks the
    # freelancer's row instead, so its workers scale out).
    app.state.upload_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
    app.state.html_error_renderer = None

    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ApiHeadersMiddleware, prefix=API_PREFIX + "/")
    proxytrust.install(app, settings)

    from workdiary.server.api import api_router

    app.include_router(api_router, prefix=API_PREFIX)
    _api_only_openapi(app, api_router)
    if importlib.util.find_spec("workdiary.server.web") is not None:
        web = importlib.import_module("workdiary.server.web")
        if hasattr(web, "install"):
            web.install(app)
    return app


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
    """Run the due week transitions every ``interval`` seconds for as long as the app runs."""
    from workdiary.server.services.weeks import close_weeks

    def run_once() -> None:
        with app.state.sessionmaker() as session:
            close_weeks(session, app.state.clock.now())

    while True:
        try:
            await run_in_threadpool(run_once)
        except Exception:  # the timer must survive a bad run; the next one retries
            log.exception("close-weeks run failed")
        await asyncio.sleep(interval)
