"""The week's timesheet: days, billable time, invoice; the client approves and disputes."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.core.week import week_start_of_date
from workdiary.server.errors import ServiceError
from workdiary.server.evidence_response import bundle_server_url, evidence_response
from workdiary.server.i18n.formatting import money, short_date
from workdiary.server.i18n.language import N_
from workdiary.server.services import disputes as dispute_service
from workdiary.server.services import users as user_service
from workdiary.server.services import weeks as week_service
from workdiary.server.services.contracts import role_on
from workdiary.server.services.evidence import gather_week
from workdiary.server.services.timesheet import get_timesheet
from workdiary.server.web.deps import DB, CheckedForm, PageBadRequest, Viewer, safe_next
from workdiary.server.web.pages_diary import parse_day, scoped_contract
from workdiary.server.web.rendering import page_language, redirect, render, web_session

router = APIRouter(include_in_schema=False)


def parse_week(text: str) -> date:
    """A week start: a Monday (YYYY-MM-DD), else a clear 400 naming the Monday meant."""
    day = parse_day(text)
    if day.weekday() != 0:
        monday = day - timedelta(days=day.weekday())
        raise PageBadRequest(
            N_("Timesheets start on a Monday: %(day)s is not. Open the week of %(monday)s "
               "instead."),
            code="not_a_monday", day=day.isoformat(), monday=monday.isoformat())
    return day


@router.get("/contracts/{contract_id}/timesheets/{week_start}")
def timesheet(request: Request, contract_id: str, week_start: str, db: DB,
              viewer: Viewer) -> Response:
    """The week's days and invoice; approve and dispute forms for the client."""
    contract = scoped_contract(db, viewer, contract_id)
    week = parse_week(week_start)
    clock: Clock = request.app.state.clock
    now = clock.now()
    sheet = get_timesheet(db, user=viewer, contract_id=contract.id, week_start=week, now=now)
    names = user_service.names_by_id(db, user_ids=[contract.client_id, contract.freelancer_id])
    is_client = role_on(contract, viewer) == "client"  # an organisation's viewer only reads
    in_review = sheet.invoice is not None and sheet.invoice.status == "in_review"
    return render(request, "timesheet.html", {
        "contract": contract, "w": sheet, "invoice": sheet.invoice, "names": names,
        "disputes": [(d, ids, sheet.dispute_seconds(ids)) for d, ids in sheet.disputes],
        "is_client": is_client,
        "can_approve": is_client and in_review,
        "can_dispute": is_client and in_review,
        "disputable_ids": dispute_service.disputable_segment_ids(
            db, user=viewer, contract_id=contract.id, segments=[s.row for s in sheet.segments],
            now=now),
        "prev_week": week - timedelta(days=7), "next_week": week + timedelta(days=7),
    })


@router.get("/contracts/{contract_id}/timesheets/{week_start}/evidence.zip")
def evidence(request: Request, contract_id: str, week_start: str, db: DB, viewer: Viewer,
             screenshots: str = "included") -> Response:
    """The week's evidence bundle (the API's, for a signed-in party; ``?screenshots=hashes``
    leaves the images out)."""
    contract = scoped_contract(db, viewer, contract_id)
    week = gather_week(db, user=viewer, contract_id=contract.id,
                       week_start=parse_week(week_start))
    clock: Clock = request.app.state.clock
    return evidence_response(week, blobs=request.app.state.blobs,
                             key=request.app.state.server_key, now=clock.now(),
                             server_url=bundle_server_url(request),
                             hashes_only=screenshots == "hashes")


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


@router.post("/contracts/{contract_id}/timesheets/{week_start}/approve")
def approve(request: Request, contract_id: str, week_start: str, db: DB, viewer: Viewer,
            form: CheckedForm) -> Response:
    """The client approves the week's undisputed amount."""
    contract = scoped_contract(db, viewer, contract_id)
    week = parse_week(week_start)
    clock: Clock = request.app.state.clock
    session = web_session(request)
    try:
        invoice = week_service.approve_week(db, user=viewer, contract_id=contract.id,
                                            week_start=week, now=clock.now())
    except ServiceError as exc:
        session.set_flash("error", _sentence(exc.message))
    else:
        language = page_language(request)
        session.set_flash("ok", language.gettext(
            "Week of %(week)s approved: %(amount)s will be paid.") % {
                "week": short_date(week, language.locale),
                "amount": money(invoice.amount_cents, invoice.currency, language.locale)})
    return redirect(request, f"/contracts/{contract.id}/timesheets/{week.isoformat()}")


@router.post("/contracts/{contract_id}/disputes")
def dispute(request: Request, contract_id: str, db: DB, viewer: Viewer,
            form: CheckedForm) -> Response:
    """The client disputes the selected segments with a reason."""
    contract = scoped_contract(db, viewer, contract_id)
    back = safe_next(str(form.get("return_to") or f"/contracts/{contract.id}/timesheets/"
                         f"{week_start_of_date(today(request)).isoformat()}"))
    ids = [str(v) for v in form.getlist("segment_ids")][:2000]
    reason = str(form.get("reason") or "").strip()
    session = web_session(request)
    if not ids:
        session.set_flash("error", page_language(request).gettext(
            "Select at least one segment to dispute, then submit again."))
        return redirect(request, back)
    if not reason:
        session.set_flash("error", page_language(request).gettext(
            "Say why you dispute these segments, then submit again."))
        return redirect(request, back)
    clock: Clock = request.app.state.clock
    try:
        dispute_service.create_dispute(db, user=viewer, contract_id=contract.id,
                                       segment_ids=ids, reason=reason[:1000], now=clock.now())
    except ServiceError as exc:
        session.set_flash("error", _sentence(exc.message))
    else:
        count = len(set(ids))
        session.set_flash("ok", page_language(request).ngettext(
            "%(count)d segment disputed: its minutes stay out of the week's amount until you "
            "withdraw it.",
            "%(count)d segments disputed: their minutes stay out of the week's amount until you "
            "withdraw it.", count) % {"count": count})
    return redirect(request, back)


@router.post("/contracts/{contract_id}/disputes/{dispute_id}/withdraw")
def withdraw(request: Request, contract_id: str, dispute_id: str, db: DB, viewer: Viewer,
             form: CheckedForm) -> Response:
    """The client withdraws a dispute; its minutes count again."""
    contract = scoped_contract(db, viewer, contract_id)
    clock: Clock = request.app.state.clock
    session = web_session(request)
    back = f"/contracts/{contract.id}/timesheets/{week_start_of_date(today(request)).isoformat()}"
    try:
        withdrawn = dispute_service.withdraw_dispute(db, user=viewer, contract_id=contract.id,
                                                     dispute_id=dispute_id, now=clock.now())
    except ServiceError as exc:
        session.set_flash("error", _sentence(exc.message))
    else:
        back = f"/contracts/{contract.id}/timesheets/{withdrawn.week_start.isoformat()}"
        session.set_flash("ok", page_language(request).gettext(
            "Dispute withdrawn: its minutes are billed again."))
    return redirect(request, safe_next(str(form.get("return_to") or back)))


def today(request: Request) -> date:
    clock: Clock = request.app.state.clock
    return clock.now().date()
