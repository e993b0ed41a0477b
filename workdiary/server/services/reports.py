"""The hours report: billed time of a date range over a set of contracts, grouped by day,
contract or freelancer, with its amounts per currency.

Built only on ``contracts_for`` / ``get_contract_for`` (the contracts the caller can see), so
whoever those functions let see a contract sees it here too. Time is billed by the second
(``core.billing``): a row's seconds are the sum of its segments' billable seconds; its amount
is, for each contract-week inside the row, those seconds at that UTC week's rate
(``pick_terms``: a change of rate applies from the next week) rounded once to the cent, then
summed per currency. Disputes do not change the report: it shows billed time, the invoices
show what is owed. Days are the viewer's local days (a segment counts on the day it starts).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from workdiary.core.activity import activity_of
from workdiary.core.billing import amount_cents, hours_minutes_seconds
from workdiary.core.canonical import minute_from_dict
from workdiary.core.timegrid import local_day_bounds
from workdiary.server.errors import Unprocessable
from workdiary.server.i18n.language import N_
from workdiary.server.models import Contract, ContractTerms, SegmentRow, User
from workdiary.server.services.contract_timeline import pick_terms
from workdiary.server.services.contracts import contracts_for, get_contract_for
from workdiary.server.services.diary import zone as checked_zone
from workdiary.server.services.invoices import csv_cell
from workdiary.server.services.organisations import scoped
from workdiary.server.services.users import names_by_id

GROUPS = ("day", "contract", "freelancer")
MAX_DAYS = 366  # a year, leap day included
MAX_CONTRACTS = 100  # contract ids one query may name
# Eight full-time years of one freelancer's 10-minute segments. Reading costs ~0.1-0.3 ms a
# segment (its minutes are parsed for the activity): the largest report takes 10-30 s.
MAX_SEGMENTS = 100_000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


class ReportQueryError(Unprocessable):
    """A refused query: ``template`` (a msgid with ``%(name)s``) and ``values`` let a page say
    it in the viewer's language; ``message`` is the English the API sends."""

    def __init__(self, template: str, *, code: str, **values: object) -> None:
        super().__init__(template % values, code=code)
        self.template, self.values = template, values


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """A checked query: local days ``start``..``end`` (both included) in ``tz``."""

    start: date
    end: date
    contract_ids: tuple[str, ...]  # empty: every contract the caller can see
    group: str
    tz: str = "UTC"
    organisation_id: str | None = None  # only this organisation's contracts (of those named)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


NOT_A_DATE = {
    "start": N_("The start date “%(text)s” is not a date: use YYYY-MM-DD, e.g. 2026-11-23."),
    "end": N_("The end date “%(text)s” is not a date: use YYYY-MM-DD, e.g. 2026-11-23."),
}


