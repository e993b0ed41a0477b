"""Operator endpoints outside the API: ``/healthz``, ``/readyz`` and ``/metrics``.

- ``GET /healthz``: the process answers (no dependency is touched). For liveness probes.
- ``GET /readyz``: the database answers, its schema is at the newest migration, and the blob
  store can be used. 200 when all hold, else 503; the body names the failing check only
  (details go to the log, not to whoever asks).
- ``GET /metrics``: Prometheus text, only for ``Authorization: Bearer $WORKDIARY_METRICS_TOKEN``;
  without a configured token there is no such page (404), so nothing leaks by default.
"""

from __future__ import annotations

import hmac
import logging

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, text

from workdiary.server.blobs import BlobStore
from workdiary.server.errors import error_response
from workdiary.server.migrate import alembic_config

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def schema_head(engine: Engine) -> str | None:
    """The newest migration this code ships."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def database_check(engine: Engine, head: str | None) -> str:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:
        log.warning("readyz: the database cannot be reached: %s", exc)
        return "unreachable"
    if current != head:
        log.warning("readyz: the schema is at %s, the code needs %s: run `workdiary server "
                    "migrate`", current, head)
        return "schema_not_current"
    return "ok"


def blob_check(blobs: BlobStore) -> str:
    try:
        blobs.check()
    except Exception as exc:
        log.warning("readyz: the blob store cannot be used: %s", exc)
        return "unavailable"
    return "ok"


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    checks = {"database": database_check(state.engine, state.schema_head),
              "blobs": blob_check(state.blobs)}
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse({"status": "ready" if ready else "unready", "checks": checks},
                        status_code=200 if ready else 503,
                        headers={"Cache-Control": "no-store"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    token: str = request.app.state.settings.metrics_token
    # JSON errors, not the web pages' HTML: the callers are scrapers, not browsers.
    if not token:
        return error_response(404, "not_found", "There is nothing at /metrics: set "
                              "WORKDIARY_METRICS_TOKEN to turn the metrics on.")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        return error_response(401, "unauthorized", "The metrics need 'Authorization: Bearer "
                              "<WORKDIARY_METRICS_TOKEN>'.", {"WWW-Authenticate": "Bearer"})
    return Response(request.app.state.metrics.render(),
                    media_type=request.app.state.metrics.content_type)
