"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives.

``with SmtpRig() as smtp: ...`` picks a free port; ``smtp.url`` is the ``WORKDIARY_SMTP_URL``
to give the server; ``smtp.wait_for(n)`` waits until ``n`` messages arrived. ``stop()`` and
``start()`` again (same port) play an outage. With ``login=(user, password)`` the server
requires AUTH (plain connection, for tests only).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
import warnings
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Collector:
    def __init__(self, rig: SmtpRig) -> None:
        self.rig = rig

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.rig._received(message, list(envelope.rcpt_tos))
        return "250 OK"


class SmtpRig:
    def __init__(self, *, port: int = 0, login: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.login = login
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Condition()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        user = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtp://{user}127.0.0.1:{self.port}"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:
        ok = (isinstance(data, LoginPassword) and self.login is not None
              and (data.login.decode(), data.password.decode()) == self.login)
        return AuthResult(success=ok)

    def start(self) -> SmtpRig:
        options: dict[str, Any] = {}
        if self.login:
            options = {"authenticator": self._authenticate, "auth_required": True,
                       "auth_require_tls": False}
        with warnings.catch_warnings():  # "AUTH without TLS": on loopback, for tests only
            warnings.simplefilter("ignore")
            self._controller = Controller(_Collector(self), hostname="127.0.0.1",
                                          port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpRig:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _received(self, message: EmailMessage, recipients: list[str]) -> None:
        with self._lock:
            self.messages.append(message)
            self.recipients.append(recipients)
            self._lock.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once at least ``count`` arrived (AssertionError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} mails arrived")
                self._lock.wait(left)
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        with self._lock:
            return [m for m, r in zip(self.messages, self.recipients, strict=True)
                    if address in r]
