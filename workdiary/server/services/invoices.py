"""Invoices as the caller sees them, and their CSV export.

CSV (``GET /api/v1/invoices?format=csv`` or ``/api/v1/invoices.csv``): one row per
invoice, UTF-8, comma-separated, a header row, amounts in integer cents, times ISO 8601 UTC.
A text cell starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` so a
spreadsheet shows it instead of running it as a formula (a contract titled ``=HYPERLINK(...)``).
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.server.models import Contract, Invoice, LedgerEntry, User
from workdiary.server.services.contract_access import visible_to

CSV_COLUMNS = (
    "id", "contract_id", "contract_title", "week_start", "billable_minutes", "disputed_minutes",
    "billable_seconds", "disputed_seconds", "rate_cents", "amount_cents", "paid_cents",
    "currency", "status", "approved_by", "approved_at", "paid_at",
)


def list_invoices(session: Session, *, user: User) -> list[tuple[Invoice, Contract]]:
    """Invoices of the contracts the caller sees (as client, freelancer or organisation
    member), newest week first."""
    return [(invoice, contract) for invoice, contract in session.execute(
        select(Invoice, Contract).join(Contract, Contract.id == Invoice.contract_id)
        .where(visible_to(user))
        .order_by(Invoice.week_start.desc(), Contract.title, Invoice.id)
    ).all()]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text value a spreadsheet will not evaluate; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def invoices_csv(rows: list[tuple[Invoice, Contract]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for invoice, contract in rows:
        writer.writerow(csv_cell(cell) for cell in [
            invoice.id, invoice.contract_id, contract.title, invoice.week_start.isoformat(),
            invoice.billable_minutes, invoice.disputed_minutes, invoice.billable_seconds,
            invoice.disputed_seconds, invoice.rate_cents,
            invoice.amount_cents, invoice.paid_cents, invoice.currency, invoice.status,
            invoice.approved_by or "",
            invoice.approved_at.isoformat() if invoice.approved_at else "",
            invoice.paid_at.isoformat() if invoice.paid_at else "",
        ])
    return out.getvalue()


def ledger_for(session: Session, *, user: User) -> list[LedgerEntry]:
    """The caller's own ledger entries (debits as client, credits as freelancer)."""
    return list(session.scalars(select(LedgerEntry).where(LedgerEntry.user_id == user.id)
                                .order_by(LedgerEntry.created_at, LedgerEntry.id)))
