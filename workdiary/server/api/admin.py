"""Admin endpoints: accounts, contracts, the disputes queue and the audit log (read-only)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from workdiary.server.api.dispute_schemas import (
    AdminContractOut,
    AdminDisputeOut,
    AdminUserOut,
    AuditPage,
)
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.services import admin

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users", response_model=list[AdminUserOut])
def list_users(session: DbSession, user: CurrentUser) -> list[dict[str, object]]:
    """Every account, newest first (at most 500)."""
    return [admin.user_dict(u) for u in admin.list_users(session, admin=user)]


def _set_disabled(session: DbSession, user: CurrentUser, clock: AppClock, user_id: str,
                  disabled: bool) -> dict[str, object]:
    target = admin.set_user_disabled(session, admin=user, user_id=user_id, disabled=disabled,
                                     now=clock.now())
    return admin.user_dict(target)


@router.post("/users/{user_id}/disable", response_model=AdminUserOut)
def disable_user(user_id: str, session: DbSession, user: CurrentUser,
                 clock: AppClock) -> dict[str, object]:
    """Disable an account: its web sessions and API tokens end at once (not your own)."""
    return _set_disabled(session, user, clock, user_id, True)


@router.post("/users/{user_id}/enable", response_model=AdminUserOut)
def enable_user(user_id: str, session: DbSession, user: CurrentUser,
                clock: AppClock) -> dict[str, object]:
    """Enable a disabled account again (it signs in afresh)."""
    return _set_disabled(session, user, clock, user_id, False)


@router.get("/contracts", response_model=list[AdminContractOut])
def list_contracts(session: DbSession, user: CurrentUser) -> list[dict[str, object]]:
    """Every contract's facts (parties, terms, status), newest first; no diaries."""
    return [line.to_dict() for line in admin.list_contracts(session, admin=user)]


@router.get("/disputes", response_model=list[AdminDisputeOut])
def list_disputes(session: DbSession, user: CurrentUser,
                  state: str | None = Query(default=None, max_length=16)
                  ) -> list[dict[str, object]]:
    """Disputes, escalated ones (waiting for a decision) first; ``state`` filters."""
    return [line.to_dict() for line in admin.list_disputes(session, admin=user, state=state)]


@router.get("/audit", response_model=AuditPage)
def audit_log(session: DbSession, user: CurrentUser,
              before_id: int | None = Query(default=None, ge=1, le=2**62),
              limit: int = Query(default=100, ge=1, le=500)) -> dict[str, object]:
    """The audit log, newest first, a page at a time (read-only: nothing edits it)."""
    page = admin.audit_page(session, admin=user, before_id=before_id, limit=limit)
    return {"entries": [e.to_dict() for e in page],
            "next_before_id": page[-1].id if len(page) == limit else None}
