"""GET /reports/hours: the hours report as JSON, CSV or PDF (``?format=``)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from workdiary.server.api.report_schemas import HoursReportOut
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.pdf.documents import report_file_stem, report_pdf
from workdiary.server.pdf.render import PDF_MEDIA_TYPE, PdfRenderer
from workdiary.server.services import reports

router = APIRouter(tags=["reports"])
REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}, PDF_MEDIA_TYPE: {}},
          "description": "The hours report."},
}


@router.get("/reports/hours", response_model=HoursReportOut, responses=REPORT_RESPONSES)
def hours_report(
    request: Request, session: DbSession, user: CurrentUser, clock: AppClock,
    start: str | None = Query(default=None, alias="from", max_length=40,
                              description="First local day, YYYY-MM-DD (default: the 1st "
                                          "of the month of `to`)."),
    end: str | None = Query(default=None, alias="to", max_length=40,
                            description="Last local day, YYYY-MM-DD (default: today)."),
    contract: list[str] = Query(default=[], description="Contract ids (repeat the "  # noqa: B008
                                                        "parameter); none: every contract."),
    group: str = Query(default="day", max_length=40, description="day, contract or freelancer"),
    org: str | None = Query(default=None, max_length=64,
                            description="An organisation's id: only its contracts (404 for a "
                                        "non-member)."),
    tz: str = Query(default="UTC", max_length=64, description="IANA zone of the days."),
    format: Literal["json", "csv", "pdf"] = Query(default="json"),
) -> Response:
    """Billed hours and amounts of the caller's contracts over local days, grouped."""
    query = reports.parse_query(start=start, end=end, contract_ids=contract, group=group,
                                tz=tz, now=clock.now(), organisation_id=org)
    report = reports.hours_report(session, user=user, query=query)
    name = report_file_stem(report)
    if format == "csv":
        return Response(reports.report_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if format == "pdf":
        renderer: PdfRenderer = request.app.state.pdf_renderer
        language = renderer.choose_language(
            account=user.language, accept_language=request.headers.get("accept-language"))
        data, filename = report_pdf(renderer, report, now=clock.now(), language=language)
        return Response(data, media_type=PDF_MEDIA_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return JSONResponse(report.to_dict())
