"""Organisation pages: the client's organisations (and a form to create one), each
organisation's members, invitations and contracts (owners change roles, remove members,
invite and revoke), and the page the invitation mail links to. Every change goes through the
services the API uses (organisations, organisation_invitations)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.server.errors import ServiceError
from workdiary.server.i18n.language import N_
from workdiary.server.models import Contract
from workdiary.server.services import organisation_invitations as invitations
from workdiary.server.services import organisations
from workdiary.server.services.organisation_invitations import signup_link
from workdiary.server.web.deps import DB, CheckedForm, PageNotFound, Viewer, signed_in_user
from workdiary.server.web.rendering import page_language, redirect, render, web_session

router = APIRouter(include_in_schema=False)

ROLE_LABELS = {"owner": N_("owner"), "manager": N_("manager"), "viewer": N_("viewer")}
ROLE_HINTS = {
    "owner": N_("manages members and invitations, and acts on every contract"),
    "manager": N_("offers, changes, approves and disputes contracts"),
    "viewer": N_("reads diaries, timesheets and invoices; changes nothing"),
}


def _now(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _flash_error(request: Request, exc: ServiceError) -> None:
    web_session(request).set_flash("error", exc.message[:1].upper() + exc.message[1:])


def _ok(request: Request, text: str, **values: object) -> None:
    web_session(request).set_flash("ok", page_language(request).gettext(text) % values)


@router.get("/organisations")
def organisations_page(request: Request, db: DB, viewer: Viewer) -> Response:
    """The viewer's organisations with their role, and the form to create one (clients)."""
    if viewer.role != "client":
        raise PageNotFound()
    return render(request, "organisations.html", {
        "nav": "organisations", "rows": organisations.organisations_of(db, user=viewer),
        "role_labels": ROLE_LABELS, "max_name": organisations.MAX_NAME})


@router.post("/organisations")
def create(request: Request, db: DB, viewer: Viewer, form: CheckedForm) -> Response:
    try:
        org = organisations.create_organisation(
            db, user=viewer, name=str(form.get("name") or "")[:organisations.MAX_NAME * 2],
            now=_now(request).now())
    except ServiceError as exc:
        _flash_error(request, exc)
        return redirect(request, "/organisations")
    _ok(request, N_("%(name)s created: you are its owner. Invite your team next."),
        name=org.name)
    return redirect(request, f"/organisations/{org.id}")


@router.get("/organisations/{organisation_id}")
def organisation_page(request: Request, organisation_id: str, db: DB,
                      viewer: Viewer) -> Response:
    try:
        view = organisations.get_organisation(db, user=viewer, organisation_id=organisation_id)
    except ServiceError as exc:
        raise PageNotFound() from exc
    contracts = list(db.scalars(select(Contract).where(
        Contract.organisation_id == view.organisation.id)
        .order_by(Contract.created_at.desc(), Contract.id).limit(200)))
    return render(request, "organisation.html", {
        "nav": "organisations", "o": view, "is_owner": view.my_role == "owner",
        "contracts": contracts, "role_labels": ROLE_LABELS, "role_hints": ROLE_HINTS})


def _back(organisation_id: str) -> str:
    return f"/organisations/{quote(organisation_id[:64], safe='')}"


@router.post("/organisations/{organisation_id}/invitations")
def invite(request: Request, organisation_id: str, db: DB, viewer: Viewer,
           form: CheckedForm) -> Response:
    email = str(form.get("email") or "")[:254]
    try:
        row = invitations.invite(db, user=viewer, organisation_id=organisation_id,
                                 email=email, role=str(form.get("role") or "")[:16],
                                 now=_now(request).now())
    except ServiceError as exc:
        _flash_error(request, exc)
    else:
        _ok(request, N_("Invitation mailed to %(email)s."), email=row.email)
    return redirect(request, _back(organisation_id))


@router.post("/organisations/{organisation_id}/invitations/{invitation_id}/revoke")
def revoke(request: Request, organisation_id: str, invitation_id: str, db: DB, viewer: Viewer,
           form: CheckedForm) -> Response:
    try:
        invitations.revoke(db, user=viewer, organisation_id=organisation_id,
                           invitation_id=invitation_id, now=_now(request).now())
    except ServiceError as exc:
        _flash_error(request, exc)
    else:
        _ok(request, N_("Invitation withdrawn: its link no longer works."))
    return redirect(request, _back(organisation_id))


@router.post("/organisations/{organisation_id}/members/{user_id}/role")
def change_role(request: Request, organisation_id: str, user_id: str, db: DB, viewer: Viewer,
                form: CheckedForm) -> Response:
    try:
        organisations.set_member_role(db, user=viewer, organisation_id=organisation_id,
                                      member_id=user_id, role=str(form.get("role") or "")[:16],
                                      now=_now(request).now())
    except ServiceError as exc:
        _flash_error(request, exc)
    else:
        _ok(request, N_("Role changed."))
    return redirect(request, _back(organisation_id))


@router.post("/organisations/{organisation_id}/members/{user_id}/remove")
def remove(request: Request, organisation_id: str, user_id: str, db: DB, viewer: Viewer,
           form: CheckedForm) -> Response:
    try:
        organisations.remove_member(db, user=viewer, organisation_id=organisation_id,
                                    member_id=user_id, now=_now(request).now())
    except ServiceError as exc:
        _flash_error(request, exc)
        return redirect(request, _back(organisation_id))
    if user_id == viewer.id:
        _ok(request, N_("You left the organisation."))
        return redirect(request, "/organisations")
    _ok(request, N_("Member removed: they no longer see the organisation's contracts."))
    return redirect(request, _back(organisation_id))


@router.get("/organisation-invitations/accept")
def accept_page(request: Request, db: DB, token: str = "") -> Response:
    """The mailed link: who invites whom to what, then Accept (or log in / sign up first)."""
    viewer = signed_in_user(request, db)
    if viewer is not None:
        request.state.viewer = viewer
    here = "/organisation-invitations/accept?token=" + quote(token[:invitations.MAX_TOKEN],
                                                             safe="")
    try:
        invitation, org = invitations.pending(db, token=token, now=_now(request).now())
    except ServiceError as exc:
        return render(request, "organisation_invitation.html", {
            "problem": exc.message[:1].upper() + exc.message[1:]}, status_code=400)
    return render(request, "organisation_invitation.html", {
        "problem": None, "invitation": invitation, "org": org, "token": token,
        "role_labels": ROLE_LABELS, "role_hints": ROLE_HINTS,
        "login_url": "/login?next=" + quote(here, safe="") + "&email=" + quote(
            invitation.email, safe=""),
        "signup_url": signup_link(invitation.email, here),
        "other_account": viewer is not None and viewer.email.lower() != invitation.email})


@router.post("/organisation-invitations/accept")
def accept(request: Request, db: DB, viewer: Viewer, form: CheckedForm) -> Response:
    token = str(form.get("token") or "")[:invitations.MAX_TOKEN]
    try:
        org, _member = invitations.accept(db, user=viewer, token=token, now=_now(request).now())
    except ServiceError as exc:
        _flash_error(request, exc)
        return redirect(request, "/organisation-invitations/accept?token="
                        + quote(token, safe=""))
    _ok(request, N_("Welcome to %(name)s."), name=org.name)
    return redirect(request, f"/organisations/{org.id}")
