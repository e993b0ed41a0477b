"""Service errors and the one error shape: ``{"error": {"code": ..., "message": ...}}``.

Services raise :class:`ServiceError` subclasses (UI-agnostic); the API turns them into
JSON, web pages may render them as HTML. Every other failure is mapped here too, so bad
input never surfaces as a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A refusal the caller can act on. ``code`` is stable; ``message`` is a sentence."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class BadRequest(ServiceError):
    status_code = 400
    code = "bad_request"


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"


class TooLarge(ServiceError):
    status_code = 413
    code = "too_large"


class Unprocessable(ServiceError):
    status_code = 422
    code = "invalid"


class TooManyRequests(ServiceError):
    status_code = 429
    code = "too_many_attempts"


HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid", 429: "too_many_attempts",
    507: "insufficient_storage",
}


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None
                   ) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def _render(request: Request, status: int, code: str, message: str,
            headers: dict[str, str] | None = None) -> Response:
    # Web pages may install an HTML renderer for non-API paths (app.state.html_error_renderer).
    renderer = getattr(request.app.state, "html_error_renderer", None)
    if renderer is not None and not request.url.path.startswith("/api/"):
        result: Response = renderer(request, status, code, message)
        return result
    return error_response(status, code, message, headers)


def _validation_message(exc: RequestValidationError) -> tuple[int, str, str]:
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return 400, "malformed_json", "The request body is not valid JSON: fix it and retry."
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return 422, "invalid", "The request is invalid: " + "; ".join(parts) + more + "."


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to the one shape, with a fitting status."""

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return _render(request, exc.status_code, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        status, code, message = _validation_message(exc)
        return _render(request, status, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is nothing at {request.url.path}: check the address."
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}."
        return _render(request, exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> Response:
        # Input the database cannot hold (a NUL character on PostgreSQL, a number out of its
        # range): the request is at fault, not the server.
        return _render(request, 422, "invalid",
                       "The request contains a value the server cannot store (for example a "
                       "NUL character): remove it and retry.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _render(request, 500, "internal_error",
                       "The server failed unexpectedly; the error was logged. Retry later.")

    from workdiary.server import diskfull

    diskfull.install(app, _unexpected)  # a full disk is 507, not 500