def _parse_day(text: str, what: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ReportQueryError(NOT_A_DATE[what], code="invalid_date", text=text[:40]) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ReportQueryError(N_("Reports cover the years 2000 to 2100: pick dates in "
                                  "that range."), code="date_out_of_range")
    return day


def parse_query(*, start: str | None, end: str | None, contract_ids: Sequence[str],
                group: str | None, tz: str, now: datetime,
                organisation_id: str | None = None) -> ReportQuery:
    """Check what a caller asked; missing dates mean this month up to today (in ``tz``)."""
    today = now.astimezone(checked_zone(tz)).date()  # an unknown zone is a 422 invalid_tz
    last = _parse_day(end, "end") if end else today
    first = _parse_day(start, "start") if start else last.replace(day=1)
    if first > last:
        raise ReportQueryError(N_("The start date (%(start)s) is after the end date "
                                  "(%(end)s)."), code="dates_reversed",
                               start=first.isoformat(), end=last.isoformat())
    if (last - first).days + 1 > MAX_DAYS:
        raise ReportQueryError(N_("A report covers at most %(days)s days: shorten the "
                                  "range."), code="range_too_long", days=MAX_DAYS)
    chosen = (group or "day").strip()
    if chosen not in GROUPS:
        raise ReportQueryError(N_("Group by day, contract or freelancer, not “%(group)s”."),
                               code="unknown_group", group=chosen[:40])
    ids = tuple(dict.fromkeys(i.strip() for i in contract_ids if i.strip()))
    if len(ids) > MAX_CONTRACTS:
        raise ReportQueryError(N_("A report names at most %(count)s contracts."),
                               code="too_many_contracts", count=MAX_CONTRACTS)
    org = (organisation_id or "").strip()[:64] or None  # ids are 32 characters
    return ReportQuery(first, last, ids, chosen, tz, org)


@dataclass(slots=True)
class ReportRow:
    """One group's sums; seconds are billed seconds (rejected and deleted segments bill 0)."""

    key: str
    label: str
    seconds: int = 0
    protected_seconds: int = 0
    unprotected_seconds: int = 0  # tracked, billable with reasons
    manual_seconds: int = 0
    segments: int = 0
    active_seconds: int = 0  # over the tracked minutes of non-manual segments
    tracked_seconds: int = 0
    amounts: dict[str, int] = field(default_factory=dict)  # currency -> cents
    day: date | None = None  # the local day, when grouped by day

    @property
    def hours(self) -> str:
        return hours_minutes_seconds(self.seconds)

    @property
    def activity_percent(self) -> int | None:
        """Active seconds out of tracked seconds (None when nothing was tracked)."""
        if not self.tracked_seconds:
            return None
        return (100 * self.active_seconds) // self.tracked_seconds

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "seconds": self.seconds,
                "hours": self.hours, "protected_seconds": self.protected_seconds,
                "unprotected_seconds": self.unprotected_seconds,
                "manual_seconds": self.manual_seconds, "segments": self.segments,
                "activity_percent": self.activity_percent,
                "amounts": [{"currency": c, "amount_cents": a}
                            for c, a in sorted(self.amounts.items())]}


@dataclass(frozen=True, slots=True)
class HoursReport:
    query: ReportQuery
    contracts: list[Contract]  # the contracts reported on
    rows: list[ReportRow]
    total: ReportRow

    def to_dict(self) -> dict[str, object]:
        q = self.query
        return {"from": q.start.isoformat(), "to": q.end.isoformat(), "tz": q.tz,
                "group": q.group, "organisation_id": q.organisation_id,
                "contract_ids": [c.id for c in self.contracts],
                "rows": [r.to_dict() for r in self.rows], "total": self.total.to_dict()}


def _chosen_contracts(session: Session, user: User, query: ReportQuery) -> list[Contract]:
    """The named contracts (each one the caller can see, else the usual 404: existence not
    revealed) or every visible one; with an organisation (404 for a non-member), only its."""
    org = (scoped(session, user=user, organisation_id=query.organisation_id)[0]
           if query.organisation_id else None)
    if query.contract_ids:
        chosen = [get_contract_for(session, user=user, contract_id=i)
                  for i in query.contract_ids]
    else:
        chosen = [c for c in contracts_for(session, user=user) if c.freelancer_id is not None]
    return [c for c in chosen if org is None or c.organisation_id == org.id]


def _segments_of(session: Session, contracts: list[Contract], query: ReportQuery
                 ) -> Iterator[Row[Any]]:
    """The billable segments the query covers, streamed (only the columns the sums need)."""
    zone = ZoneInfo(query.tz)
    start = local_day_bounds(query.start, zone)[0]
    end = local_day_bounds(query.end, zone)[1]
    where = (SegmentRow.contract_id.in_([c.id for c in contracts]),
             SegmentRow.start >= start, SegmentRow.start < end,
             SegmentRow.deleted.is_(False), SegmentRow.status != "rejected")
    count = session.scalar(select(func.count()).select_from(SegmentRow).where(*where)) or 0
    if count > MAX_SEGMENTS:
        raise ReportQueryError(N_("These days and contracts hold %(count)s segments, more than "
                                  "a report reads (%(limit)s): choose fewer days or contracts."),
                               code="report_too_large", count=count, limit=MAX_SEGMENTS)
    return iter(session.execute(
        select(SegmentRow.contract_id, SegmentRow.freelancer_id, SegmentRow.start,
               SegmentRow.week_start, SegmentRow.kind, SegmentRow.status,
               SegmentRow.billable_seconds, SegmentRow.body)
        .where(*where).order_by(SegmentRow.start, SegmentRow.id)
        .execution_options(yield_per=1000)))


