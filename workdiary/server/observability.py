"""ASGI middleware around every request: a request id, one access log line, request metrics.

The request id is the caller's ``X-Request-ID`` when it is short and plain (a proxy's id ties
the logs together), else a fresh one; it is sent back in ``X-Request-ID``. The metrics label a
request by its route template (``/api/v1/segments/{segment_id}``), never the raw path, so the
number of series stays bounded.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workdiary.server.logs import REQUEST_ID
from workdiary.server.metrics import Metrics

access_log = logging.getLogger("workdiary.server.access")
_PLAIN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = str(value.decode("latin-1"))
            if _PLAIN_ID.match(text):
                return text
    return uuid.uuid4().hex


def route_template(scope: Scope, prefixes: tuple[str, ...] = ()) -> str:
    """The matched route's template; an included router's routes may not carry its prefix
    (newer FastAPI keeps the router as one lazy route), so the request path supplies it."""
    route: Any = scope.get("route")
    path = getattr(route, "path", None) or getattr(route, "path_format", None)
    if not path:
        return "unmatched"
    template = str(path)
    request_path = str(scope.get("path", ""))
    for prefix in prefixes:
        if request_path.startswith(prefix + "/") and not template.startswith(prefix + "/"):
            return prefix + template
    return template


class RequestObservability:
    """Pure ASGI (so streamed responses pass through untouched)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.metrics = metrics
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"],
                                      (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope, self.prefixes)
            method = str(scope.get("method", ""))
            self.metrics.observe_request(method, route, status, seconds)
            client = scope.get("client")
            access_log.info("%s %s %s", method, scope.get("path", ""), status, extra={
                "request_id": request_id, "method": method, "path": scope.get("path", ""),
                "route": route,
                "status": status, "duration_ms": round(seconds * 1000, 2),
                "client": client[0] if client else None})
            REQUEST_ID.reset(token)
