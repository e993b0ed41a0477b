"""The mail settings page: which mail the viewer receives (security mail always)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.server.i18n.language import N_
from workdiary.server.services import notifications
from workdiary.server.web.deps import DB, CheckedForm, Viewer
from workdiary.server.web.rendering import page_language, redirect, render, web_session

router = APIRouter(include_in_schema=False)

# What each kind is, as the settings page names it.
KIND_LABELS = {
    "contract_offer": N_("Contract offers made to me"),
    "contract_answered": N_("A freelancer accepted or declined my offer"),
    "contract_changed": N_("Changes to my contracts (terms, policy, pause, end)"),
    "weekly_summary": N_("Sunday summary of my tracked hours and unprotected segments"),
    "invoice_ready": N_("Monday invoice with the review deadline"),
    "review_reminder": N_("Thursday reminder while a review is open"),
    "dispute_opened": N_("A dispute was opened"),
    "dispute_message": N_("A new message in a dispute"),
    "dispute_decided": N_("A dispute was decided"),
    "week_approved": N_("A week was approved"),
    "week_paid": N_("A week was paid"),
    "organisation_invitation": N_("Invitations to join an organisation"),
}
SECURITY_LABELS = (N_("Email address confirmation"), N_("Password reset links"),
                   N_("Password changed"))


@router.get("/notifications")
def notifications_page(request: Request, viewer: Viewer) -> Response:
    prefs = notifications.preferences(viewer)
    return render(request, "notifications.html", {
        "nav": "notifications",
        "kinds": [(kind, KIND_LABELS[kind], on) for kind, on in prefs.items()],
        "security_labels": SECURITY_LABELS,
    })


@router.post("/notifications")
def save_notifications(request: Request, db: DB, viewer: Viewer, form: CheckedForm) -> Response:
    """Every kind whose box is ticked is on; the others the page offers are off."""
    clock: Clock = request.app.state.clock
    chosen = {kind: form.get(f"kind_{kind}") == "on" for kind in notifications.kinds_for(viewer)}
    notifications.set_preferences(db, user=viewer, choices=chosen, now=clock.now())
    web_session(request).set_flash("ok", page_language(request).gettext(
        "Your mail settings are saved."))
    return redirect(request, "/notifications")
