"""The audit log: every state change of accounts, contracts, disputes and weeks, appended once.

Call ``record`` in the same transaction as the change (it adds, never commits), so a change and
its entry land together or not at all. Nothing in the product updates or deletes entries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workdiary.server.models import AuditEntry, User

# A page of the log holds at most this many entries (the admin page and any API read).
MAX_PAGE = 500


def record(session: Session, *, actor: User | None, action: str, subject_type: str,
           subject_id: str, now: datetime, detail: Mapping[str, object] | None = None) -> None:
    """Append one entry: ``actor`` did ``action`` (e.g. ``contract.paused``) to the subject.

    ``actor`` None means the server itself (the weekly job, a deadline). ``detail`` is a small
    JSON-serialisable mapping of what changed (old and new values), never secrets.
    """
    session.add(AuditEntry(at=now, actor_id=actor.id if actor else None, action=action,
                           subject_type=subject_type, subject_id=subject_id,
                           detail=json.dumps(dict(detail or {}), sort_keys=True, default=str)))


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor_id: str | None
    actor_name: str  # "server" for the server's own changes
    action: str
    subject_type: str
    subject_id: str
    detail: dict[str, object]

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "at": self.at.isoformat(), "actor_id": self.actor_id,
                "actor_name": self.actor_name, "action": self.action,
                "subject_type": self.subject_type, "subject_id": self.subject_id,
                "detail": self.detail}


def entries(session: Session, *, subject_type: str | None = None, subject_id: str | None = None,
            before_id: int | None = None, limit: int = 100) -> list[AuditView]:
    """The newest entries first, optionally of one subject; ``before_id`` pages backwards."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.actor_id)
    if subject_type is not None:
        query = query.where(AuditEntry.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    rows = session.execute(query.order_by(AuditEntry.id.desc()).limit(limit)).all()
    return [AuditView(id=row.id, at=row.at, actor_id=row.actor_id,
                      actor_name=name if row.actor_id else "server", action=row.action,
                      subject_type=row.subject_type, subject_id=row.subject_id,
                      detail=json.loads(row.detail))
            for row, name in rows]


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
