"""The hours report page (/reports/hours, a GET form), its CSV and PDF, and invoice PDFs.

The page, ``.csv`` and ``.pdf`` read the same query string, so the download links are the
page's own query. Days are the viewer's local days: ``?tz=``, else the zone remembered from
the diary, else UTC (``web/timezones.py``); the page says which.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.server.errors import NotFound
from workdiary.server.pdf.documents import invoice_pdf, report_file_stem, report_pdf
from workdiary.server.pdf.render import PDF_MEDIA_TYPE, PdfRenderer
from workdiary.server.services import contracts as contract_service
from workdiary.server.services import organisations, reports
from workdiary.server.services import users as user_service
from workdiary.server.web.deps import DB, PageBadRequest, PageNotFound, Viewer
from workdiary.server.web.rendering import finish, page_language, render, web_session
from workdiary.server.web.timezones import ZoneChoice, choose_zone, zone_options

router = APIRouter(include_in_schema=False)
MAX_FIELD = 64  # a date, a group, a zone or a contract id


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _zone(request: Request, tz: str | None) -> ZoneChoice:
    choice = choose_zone(tz[:MAX_FIELD] if tz else None, web_session(request).tz)
    if tz and choice.problem is None:
        web_session(request).set_tz(choice.name)
    return choice


def _query(request: Request, choice: ZoneChoice, start: str | None, end: str | None,
           contract: list[str], group: str | None, org: str | None) -> reports.ReportQuery:
    return reports.parse_query(
        start=(start or "")[:MAX_FIELD] or None, end=(end or "")[:MAX_FIELD] or None,
        contract_ids=[c[:MAX_FIELD] for c in contract], group=(group or "day")[:MAX_FIELD],
        tz=choice.name, now=_clock(request).now(), organisation_id=(org or "")[:MAX_FIELD])


def _report(request: Request, db: DB, viewer: Viewer, query: reports.ReportQuery
            ) -> reports.HoursReport:
    try:
        return reports.hours_report(db, user=viewer, query=query)
    except NotFound:
        raise PageNotFound() from None
    except reports.ReportQueryError as exc:  # too many segments to read
        raise PageBadRequest(exc.template, code=exc.code, **exc.values) from None


def _query_string(query: reports.ReportQuery) -> str:
    pairs = [("from", query.start.isoformat()), ("to", query.end.isoformat()),
             ("group", query.group), ("tz", query.tz)]
    pairs += [("contract", c) for c in query.contract_ids]
    if query.organisation_id:
        pairs.append(("org", query.organisation_id))
    return urlencode(pairs)


@router.get("/reports/hours")
def hours_page(request: Request, db: DB, viewer: Viewer,
               start: str | None = Query(default=None, alias="from"),
               end: str | None = Query(default=None, alias="to"),
               contract: list[str] = Query(default=[]),  # noqa: B008
               group: str | None = None, tz: str | None = None,
               org: str | None = None) -> Response:
    """The form and, for a good query, the report with its CSV and PDF links."""
    choice = _zone(request, tz)
    visible = [c for c in contract_service.contracts_for(db, user=viewer)
               if c.freelancer_id is not None]
    names = user_service.names_by_id(db, user_ids={u for c in visible
                                                   for u in (c.client_id, c.freelancer_id)})
    context: dict[str, Any] = {
        "nav": "reports", "contracts": visible, "names": names, "zone_name": choice.name,
        "zone_problem": choice.problem, "zone_options": zone_options(choice.name),
        "report": None, "error": None,
        "organisations": organisations.organisations_of(db, user=viewer),
        "asked": {"from": (start or "")[:MAX_FIELD], "to": (end or "")[:MAX_FIELD],
                  "group": group or "day", "contract": set(contract),
                  "org": (org or "")[:MAX_FIELD]},
    }
    try:
        query = _query(request, choice, start, end, contract, group, org)
    except reports.ReportQueryError as exc:
        context["error"] = page_language(request).gettext(exc.template) % exc.values
        return render(request, "reports_hours.html", context, status_code=400)
    report = _report(request, db, viewer, query)
    context.update(report=report, query_string=_query_string(query), asked={
        "from": query.start.isoformat(), "to": query.end.isoformat(), "group": query.group,
        "contract": set(query.contract_ids), "org": query.organisation_id or ""})
    return render(request, "reports_hours.html", context)


def _download_query(request: Request,
                    start: str | None = Query(default=None, alias="from"),
                    end: str | None = Query(default=None, alias="to"),
                    contract: list[str] = Query(default=[]),  # noqa: B008
                    group: str | None = None, tz: str | None = None,
                    org: str | None = None) -> reports.ReportQuery:
    """The query of a download link (the page's parameters); a bad one is the page's 400."""
    try:
        return _query(request, _zone(request, tz), start, end, contract, group, org)
    except reports.ReportQueryError as exc:
        raise PageBadRequest(exc.template, code=exc.code, **exc.values) from None


DownloadQuery = Annotated[reports.ReportQuery, Depends(_download_query)]


@router.get("/reports/hours.csv")
def hours_csv(request: Request, db: DB, viewer: Viewer, query: DownloadQuery) -> Response:
    """The report as CSV (the API's columns)."""
    report = _report(request, db, viewer, query)
    return finish(request, Response(
        reports.report_csv(report), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition":
                 f'attachment; filename="{report_file_stem(report)}.csv"'}))


@router.get("/reports/hours.pdf")
def hours_pdf(request: Request, db: DB, viewer: Viewer, query: DownloadQuery) -> Response:
    """The report as PDF in the page's language."""
    report = _report(request, db, viewer, query)
    renderer: PdfRenderer = request.app.state.pdf_renderer
    data, name = report_pdf(renderer, report, now=_clock(request).now(),
                            language=page_language(request))
    return finish(request, Response(data, media_type=PDF_MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{name}"'}))


@router.get("/invoices/{invoice_id}.pdf")
def invoice_pdf_page(request: Request, invoice_id: str, db: DB, viewer: Viewer) -> Response:
    """One invoice of the viewer's contracts as PDF, in the page's language."""
    renderer: PdfRenderer = request.app.state.pdf_renderer
    try:
        data, name = invoice_pdf(renderer, db, user=viewer, invoice_id=invoice_id,
                                 now=_clock(request).now(), language=page_language(request))
    except NotFound:
        raise PageNotFound() from None
    return finish(request, Response(data, media_type=PDF_MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{name}"'}))
