"""The outbox worker: send every due mail, retry with backoff, never lose one, and send each once.

A pass (``deliver_due``) claims due rows, renders and sends each, and marks it ``sent``. Rows go
``pending`` -> ``sending`` (claimed, with a lease) -> ``sent`` | ``pending`` (a temporary
failure, retried after a backoff: 30 s doubling up to an hour, for as long as it takes) |
``failed`` (refused for good: a 5xx for the recipient, a template that cannot render) |
``skipped`` (the recipient opted out of the kind since it was queued).

**Once with many workers.** A claim is a compare-and-set on (status, next_attempt_at), so of
two workers that read the same due row only one moves it to ``sending``; on PostgreSQL the read
is also ``FOR UPDATE SKIP LOCKED``, so workers do not even wait on each other's rows.

**A crash between send and mark** (the process dies after the SMTP server took the mail, before
the row says ``sent``): the claim is a lease, ``next_attempt_at`` = now + LEASE; a row still
``sending`` after it is due again and is sent again. So delivery is **at least once**: losing a
mail (verification, an invoice) is worse than a rare duplicate, and the duplicate carries the
same ``Message-ID`` (made from the row's id), which mail programs use to show it once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workdiary.server.mail.render import MailRenderer
from workdiary.server.mail.transport import TemporaryFailure, Transport
from workdiary.server.models import MailRow, User
from workdiary.server.services.notifications import wants

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # longer than any send; after it a claimed row is due again
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
BATCH = 50


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MailSender:
    """What a pass needs besides the database: templates, where mail goes, who it is from."""

    renderer: MailRenderer
    transport: Transport
    sender: str  # the From header
    base_url: str  # prefixes the paths in a mail's context
    first_retry: timedelta = FIRST_RETRY
    last_retry: timedelta = LAST_RETRY


def backoff(attempts: int, first: timedelta = FIRST_RETRY,
            last: timedelta = LAST_RETRY) -> timedelta:
    """The wait after the ``attempts``-th failed try: first, doubling, at most ``last``."""
    return min(last, first * (2 ** min(max(attempts - 1, 0), 20)))


def claim_due(session: Session, now: datetime, *, limit: int = BATCH) -> list[MailRow]:
    """Claim up to ``limit`` due rows for this worker (committed before any is sent)."""
    query = (select(MailRow.id, MailRow.status, MailRow.next_attempt_at)
             .where(MailRow.status.in_(("pending", "sending")), MailRow.next_attempt_at <= now)
             .order_by(MailRow.next_attempt_at, MailRow.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed: list[str] = []
    for row_id, status, due_at in session.execute(query).all():
        result = session.execute(
            update(MailRow)
            .where(MailRow.id == row_id, MailRow.status == status,
                   MailRow.next_attempt_at == due_at)
            .values(status="sending", next_attempt_at=now + LEASE,
                    attempts=MailRow.attempts + 1)
            .execution_options(synchronize_session=False))
        if int(getattr(result, "rowcount", 0) or 0) == 1:
            claimed.append(row_id)
    session.commit()
    if not claimed:
        return []
    return list(session.scalars(select(MailRow).where(MailRow.id.in_(claimed))
                                .order_by(MailRow.created_at, MailRow.id)
                                .execution_options(populate_existing=True)))


def deliver_due(sessionmaker: Callable[[], Session], mailer: MailSender,
                now: datetime, *, limit: int = BATCH) -> DeliveryReport:
    """One pass: claim what is due at ``now`` and deliver it."""
    report = DeliveryReport()
    with sessionmaker() as session:
        for row in claim_due(session, now, limit=limit):
            _deliver_one(session, mailer, row, now, report)
    return report


def _deliver_one(session: Session, mailer: MailSender, row: MailRow, now: datetime,
                 report: DeliveryReport) -> None:
    user = session.get(User, row.user_id) if row.user_id else None
    if not wants(user, row.kind):
        _finish(session, row, now, status="skipped", error="the recipient opted out")
        report.skipped += 1
        return
    try:
        message = build_message(mailer, row, user)
        mailer.transport.send(message)
    except TemporaryFailure as exc:
        wait = backoff(row.attempts, mailer.first_retry, mailer.last_retry)
        _finish(session, row, now, status="pending", error=str(exc), next_at=now + wait)
        log.warning("mail %s (%s) not sent, retrying in %ss: %s", row.id, row.kind,
                    int(wait.total_seconds()), exc)
        report.retrying += 1
        report.errors.append(str(exc))
        return
    except Exception as exc:  # PermanentFailure, or a bad template: must not stop the others
        _finish(session, row, now, status="failed", error=f"{exc.__class__.__name__}: {exc}")
        log.error("mail %s (%s) to %s failed for good: %s", row.id, row.kind, row.to_email, exc)
        report.failed += 1
        report.errors.append(str(exc))
        return
    _finish(session, row, now, status="sent", error="", sent=True)
    report.sent += 1


def _finish(session: Session, row: MailRow, now: datetime, *, status: str, error: str,
            next_at: datetime | None = None, sent: bool = False) -> None:
    """Leave ``sending`` for ``status``, only if this worker's claim still holds."""
    values: dict[str, object] = {"status": status, "last_error": error[:2000]}
    if next_at is not None:
        values["next_attempt_at"] = next_at
    if sent:
        values["sent_at"] = now
    session.execute(update(MailRow)
                    .where(MailRow.id == row.id, MailRow.status == "sending",
                           MailRow.attempts == row.attempts)
                    .values(**values).execution_options(synchronize_session=False))
    session.commit()


def message_id(row_id: str, sender: str) -> str:
    """The same ``Message-ID`` for every try of one outbox row."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "workdiary.invalid"
    return f"<{row_id}@{domain}>"


def build_message(mailer: MailSender, row: MailRow, user: User | None) -> EmailMessage:
    """The row as a MIME message: text, with the HTML as its alternative."""
    context = json.loads(row.context or "{}")
    if user is not None:  # "Hello <name>": the recipient's name as it is when the mail goes out
        context.setdefault("name", user.name)
    language = mailer.renderer.language_for(user.language if user else None)
    rendered = mailer.renderer.render(row.kind, context, language=language,
                                      base_url=mailer.base_url)
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = mailer.sender
    message["To"] = row.to_email
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = message_id(row.id, mailer.sender)
    message["Content-Language"] = language.code
    message["X-Workdiary-Mail-Id"] = row.id
    message["X-Workdiary-Kind"] = row.kind
    message["Auto-Submitted"] = "auto-generated"  # no vacation replies to a robot
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message