def _group_key(query: ReportQuery, row: Row[Any], zone: ZoneInfo) -> str:
    if query.group == "day":
        return str(row.start.astimezone(zone).date().isoformat())
    return str(row.contract_id if query.group == "contract" else row.freelancer_id)


def hours_report(session: Session, *, user: User, query: ReportQuery) -> HoursReport:
    """The report of ``query`` over the contracts the caller can see."""
    contracts = _chosen_contracts(session, user, query)
    by_id = {c.id: c for c in contracts}
    terms: dict[str, list[ContractTerms]] = {c.id: [] for c in contracts}
    for term in session.scalars(select(ContractTerms).where(
            ContractTerms.contract_id.in_(list(by_id)))):
        terms[term.contract_id].append(term)
    names = names_by_id(session, user_ids={c.freelancer_id for c in contracts
                                           if c.freelancer_id})
    rows = _segments_of(session, contracts, query) if contracts else iter(())  # read last
    zone = ZoneInfo(query.tz)
    groups: dict[str, ReportRow] = {}
    week_seconds: dict[tuple[str, str, date], int] = {}  # (group, contract, week) -> seconds
    for row in rows:
        key = _group_key(query, row, zone)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ReportRow(
                key, _label(query, key, by_id, names),
                day=date.fromisoformat(key) if query.group == "day" else None)
        _add_segment(group, row)
        slot = (key, row.contract_id, row.week_start)
        week_seconds[slot] = week_seconds.get(slot, 0) + row.billable_seconds
    total = ReportRow("total", "")
    for (key, contract_id, week), seconds in week_seconds.items():
        contract = by_id[contract_id]
        cents = amount_cents(seconds, pick_terms(contract, terms[contract_id], week).rate_cents)
        amounts = groups[key].amounts
        amounts[contract.currency] = amounts.get(contract.currency, 0) + cents
    for group in groups.values():
        _add_row(total, group)
    ordered = sorted(groups.values(), key=lambda g: g.key if query.group == "day"
                     else (g.label.casefold(), g.key))
    return HoursReport(query, contracts, ordered, total)


def _label(query: ReportQuery, key: str, contracts: dict[str, Contract],
           names: dict[str, str]) -> str:
    if query.group == "contract":
        return contracts[key].title
    if query.group == "freelancer":
        return names.get(key, key)
    return key


def _add_segment(group: ReportRow, row: Row[Any]) -> None:
    seconds = row.billable_seconds
    group.seconds += seconds
    group.segments += 1
    if row.kind == "manual":
        group.manual_seconds += seconds
        return  # manual time has no minutes: it counts for no activity
    if row.status == "protected":
        group.protected_seconds += seconds
    else:
        group.unprotected_seconds += seconds
    # Only the minutes are parsed, through the core's own record (one rule for "active").
    activity = activity_of(minute_from_dict(m) for m in row.body.get("minutes", ()))
    group.active_seconds += activity.active_seconds
    group.tracked_seconds += activity.tracked_seconds


def _add_row(total: ReportRow, row: ReportRow) -> None:
    for name in ("seconds", "protected_seconds", "unprotected_seconds", "manual_seconds",
                 "segments", "active_seconds", "tracked_seconds"):
        setattr(total, name, getattr(total, name) + getattr(row, name))
    for currency, cents in row.amounts.items():
        total.amounts[currency] = total.amounts.get(currency, 0) + cents


CSV_COLUMNS = ("group", "key", "label", "seconds", "hours", "protected_seconds",
               "unprotected_seconds", "manual_seconds", "segments", "activity_percent")


def report_csv(report: HoursReport) -> str:
    """One row per group and a last ``total`` row; one ``amount_cents_<CUR>`` column per
    currency of the report (integer cents), so no row is counted twice."""
    currencies = sorted(report.total.amounts)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *(f"amount_cents_{c}" for c in currencies)])
    for row in [*report.rows, report.total]:
        percent = row.activity_percent
        writer.writerow(csv_cell(cell) for cell in [
            "total" if row is report.total else report.query.group, row.key, row.label,
            row.seconds, row.hours, row.protected_seconds, row.unprotected_seconds,
            row.manual_seconds, row.segments, "" if percent is None else percent,
            *(row.amounts.get(c, 0) for c in currencies)])
    return out.getvalue()
