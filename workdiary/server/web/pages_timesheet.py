"""The week's timesheet: days, billable time, invoice; the client approves and disputes."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.server.errors import BadRequest
from workdiary.server.web import queries
from workdiary.server.web.deps import DB, Viewer
from workdiary.server.web.pages_diary import parse_day, scoped_contract
from workdiary.server.web.rendering import render
from workdiary.server.web.timesheet_view import build_week

router = APIRouter(include_in_schema=False)


def parse_week(text: str) -> date:
    """A week start: a Monday (YYYY-MM-DD), else a clear 400 naming the Monday meant."""
    day = parse_day(text)
    if day.weekday() != 0:
        monday = day - timedelta(days=day.weekday())
        raise BadRequest(
            f"Timesheets start on a Monday: {day.isoformat()} is a {day:%A}. "
            f"Open the week of {monday.isoformat()} instead.", code="not_a_monday")
    return day


@router.get("/contracts/{contract_id}/timesheets/{week_start}")
def timesheet(request: Request, contract_id: str, week_start: str, db: DB,
              viewer: Viewer) -> Response:
    """The week's days and invoice; approve and dispute forms for the client."""
    contract = scoped_contract(db, viewer, contract_id)
    week = parse_week(week_start)
    clock: Clock = request.app.state.clock
    rows = queries.week_segments(db, contract.id, week)
    disputed = queries.disputed_segment_ids(db, [r.id for r in rows])
    view = build_week(week=week, segments=[queries.segment_shape(r) for r in rows],
                      disputed_ids=disputed, now=clock.now())
    invoice = queries.invoice_for(db, contract.id, week)
    disputes = queries.week_disputes(db, contract.id, week)
    minutes_of = {r.id: (0 if r.deleted else r.billable_minutes) for r in rows}
    names = queries.user_names(db, [contract.client_id, contract.freelancer_id])
    is_client = viewer.id == contract.client_id
    return render(request, "timesheet.html", {
        "contract": contract, "w": view, "invoice": invoice, "names": names,
        "disputes": [(d, ids, sum(minutes_of.get(i, 0) for i in ids)) for d, ids in disputes],
        "is_client": is_client,
        "can_approve": is_client and invoice is not None and invoice.status == "in_review",
        "can_dispute": is_client and (invoice is None or invoice.status == "in_review"),
        "estimate_cents": view.billable_minutes * contract.rate_cents // 60,
    })
