"""Queueing mail: a change queues its mails in its own transaction; delivery happens later.

Every mail the product sends is one ``kind`` below. ``queue`` only adds a row to the outbox
(``MailRow``); the delivery worker renders the kind's templates with the stored context and
sends it (SMTP, or ``.eml`` files when no SMTP server is configured), retrying until it goes
out, so an SMTP outage loses nothing and a mail is sent once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workdiary.server.models import MailRow, User

# Security mail always goes out; users may opt out of every other kind.
SECURITY_KINDS = frozenset({"verify_email", "password_reset", "password_changed"})
KINDS = SECURITY_KINDS | frozenset({
    "contract_offer",        # to the freelancer (with a sign-up link when they have no account)
    "contract_answered",     # to the client: the freelancer accepted or declined
    "contract_changed",      # terms, policy, pause, resume, end: to the other party
    "weekly_summary",        # Sunday 12:00 UTC, to the freelancer
    "invoice_ready",         # Monday, to the client, with the review deadline
    "review_reminder",       # Thursday, to the client
    "dispute_opened",
    "dispute_message",
    "dispute_decided",
    "week_approved",
    "week_paid",
    "organisation_invitation",  # to an invited email (with a sign-up link without an account)
})


def queue(session: Session, *, kind: str, to_email: str, user: User | None, now: datetime,
          context: Mapping[str, object], dedupe_key: str | None = None) -> MailRow | None:
    """Add a mail to the outbox (not committed: it lands with the caller's change).

    ``context`` is JSON-serialisable: names, amounts, and links as paths (``/verify?token=...``)
    that delivery prefixes with the server's public address. Returns None when ``dedupe_key``
    was queued before (a scheduled mail's job ran twice).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    if dedupe_key is not None and session.scalar(
            select(MailRow.id).where(MailRow.dedupe_key == dedupe_key)) is not None:
        return None
    row = MailRow(kind=kind, to_email=to_email, user_id=user.id if user else None,
                  context=json.dumps(dict(context), sort_keys=True, default=str),
                  dedupe_key=dedupe_key, status="pending", attempts=0, next_attempt_at=now,
                  last_error="", created_at=now)
    if dedupe_key is None:
        session.add(row)
        return row
    # Two workers may race on a scheduled mail: the unique key lets only one row in.
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row
