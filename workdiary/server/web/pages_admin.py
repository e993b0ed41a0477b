"""The admin pages: accounts (disable/enable), contracts, the disputes queue, the audit log.

Only accounts with role ``admin`` see them (others get the 404 of a page that is not theirs);
they read through ``services.admin`` like the API. The audit log is read-only: no page edits
or deletes an entry.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.server.errors import ServiceError
from workdiary.server.models import User
from workdiary.server.services import admin
from workdiary.server.services.dispute_states import STATES
from workdiary.server.web.audit_lines import audit_lines
from workdiary.server.web.deps import DB, CheckedForm, PageNotFound, Viewer
from workdiary.server.web.rendering import page_language, redirect, render, web_session
from workdiary.server.web.timezones import choose_zone, zone_options

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100


def _admin_only(viewer: User) -> None:
    if viewer.role != "admin":
        raise PageNotFound()


@router.get("/admin/users")
def users_page(request: Request, db: DB, viewer: Viewer) -> Response:
    """Every account with its role and state, and a disable/enable button."""
    _admin_only(viewer)
    return render(request, "admin_users.html", {
        "users": admin.list_users(db, admin=viewer), "nav": "admin_users"})


def _set_disabled(request: Request, db: DB, viewer: User, user_id: str,
                  disabled: bool) -> Response:
    _admin_only(viewer)
    clock: Clock = request.app.state.clock
    session = web_session(request)
    language = page_language(request)
    try:
        target = admin.set_user_disabled(db, admin=viewer, user_id=user_id, disabled=disabled,
                                         now=clock.now())
    except ServiceError as exc:
        session.set_flash("error", exc.message[:1].upper() + exc.message[1:])
    else:
        text = (language.gettext("%(email)s is disabled: their sessions and tokens ended.")
                if disabled else language.gettext("%(email)s is enabled again."))
        session.set_flash("ok", text % {"email": target.email})
    return redirect(request, "/admin/users")


@router.post("/admin/users/{user_id}/disable")
def disable(request: Request, user_id: str, db: DB, viewer: Viewer,
            form: CheckedForm) -> Response:
    return _set_disabled(request, db, viewer, user_id, True)


@router.post("/admin/users/{user_id}/enable")
def enable(request: Request, user_id: str, db: DB, viewer: Viewer,
           form: CheckedForm) -> Response:
    return _set_disabled(request, db, viewer, user_id, False)


@router.get("/admin/contracts")
def contracts_page(request: Request, db: DB, viewer: Viewer) -> Response:
    """Every contract's parties, terms and status (no diaries: admins are party to none)."""
    _admin_only(viewer)
    return render(request, "admin_contracts.html", {
        "lines": admin.list_contracts(db, admin=viewer), "nav": "admin_contracts"})


@router.get("/admin/disputes")
def disputes_page(request: Request, db: DB, viewer: Viewer, state: str = "") -> Response:
    """The queue: escalated disputes first (they wait for a decision), then the rest."""
    _admin_only(viewer)
    chosen = state if state in STATES else None
    return render(request, "admin_disputes.html", {
        "lines": admin.list_disputes(db, admin=viewer, state=chosen), "states": STATES,
        "chosen": chosen or "", "nav": "admin_disputes"})


@router.get("/admin/audit")
def audit_page(request: Request, db: DB, viewer: Viewer, before: str = "",
               tz: str | None = None) -> Response:
    """The audit log, newest first, 100 entries a page (read-only), in words: who, what, about
    what (linked), the detail, at times in the viewer's remembered zone."""
    _admin_only(viewer)
    before_id = int(before) if before.isdigit() and 0 < len(before) <= 18 else None
    entries = admin.audit_page(db, admin=viewer, before_id=before_id, limit=AUDIT_PAGE)
    session = web_session(request)
    zone = choose_zone(tz, session.tz)
    if tz and zone.problem is None:
        session.set_tz(zone.name)  # remembered, like the diary's choice
    lines = audit_lines(entries, names=admin.audit_names(db, admin=viewer, entries=entries),
                        language=page_language(request), zone=zone.zone)
    return render(request, "admin_audit.html", {
        "lines": lines, "zone_name": zone.name, "zone_problem": zone.problem,
        "zone_options": zone_options(zone.name), "nav": "admin_audit",
        "older": entries[-1].id if len(entries) == AUDIT_PAGE else None})
