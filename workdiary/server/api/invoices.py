"""GET /invoices (JSON, or CSV with ?format=csv), GET /invoices.csv and one invoice as PDF."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from workdiary.server.api.schemas import InvoicePublic
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.pdf.documents import invoice_pdf
from workdiary.server.pdf.render import PDF_MEDIA_TYPE, PdfRenderer
from workdiary.server.services import invoices, timesheet

router = APIRouter(tags=["invoices"])
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, "application/json": {}},
          "description": "The caller's invoices."},
}


def _csv(session: DbSession, user: CurrentUser) -> Response:
    text = invoices.invoices_csv(invoices.list_invoices(session, user=user))
    return Response(content=text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="invoices.csv"'})


@router.get("/invoices", response_model=list[InvoicePublic], responses=CSV_RESPONSE)
def list_invoices(session: DbSession, user: CurrentUser,
                  format: Literal["json", "csv"] = Query(default="json"),
                  ) -> Response:
    """Invoices of the caller's contracts, newest week first; ``?format=csv`` for CSV."""
    if format == "csv":
        return _csv(session, user)
    rows = invoices.list_invoices(session, user=user)
    return JSONResponse([timesheet.invoice_dict(invoice) for invoice, _ in rows])


@router.get("/invoices.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "CSV export."}})
def invoices_csv(session: DbSession, user: CurrentUser) -> Response:
    """The caller's invoices as CSV (columns: see workdiary.server.services.invoices)."""
    return _csv(session, user)


@router.get("/invoices/{invoice_id}.pdf", response_class=Response,
            responses={200: {"content": {PDF_MEDIA_TYPE: {}},
                             "description": "The invoice as a PDF document."}})
def invoice_as_pdf(invoice_id: str, request: Request, session: DbSession, user: CurrentUser,
                   clock: AppClock) -> Response:
    """One invoice of the caller's contracts as PDF: both parties, the contract, the week, a
    line per day, the total and the status, in the caller's language."""
    renderer: PdfRenderer = request.app.state.pdf_renderer
    language = renderer.choose_language(
        account=user.language, accept_language=request.headers.get("accept-language"))
    data, name = invoice_pdf(renderer, session, user=user, invoice_id=invoice_id,
                             now=clock.now(), language=language)
    return Response(data, media_type=PDF_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
