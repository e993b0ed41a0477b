"""Where a rendered mail goes: an SMTP server (``SmtpTransport``), or ``.eml`` files in the
server's data dir when none is configured (``FileTransport``: the embedded default, the demo).

``send`` raises :class:`TemporaryFailure` for what may work later (the server is down, a 4xx
answer) and :class:`PermanentFailure` for what never will (a 5xx for the recipient); the
delivery worker retries the first and gives up on the second.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from workdiary.privatefiles import private_dir, write_private
from workdiary.server.smtpurl import SmtpTarget


class TemporaryFailure(Exception):
    """Try again later."""


class PermanentFailure(Exception):
    """This mail cannot be delivered; retrying will not help."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def describe(self) -> str: ...


class SmtpTransport:
    """One SMTP connection per pass of the worker is plenty for the product's volume; each
    ``send`` connects, sends and quits, so a server restart between mails costs nothing."""

    def __init__(self, target: SmtpTarget, *, timeout: float = 20.0,
                 tls: ssl.SSLContext | None = None) -> None:
        self.target = target
        self.timeout = timeout
        self.tls = tls or ssl.create_default_context()

    def describe(self) -> str:
        return self.target.describe()

    def send(self, message: EmailMessage) -> None:
        target = self.target
        try:
            smtp: smtplib.SMTP
            if target.implicit_tls:
                smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=self.timeout,
                                        context=self.tls)
            else:
                smtp = smtplib.SMTP(target.host, target.port, timeout=self.timeout)
            with smtp:
                if target.starttls:
                    smtp.starttls(context=self.tls)
                if target.username:
                    smtp.login(target.username, target.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            failure = PermanentFailure if all(c >= 500 for c in codes) else TemporaryFailure
            raise failure(f"recipient refused: {_first(exc.recipients)}") from None
        except smtplib.SMTPAuthenticationError as exc:
            # Wrong credentials are the operator's to fix; the mail waits for them.
            raise TemporaryFailure(f"SMTP login refused ({exc.smtp_code})") from None
        except smtplib.SMTPResponseException as exc:
            failure = PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
            raise failure(f"SMTP answered {exc.smtp_code} {_text(exc.smtp_error)}") from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"SMTP server {target.host}:{target.port} unreachable: "
                                   f"{exc.__class__.__name__}: {exc}") from None


class FileTransport:
    """Each mail as ``<outbox id>.eml`` in an owner-only folder: open it with any
    mail program. A rewrite of the same mail (a retry after a crash) replaces its file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def describe(self) -> str:
        return f".eml files in {self.folder}"

    def send(self, message: EmailMessage) -> None:
        try:
            private_dir(self.folder)
            name = str(message["X-Workdiary-Mail-Id"] or "mail")
            write_private(self.folder / f"{name}.eml", bytes(message))
        except OSError as exc:
            raise TemporaryFailure(f"cannot write to {self.folder}: {exc.strerror}") from None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _first(recipients: dict[str, tuple[int, bytes]]) -> str:
    for address, (code, text) in recipients.items():
        return f"{address}: {code} {_text(text)}"
    return ""
