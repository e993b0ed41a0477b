"""Contract offers and lifecycle pages: the client's "New offer" form, the freelancer's offers
(with the tracking policy in words, Accept / Decline), and each contract's page: terms,
policy, the client's change form, pause / resume / end, and the history both parties read.
Every change goes through the services the API uses (contract_offers, contract_changes)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core import model as core
from workdiary.core.clock import Clock
from workdiary.core.errors import DomainError
from workdiary.core.week import week_start
from workdiary.server.errors import ServiceError, Unprocessable
from workdiary.server.i18n.language import N_
from workdiary.server.models import Contract, Organisation
from workdiary.server.services import contract_changes, contract_offers, contracts, organisations
from workdiary.server.services.contract_access import ACTING_ROLES
from workdiary.server.services.contract_history import contract_history
from workdiary.server.services.contract_terms import hours_to_minutes, rate_to_cents
from workdiary.server.web.deps import DB, CheckedForm, PageNotFound, Viewer
from workdiary.server.web.rendering import page_language, redirect, render, web_session

router = APIRouter(include_in_schema=False)
CAPTURES = ("all", "primary", "active")
FLAGS = ("blur", "allow_redaction", "allow_manual", "window_titles")


def _now(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _policy_from(form: FormData, base: core.Policy) -> core.Policy:
    """The policy of a form (checkboxes: absent = off); a bad value is a 422 sentence."""
    try:
        values: dict[str, object] = {
            "segment_minutes": int(str(form.get("segment_minutes") or base.segment_minutes)),
            "screenshots_per_segment": int(str(form.get("screenshots_per_segment")
                                               or base.screenshots_per_segment)),
            "capture": str(form.get("capture") or base.capture.value),
            "idle_minutes": int(str(form.get("idle_minutes") or base.idle_minutes)),
        }
        values.update({flag: form.get(flag) == "on" for flag in FLAGS})
        return core.Policy.from_dict(values)
    except (DomainError, ValueError) as exc:
        raise Unprocessable(f"the tracking policy is invalid: {exc}.",
                            code="invalid_policy") from exc


def _limit_hours(form: FormData) -> int | None:
    text = str(form.get("weekly_limit_hours") or "").strip()
    return hours_to_minutes(text) if text else None


def _flash_error(request: Request, exc: ServiceError) -> None:
    web_session(request).set_flash("error", exc.message[:1].upper() + exc.message[1:])


@router.get("/contracts/new")
def new_offer(request: Request, db: DB, viewer: Viewer) -> Response:
    """The client's offer form (for themselves or an organisation they own or manage)."""
    if viewer.role != "client":
        raise PageNotFound()
    return render(request, "contract_new.html", {
        "nav": "new_offer", "policy": core.Policy(), "captures": CAPTURES,
        "segment_choices": core.VALID_SEGMENT_MINUTES,
        "organisations": [org for org, role in organisations.organisations_of(db, user=viewer)
                          if role in ACTING_ROLES]})


@router.post("/contracts/new")
def make_offer(request: Request, db: DB, viewer: Viewer, form: CheckedForm) -> Response:
    try:
        contract = contract_offers.offer_contract(
            db, client=viewer, freelancer_email=str(form.get("freelancer_email") or "")[:254],
            title=str(form.get("title") or "")[:200],
            rate_cents=rate_to_cents(str(form.get("rate") or "")[:32]),
            currency=str(form.get("currency") or "USD")[:3],
            weekly_limit_minutes=_limit_hours(form),
            policy=_policy_from(form, core.Policy()), now=_now(request).now(),
            organisation_id=str(form.get("organisation_id") or "")[:64] or None)
    except ServiceError as exc:
        _flash_error(request, exc)
        return redirect(request, "/contracts/new")
    web_session(request).set_flash("ok", page_language(request).gettext(
        "Offer sent to %(email)s: the contract starts when they accept it.")
        % {"email": contract.invited_email})
    return redirect(request, f"/contracts/{contract.id}")


@router.get("/offers")
def offers(request: Request, db: DB, viewer: Viewer) -> Response:
    """The freelancer's open offers, each with its policy in words."""
    waiting = [c for c in contracts.contracts_for(db, user=viewer)
               if c.status == "offered" and c.freelancer_id == viewer.id]
    names = dict(zip([c.id for c in waiting],
                     [contracts.party_names(db, c)[0] for c in waiting], strict=True))
    return render(request, "offers.html", {"nav": "offers", "offers": waiting, "names": names})


