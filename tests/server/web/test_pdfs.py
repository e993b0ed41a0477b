"""Invoice and report PDFs: their text read back with pypdf, figures checked; page 1 of each
rendered to PNG with pypdfium2 (test-artifacts/web/, reduced copies in docs/screenshots/).

The invoice is the web world's week of 2026-11-23 locked on Monday 30 November: Tuesday 24th
has 2,400 billable seconds at 45.00 USD/h, so 0:40:00 and 30.00.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from workdiary.server.models import Invoice
from workdiary.server.services import users as user_service
from workdiary.server.services.weeks import close_weeks

from .webworld import PEOPLE, World, sign_in

AFTER_LOCK = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
DAYS_EN = ["Mon, Nov 23, 2026", "Tue, Nov 24, 2026", "Wed, Nov 25, 2026", "Thu, Nov 26, 2026",
           "Fri, Nov 27, 2026", "Sat, Nov 28, 2026", "Sun, Nov 29, 2026"]


def _invoice_id(world: World) -> str:
    world.clock.advance((AFTER_LOCK - world.clock.now()).total_seconds())
    with world.app.state.sessionmaker() as db:
        close_weeks(db, world.clock.now())
        return db.scalars(select(Invoice.id).where(
            Invoice.contract_id == world.contract_id)).one()


def pdf_lines(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    # Babel puts no-break spaces in "30,00\u00a0US$" and "46\u00a0%": compare plain spaces.
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return [line.strip() for line in text.splitlines() if line.strip()]


def save_page_png(data: bytes, name: str) -> Path:
    import pypdfium2

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=1.25).to_pil()
    finally:
        document.close()
    path = ARTIFACTS / name
    image.save(path)
    return path


def test_invoice_pdf_has_both_parties_the_days_the_total_and_the_status(world: World) -> None:
    invoice_id = _invoice_id(world)
    client = sign_in(world.app, "client")
    assert f'href="/invoices/{invoice_id}.pdf"' in client.get("/invoices").text
    response = client.get(f"/invoices/{invoice_id}.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="invoice-2026-11-23-{invoice_id}.pdf"' in \
        response.headers["content-disposition"]
    lines = pdf_lines(response.content)
    assert f"Invoice {invoice_id}" in lines
    assert "Week of Nov 23, 2026 – Nov 29, 2026 (UTC days)" in lines
    for fact in ("Clara Client", "Fred Lancer", "Checkout redesign", "in review", "$45.00/h",
                 "USD"):
        assert fact in lines, fact
    days = [line for line in lines if line.startswith(tuple(DAYS_EN))]
    assert days == [f"{day} 0:00:00 0:00:00 $0.00" for day in DAYS_EN[:1]] + [
        "Tue, Nov 24, 2026 0:40:00 0:00:00 $30.00"] + [
        f"{day} 0:00:00 0:00:00 $0.00" for day in DAYS_EN[2:]]
    assert "Total 0:40:00 0:00:00 $30.00" in lines
    save_page_png(response.content, "invoice-pdf.png")


def test_a_paid_invoice_with_a_disputed_segment_says_so(world: World) -> None:
    invoice_id = _invoice_id(world)
    with world.app.state.sessionmaker() as db:  # as the week's job leaves one: paid, 10 min out
        invoice = db.get(Invoice, invoice_id)
        assert invoice is not None
        invoice.disputed_seconds, invoice.amount_cents = 600, 2250
        invoice.status, invoice.paid_cents, invoice.paid_at = "paid", 2250, AFTER_LOCK
        db.commit()
    lines = pdf_lines(sign_in(world.app, "freelancer").get(f"/invoices/{invoice_id}.pdf").content)
    assert "paid" in lines
    assert "Total 0:30:00 0:10:00 $22.50" in lines
    assert "Paid $22.50" in lines


def test_invoice_pdf_in_spanish(world: World) -> None:
    invoice_id = _invoice_id(world)
    client = sign_in(world.app, "freelancer")
    response = client.get(f"/invoices/{invoice_id}.pdf", headers={"Accept-Language": "es-ES"})
    lines = pdf_lines(response.content)
    assert f"Factura {invoice_id}" in lines
    assert "Semana del 23 nov 2026 al 29 nov 2026 (días UTC)" in lines
    assert "en revisión" in lines and "45,00 US$/h" in lines
    assert "mar, 24 nov 2026 0:40:00 0:00:00 30,00 US$" in lines
    assert "Total 0:40:00 0:00:00 30,00 US$" in lines


def test_the_api_gives_the_pdf_in_the_accounts_language(world: World) -> None:
    invoice_id = _invoice_id(world)
    with world.app.state.sessionmaker() as db:
        client_user = user_service.get_user_by_email(db, email=PEOPLE["client"])
        assert client_user is not None
        user_service.set_language(db, user=client_user, language="es")
        db.commit()
        token = user_service.issue_token(db, user=client_user, device_name="t",
                                         now=world.clock.now())
    api = TestClient(world.app, base_url="http://testserver/api/v1",
                     headers={"Authorization": f"Bearer {token}"})
    response = api.get(f"/invoices/{invoice_id}.pdf")
    assert response.status_code == 200
    assert "Total 0:40:00 0:00:00 30,00 US$" in pdf_lines(response.content)
    assert api.get("/invoices/nope.pdf").json()["error"]["code"] == "no_such_invoice"
    stranger = sign_in(world.app, "other_client")
    assert stranger.get(f"/invoices/{invoice_id}.pdf").status_code == 404


def test_report_pdf_figures(world: World) -> None:
    client = sign_in(world.app, "client")
    response = client.get("/reports/hours.pdf?from=2026-11-01&to=2026-11-30&group=day&tz=UTC")
    assert response.status_code == 200
    assert 'filename="hours-2026-11-01-2026-11-30.pdf"' in response.headers["content-disposition"]
    lines = pdf_lines(response.content)
    assert "Hours report" in lines
    assert "Sun, Nov 1, 2026 – Mon, Nov 30, 2026, days in UTC" in lines
    # billable, protected, unprotected, manual, activity, amount
    assert "Tue, Nov 24, 2026 0:40:00 0:20:00 0:20:00 0:00:00 46% $30.00" in lines
    assert "Total 0:40:00 0:20:00 0:20:00 0:00:00 46% $30.00" in lines
    assert "Contracts: Checkout redesign" in lines
    spanish = pdf_lines(client.get("/reports/hours.pdf?from=2026-11-01&to=2026-11-30&tz=UTC",
                                   headers={"Accept-Language": "es"}).content)
    assert "Informe de horas" in spanish
    assert "mar, 24 nov 2026 0:40:00 0:20:00 0:20:00 0:00:00 46 % 30,00 US$" in spanish
    save_page_png(response.content, "report-pdf.png")


def test_weasyprint_is_loaded_only_for_a_pdf() -> None:
    code = ("import sys, workdiary.server.app, workdiary.server.web.pages_reports; "
            "print('weasyprint' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "False"


def test_without_weasyprint_a_pdf_is_a_clear_503(world: World,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now fails
    client = sign_in(world.app, "client")
    response = client.get("/reports/hours.pdf?from=2026-11-01&to=2026-11-30")
    assert response.status_code == 503
    assert "cannot make PDFs" in response.text
    assert client.get("/reports/hours.csv?from=2026-11-01&to=2026-11-30").status_code == 200
