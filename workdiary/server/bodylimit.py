"""Bounded request bodies: refuse a large Content-Length at once and cap what is streamed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workdiary.server.errors import error_response


class BodyLimitMiddleware:
    """Rejects bodies over ``max_bytes`` with 413, whether announced or streamed (chunked)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> str:
        return (f"The request body is larger than the server accepts "
                f"({self.max_bytes} bytes): send less at once.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
                if length < 0:
                    await error_response(400, "bad_request", "Content-Length is not a number.")(
                        scope, receive, send)
                    return
                if length > self.max_bytes:
                    await error_response(413, "too_large", self._too_large())(scope, receive, send)
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Handled by the app's error handlers: 413 in the one error shape.
                    raise HTTPException(413, self._too_large())
            return message

        await self.app(scope, limited, send)
