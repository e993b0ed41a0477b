"""A freelancer's weeks across all their contracts: hours, earnings and where each week is
(open, in review, disputed, approved, paid), with totals per week and per currency.

Read for the page ``/my-weeks`` and ``GET /api/v1/me/weeks``, in a fixed number of queries
(contracts, terms, client names, segments summed by contract and week, invoices, live
disputes). A locked week's figures are its invoice's (hours at lock, the undisputed amount
at that week's rate, what the ledger paid); an open week's are live: its billed seconds
less disputed ones at that week's rate (``core/billing.amount_cents``, rounded once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from workdiary.core.billing import amount_cents
from workdiary.core.week import review_deadline
from workdiary.core.week import week_start as week_start_of
from workdiary.server.errors import Forbidden, Unprocessable
from workdiary.server.models import (
    Contract,
    ContractTerms,
    Dispute,
    DisputeSegment,
    Invoice,
    SegmentRow,
    User,
)
from workdiary.server.services.contract_timeline import pick_terms
from workdiary.server.services.contracts import contracts_for
from workdiary.server.services.dashboard import MAX_WEEKS_BACK, as_datetime
from workdiary.server.services.dispute_states import LIVE, WITHHOLDING
from workdiary.server.services.users import names_by_id

MAX_RANGE_WEEKS = 53  # a year and a bit per request
DEFAULT_WEEKS = 8
STATUSES = ("open", "in_review", "disputed", "approved", "paid")


def choose_range(start: date | None, end: date | None, *, now: datetime) -> tuple[date, date]:
    """Mondays of ``start`` and ``end`` (defaults: the last eight weeks up to this one);
    at most 53 weeks, none after this week or more than ten years back."""
    current = week_start_of(now).date()
    last = current if end is None else end - timedelta(days=end.weekday())
    first = (last - timedelta(weeks=DEFAULT_WEEKS - 1) if start is None
             else start - timedelta(days=start.weekday()))
    if last > current:
        raise Unprocessable(f"the range ends after this week ({current.isoformat()}).",
                            code="week_in_future")
    if first > last:
        raise Unprocessable("'from' must be on or before 'to'.", code="invalid_range")
    if first < current - timedelta(weeks=MAX_WEEKS_BACK):
        raise Unprocessable("weeks go back at most ten years (520 weeks).",
                            code="week_out_of_range")
    if (last - first).days // 7 + 1 > MAX_RANGE_WEEKS:
        raise Unprocessable(f"at most {MAX_RANGE_WEEKS} weeks at a time.",
                            code="range_too_long")
    return first, last


@dataclass(frozen=True, slots=True)
class ContractWeek:
    contract: Contract
    client_name: str
    week_start: date
    billed_seconds: int
    disputed_seconds: int
    rate_cents: int
    earnings_cents: int  # undisputed amount (the invoice's, or the live estimate)
    paid_cents: int
    status: str  # one of STATUSES
    review_deadline: datetime | None

    @property
    def currency(self) -> str:
        return self.contract.currency

    def to_dict(self) -> dict[str, object]:
        return {
            "contract_id": self.contract.id, "title": self.contract.title,
            "client_name": self.client_name, "week_start": self.week_start.isoformat(),
            "billed_seconds": self.billed_seconds, "disputed_seconds": self.disputed_seconds,
            "rate_cents": self.rate_cents, "earnings_cents": self.earnings_cents,
            "paid_cents": self.paid_cents, "currency": self.currency, "status": self.status,
            "review_deadline": (self.review_deadline.isoformat().replace("+00:00", "Z")
                                if self.review_deadline else None),
        }


@dataclass(frozen=True, slots=True)
class Money:
    billed_seconds: int = 0
    earnings_cents: int = 0
    paid_cents: int = 0

    def plus(self, week: ContractWeek) -> Money:
        return Money(self.billed_seconds + week.billed_seconds,
                     self.earnings_cents + week.earnings_cents,
                     self.paid_cents + week.paid_cents)

    def to_dict(self) -> dict[str, int]:
        return {"billed_seconds": self.billed_seconds, "earnings_cents": self.earnings_cents,
                "paid_cents": self.paid_cents}


@dataclass(frozen=True, slots=True)
class WeekGroup:
    week_start: date
    lines: list[ContractWeek]
    totals: dict[str, Money] = field(default_factory=dict)  # by currency

    def to_dict(self) -> dict[str, object]:
        return {"week_start": self.week_start.isoformat(),
                "contracts": [line.to_dict() for line in self.lines],
                "totals": [{"currency": cur, **money.to_dict()}
                           for cur, money in sorted(self.totals.items())]}


@dataclass(frozen=True, slots=True)
class FreelancerWeeks:
    first: date
    last: date
    weeks: list[WeekGroup]  # newest first; weeks without time or invoice left out
    totals: dict[str, Money]  # the whole range, by currency

    def to_dict(self) -> dict[str, object]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(),
                "weeks": [w.to_dict() for w in self.weeks],
                "totals": [{"currency": cur, **money.to_dict()}
                           for cur, money in sorted(self.totals.items())]}


def _totals(lines: list[ContractWeek]) -> dict[str, Money]:
    totals: dict[str, Money] = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, Money()).plus(line)
    return totals


def get_weeks(session: Session, *, user: User, now: datetime, start: date | None = None,
              end: date | None = None) -> FreelancerWeeks:
    """The freelancer's contract-weeks with billed time or an invoice, newest week first."""
    if user.role != "freelancer":
        raise Forbidden("these are a freelancer's own weeks: clients see the team dashboard "
                        "at /api/v1/dashboard.", code="not_a_freelancer")
    first, last = choose_range(start, end, now=now)
    contracts = {c.id: c for c in contracts_for(session, user=user)
                 if c.freelancer_id == user.id}
    ids = list(contracts)
    if not ids:
        return FreelancerWeeks(first, last, [], {})
    in_range = (SegmentRow.contract_id.in_(ids), SegmentRow.week_start >= first,
                SegmentRow.week_start <= last, SegmentRow.deleted.is_(False),
                SegmentRow.status != "rejected")
    withheld = (select(DisputeSegment.segment_id)
                .join(Dispute, Dispute.id == DisputeSegment.dispute_id)
                .where(Dispute.contract_id.in_(ids), Dispute.state.in_(WITHHOLDING)))
    live_seconds = {(cid, week): (int(total or 0), int(disputed or 0))
                    for cid, week, total, disputed in session.execute(
        select(SegmentRow.contract_id, SegmentRow.week_start,
               func.sum(SegmentRow.billable_seconds),
               func.sum(case((SegmentRow.id.in_(withheld), SegmentRow.billable_seconds),
                             else_=0)))
        .where(*in_range).group_by(SegmentRow.contract_id, SegmentRow.week_start))}
    invoices = {(inv.contract_id, inv.week_start): inv for inv in session.scalars(
        select(Invoice).where(Invoice.contract_id.in_(ids), Invoice.week_start >= first,
                              Invoice.week_start <= last))}
    disputed_weeks = {(cid, week) for cid, week in session.execute(
        select(Dispute.contract_id, Dispute.week_start).distinct()
        .where(Dispute.contract_id.in_(ids), Dispute.state.in_(LIVE),
               Dispute.week_start >= first, Dispute.week_start <= last))}
    terms: dict[str, list[ContractTerms]] = {cid: [] for cid in ids}
    for row in session.scalars(select(ContractTerms).where(ContractTerms.contract_id.in_(ids))):
        terms[row.contract_id].append(row)
    names = names_by_id(session, user_ids=[c.client_id for c in contracts.values()])
    lines = []
    for key in sorted(set(live_seconds) | set(invoices)):
        cid, week = key
        contract = contracts[cid]
        invoice = invoices.get(key)
        if invoice is not None:
            line = ContractWeek(
                contract, names.get(contract.client_id, ""), week, invoice.billable_seconds,
                invoice.disputed_seconds, invoice.rate_cents, invoice.amount_cents,
                invoice.paid_cents,
                "disputed" if key in disputed_weeks else invoice.status,
                review_deadline(as_datetime(week)) if invoice.status == "in_review" else None)
        else:
            billed, disputed = live_seconds[key]
            if not billed:
                continue  # only rejected or zero-second time: nothing to earn
            rate = pick_terms(contract, terms[cid], week).rate_cents
            line = ContractWeek(contract, names.get(contract.client_id, ""), week, billed,
                                disputed, rate, amount_cents(billed - disputed, rate), 0,
                                "disputed" if key in disputed_weeks else "open", None)
        lines.append(line)
    by_week: dict[date, list[ContractWeek]] = {}
    for line in lines:
        by_week.setdefault(line.week_start, []).append(line)
    groups = [WeekGroup(week, sorted(group, key=lambda w: (w.contract.title.casefold(),
                                                             w.contract.id)),
                        _totals(group))
              for week, group in sorted(by_week.items(), reverse=True)]
    return FreelancerWeeks(first, last, groups, _totals(lines))