@router.get("/contracts/{contract_id}")
def contract_page(request: Request, contract_id: str, db: DB, viewer: Viewer) -> Response:
    contract = _scoped(db, viewer, contract_id)
    today = _now(request).now().date()
    this_week = week_start(_now(request).now()).date()
    client_name, freelancer_name = contracts.party_names(db, contract)
    side = contracts.role_on(contract, viewer)
    return render(request, "contract.html", {
        "nav": "dashboard", "c": contract, "policy": contract.policy(),
        "is_client": side == "client", "is_org_viewer": side == "viewer",
        "organisation": (db.get(Organisation, contract.organisation_id)
                         if contract.organisation_id else None),
        # Where the client may put a contract of no organisation (those they own or manage).
        "move_targets": [org for org, role in organisations.organisations_of(db, user=viewer)
                         if role in ACTING_ROLES]
        if contract.organisation_id is None and contract.client_id == viewer.id else [],
        "client_name": client_name, "freelancer_name": freelancer_name,
        "terms": contracts.terms_for_week(db, contract, this_week),
        "next_terms": contracts.terms_for_week(db, contract, this_week + timedelta(days=7)),
        "next_week": this_week + timedelta(days=7), "this_week": this_week,
        # This month's hours report of this contract (from the 1st to today).
        "report_query": urlencode({"contract": contract.id,
                                   "from": today.replace(day=1).isoformat(),
                                   "to": today.isoformat()}),
        "history": contract_history(db, user=viewer, contract_id=contract.id),
        "captures": CAPTURES, "segment_choices": core.VALID_SEGMENT_MINUTES,
    })


def _scoped(db: DB, viewer: Viewer, contract_id: str) -> Contract:
    try:
        return contracts.get_contract_for(db, user=viewer, contract_id=contract_id)
    except ServiceError as exc:
        raise PageNotFound() from exc


@router.post("/contracts/{contract_id}/change")
def change(request: Request, contract_id: str, db: DB, viewer: Viewer,
           form: CheckedForm) -> Response:
    """The client's terms and policy form."""
    contract = _scoped(db, viewer, contract_id)
    try:
        contract_changes.change_contract(
            db, user=viewer, contract_id=contract.id, now=_now(request).now(),
            rate_cents=rate_to_cents(str(form.get("rate") or "")[:32]),
            weekly_limit_minutes=_limit_hours(form),
            policy=_policy_from(form, contract.policy()))
    except ServiceError as exc:
        _flash_error(request, exc)
    else:
        web_session(request).set_flash("ok", page_language(request).gettext(
            "Saved. A new rate or weekly limit applies from next Monday (UTC); a new tracking "
            "policy from the next segment the freelancer's desktop starts."))
    return redirect(request, f"/contracts/{contract.id}")


@router.post("/contracts/{contract_id}/organisation")
def move_to_organisation(request: Request, contract_id: str, db: DB, viewer: Viewer,
                         form: CheckedForm) -> Response:
    """The client puts the contract into an organisation they own or manage."""
    contract = _scoped(db, viewer, contract_id)
    try:
        organisations.move_contract(
            db, user=viewer, contract_id=contract.id,
            organisation_id=str(form.get("organisation_id") or "")[:64], now=_now(request).now())
    except ServiceError as exc:
        _flash_error(request, exc)
    else:
        web_session(request).set_flash("ok", page_language(request).gettext(
            "The contract now belongs to the organisation: its members' roles apply."))
    return redirect(request, f"/contracts/{contract.id}")


ACTIONS = {
    "accept": (contract_offers.accept_offer, N_("Offer accepted: you can clock in on it now.")),
    "decline": (contract_offers.decline_offer, N_("Offer declined.")),
    "pause": (contract_changes.pause_contract, N_(
        "Contract paused: time recorded from now on is not accepted until you resume it.")),
    "resume": (contract_changes.resume_contract, N_("Contract resumed.")),
    "end": (contract_changes.end_contract, N_("Contract ended.")),
}


def _act(request: Request, contract_id: str, action: str, db: DB, viewer: Viewer) -> Response:
    """Accept, decline, pause, resume or end (who may do what: the services decide)."""
    contract = _scoped(db, viewer, contract_id)
    change_status, message = ACTIONS[action]
    try:
        change_status(db, user=viewer, contract_id=contract.id, now=_now(request).now())
    except ServiceError as exc:
        _flash_error(request, exc)
    else:
        web_session(request).set_flash("ok", page_language(request).gettext(message))
    return redirect(request, "/offers" if action == "decline" else f"/contracts/{contract.id}")


def _action_route(action: str):  # type: ignore[no-untyped-def]
    def route(request: Request, contract_id: str, db: DB, viewer: Viewer,
              form: CheckedForm) -> Response:
        return _act(request, contract_id, action, db, viewer)

    route.__name__ = f"contract_{action}_page"
    return route


for _action in ACTIONS:  # one fixed path each, so no other /contracts/{id}/... page is shadowed
    router.add_api_route(f"/contracts/{{contract_id}}/{_action}", _action_route(_action),
                         methods=["POST"])
