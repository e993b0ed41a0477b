"""The documents themselves: an invoice and an hours report as PDF bytes with a file name.

The API and the web pages both call these, so a PDF reads the same whichever way it came.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workdiary.server.i18n.language import Language
from workdiary.server.models import User
from workdiary.server.pdf.render import PdfRenderer
from workdiary.server.services.invoice_documents import invoice_document
from workdiary.server.services.reports import HoursReport


def invoice_pdf(renderer: PdfRenderer, session: Session, *, user: User, invoice_id: str,
                now: datetime, language: Language) -> tuple[bytes, str]:
    """An invoice of the caller's contracts (NotFound otherwise) and its file name."""
    doc = invoice_document(session, user=user, invoice_id=invoice_id, now=now)
    data = renderer.pdf("invoice", {
        "doc": doc, "week_end": doc.invoice.week_start + timedelta(days=6), "made_at": now,
    }, language=language)
    return data, f"invoice-{doc.invoice.week_start.isoformat()}-{doc.invoice.id}.pdf"


def report_pdf(renderer: PdfRenderer, report: HoursReport, *, now: datetime,
               language: Language) -> tuple[bytes, str]:
    """An hours report and its file name."""
    data = renderer.pdf("hours_report", {"report": report, "made_at": now}, language=language)
    return data, f"{report_file_stem(report)}.pdf"


def report_file_stem(report: HoursReport) -> str:
    """``hours-2026-11-01-2026-11-30``: the report's days, for its CSV and PDF downloads."""
    return f"hours-{report.query.start.isoformat()}-{report.query.end.isoformat()}"
