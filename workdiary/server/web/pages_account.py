"""The dashboard, the invoices (with CSV export) and the freelancer's devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.core.week import review_deadline, week_start
from workdiary.server.errors import ServiceError
from workdiary.server.models import Contract, Invoice
from workdiary.server.services import contracts as contract_service
from workdiary.server.services import devices as device_service
from workdiary.server.services import invoices as invoice_service
from workdiary.server.services import users as user_service
from workdiary.server.web.deps import DB, CheckedForm, Viewer
from workdiary.server.web.rendering import finish, page_language, redirect, render, web_session
from workdiary.server.web.timezones import choose_zone

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class ContractLine:
    contract: Contract
    other_party: str  # the freelancer for a client viewer, the client for a freelancer
    week_seconds: int
    limit_percent: int
    last_week_seconds: int


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    invoice: Invoice
    contract: Contract
    review_ends: datetime


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _invoice_lines(rows: list[tuple[Invoice, Contract]]) -> list[InvoiceLine]:
    return [
        InvoiceLine(inv, con, review_deadline(datetime.combine(inv.week_start, time(0), UTC)))
        for inv, con in rows
    ]


def today_in(request: Request) -> date:
    """Today in the viewer's remembered zone (the diary link of the dashboard)."""
    zone = choose_zone(None, web_session(request).tz).zone
    return _clock(request).now().astimezone(zone).date()


@router.get("/")
def dashboard(request: Request, db: DB, viewer: Viewer) -> Response:
    """The viewer's contracts with this week's hours, and the weeks waiting for review."""
    if viewer.role == "admin":  # party to no contract: the admin's start is the queue
        return redirect(request, "/admin/disputes")
    now = _clock(request).now()
    this_week = week_start(now).date()
    contracts = contract_service.contracts_for(db, user=viewer)
    names = user_service.names_by_id(db, user_ids=[c.client_id for c in contracts] +
                                     [c.freelancer_id for c in contracts])
    seconds = contract_service.billed_seconds_by_contract(
        db, contract_ids=[c.id for c in contracts], week_start=this_week)
    last_week = this_week - timedelta(days=7)
    last_seconds = contract_service.billed_seconds_by_contract(
        db, contract_ids=[c.id for c in contracts], week_start=last_week)
    lines = []
    for contract in contracts:
        # The other side: a team member of the client's organisation sees the freelancer.
        mine = viewer.id == contract.freelancer_id
        other = contract.client_id if mine else contract.freelancer_id
        used = seconds.get(contract.id, 0)
        limit = contract.weekly_limit_minutes
        lines.append(ContractLine(contract, names.get(other, ""), used,
                                  min(100, 100 * used // (limit * 60)) if limit else 0,
                                  last_seconds.get(contract.id, 0)))
    all_invoices = _invoice_lines(invoice_service.list_invoices(db, user=viewer))
    reviews = [line for line in all_invoices if line.invoice.status == "in_review"]
    recent = [line for line in all_invoices if line.invoice.status != "in_review"][:5]
    total_seconds = sum(line.week_seconds for line in lines)
    return render(request, "dashboard.html", {
        "nav": "dashboard",
        "lines": lines,
        "reviews": reviews,
        "recent": recent,
        "this_week": this_week,
        "last_week": last_week,
        "week_end": this_week + timedelta(days=6),
        "today": today_in(request),
        "total_seconds": total_seconds,
        "is_client": viewer.role == "client",
    })


@router.get("/invoices")
def invoices(request: Request, db: DB, viewer: Viewer) -> Response:
    """Every invoice of the viewer's contracts, newest week first."""
    lines = _invoice_lines(invoice_service.list_invoices(db, user=viewer))
    names = user_service.names_by_id(db, user_ids={uid for line in lines
                                                   for uid in (line.contract.client_id,
                                                               line.contract.freelancer_id)})
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.invoice.currency] = totals.get(line.invoice.currency, 0) + \
            line.invoice.amount_cents
    return render(request, "invoices.html", {
        "nav": "invoices", "lines": lines, "names": names, "totals": totals,
        "is_client": viewer.role == "client",
    })


@router.get("/invoices.csv")
def invoices_csv(request: Request, db: DB, viewer: Viewer) -> Response:
    """The invoices as a CSV download: the same columns as the API's CSV export."""
    response = Response(
        invoice_service.invoices_csv(invoice_service.list_invoices(db, user=viewer)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="workdiary-invoices.csv"'},
    )
    return finish(request, response)


@router.get("/devices")
def devices(request: Request, db: DB, viewer: Viewer) -> Response:
    """The viewer's registered devices (the desktop apps whose keys sign segments)."""
    return render(request, "devices.html", {
        "nav": "devices", "devices": device_service.list_devices(db, user=viewer),
        "is_freelancer": viewer.role == "freelancer",
    })


@router.post("/devices/{device_id}/revoke")
def revoke_device(request: Request, device_id: str, db: DB, viewer: Viewer,
                  form: CheckedForm) -> Response:
    """Revoke a device: segments it signs from now on are rejected as unknown_device."""
    session = web_session(request)
    try:
        device = device_service.revoke_device(db, user=viewer, device_id=device_id)
    except ServiceError as exc:
        session.set_flash("error", exc.message[:1].upper() + exc.message[1:])
    else:
        session.set_flash("ok", page_language(request).gettext(
            "Device “%(name)s” is revoked: anything it signs from now on is rejected.")
            % {"name": device.name})
    return redirect(request, "/devices")
