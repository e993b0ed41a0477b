"""One invoice as a document: both parties, the contract, the week and a line per UTC day.

The invoice row is the record (its amount was rounded once over the week's undisputed seconds);
the day lines come from the week's timesheet (``services.timesheet``), so each day's seconds
and amount are those the timesheet shows. A day's amount is rounded on its own, so the days
may differ from the total by a cent or two: the document says the total is the invoice's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workdiary.server.errors import NotFound
from workdiary.server.models import Contract, Invoice, User
from workdiary.server.services.contracts import get_contract_for, party_names
from workdiary.server.services.timesheet import DayLine, get_timesheet

MAX_ID = 64


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    invoice: Invoice
    contract: Contract
    client_name: str
    freelancer_name: str
    days: list[DayLine]

    @property
    def undisputed_seconds(self) -> int:
        return max(0, self.invoice.billable_seconds - self.invoice.disputed_seconds)


def get_invoice_for(session: Session, *, user: User, invoice_id: str) -> tuple[Invoice, Contract]:
    """An invoice of a contract the caller can see; NotFound otherwise (not revealed)."""
    invoice = session.get(Invoice, invoice_id) if len(invoice_id) <= MAX_ID else None
    if invoice is None:
        raise NotFound(f"you have no invoice {invoice_id[:MAX_ID]}.", code="no_such_invoice")
    try:
        contract = get_contract_for(session, user=user, contract_id=invoice.contract_id)
    except NotFound:
        raise NotFound(f"you have no invoice {invoice_id}.", code="no_such_invoice") from None
    return invoice, contract


def invoice_document(session: Session, *, user: User, invoice_id: str,
                     now: datetime) -> InvoiceDocument:
    """What an invoice PDF shows."""
    invoice, contract = get_invoice_for(session, user=user, invoice_id=invoice_id)
    sheet = get_timesheet(session, user=user, contract_id=contract.id,
                          week_start=invoice.week_start, now=now)
    client_name, freelancer_name = party_names(session, contract)
    return InvoiceDocument(invoice, contract, client_name, freelancer_name, sheet.days)
