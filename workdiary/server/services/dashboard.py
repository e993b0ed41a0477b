"""The team dashboard: every contract a client sees, one UTC week, side by side.

One read model for the page and the API (``GET /api/v1/dashboard``). It is built in a fixed
number of queries whatever the number of contracts (contracts, terms, names, the week's
kept day totals (services/day_totals.py), the disputed segments, who worked in the last 15
minutes, live disputes, invoices in review): never a query per contract, and never a sum
over the week's segments, so a client with 200 contracts gets the page in tens of
milliseconds (benchmarks/bench_dashboard.py).

Figures (docs/design.md, "Dashboard"): billed time is the sum of the week's segments'
``billable_seconds`` (what counts against the weekly limit, as on the timesheet); the
activity is the week's active minutes out of its tracked minutes (the diary's meter);
the unprotected and manual shares are parts of the billed time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from workdiary.core.model import VALID_SEGMENT_MINUTES
from workdiary.core.week import review_deadline
from workdiary.core.week import week_start as week_start_of
from workdiary.server.errors import Forbidden, Unprocessable
from workdiary.server.models import (
    Contract,
    ContractTerms,
    Dispute,
    DisputeSegment,
    Invoice,
    Organisation,
    SegmentRow,
    User,
)
from workdiary.server.services import day_totals
from workdiary.server.services.contract_timeline import TermsRow, pick_terms
from workdiary.server.services.contracts import contracts_for
from workdiary.server.services.dispute_states import LIVE, WITHHOLDING
from workdiary.server.services.in_list import in_list
from workdiary.server.services.organisations import scoped
from workdiary.server.services.users import names_by_id

WORKING_WINDOW = timedelta(minutes=15)  # "working now": a segment ended this recently
LONGEST_SEGMENT = timedelta(minutes=max(VALID_SEGMENT_MINUTES))
MAX_WEEKS_BACK = 520  # ten years of weeks; older ones are refused, not scanned
SORT_KEYS = ("contract", "freelancer", "working", "hours", "limit", "activity",
             "unprotected", "manual", "disputes", "deadline")
DIRECTIONS = ("asc", "desc")
CATEGORIES = ("protected", "unprotected", "manual", "disputed")  # DayBar's fields, in order
DISPUTED = CATEGORIES.index("disputed")


def client_side_contracts(session: Session, *, user: User,
                          organisation: Organisation | None = None) -> list[Contract]:
    """The contracts ``user`` sees on the client side: every contract visible to them that
    they do not work on themselves (declined offers left out); with ``organisation``, only
    that organisation's. The one place that decides whose contracts the dashboard shows."""
    return [c for c in contracts_for(session, user=user)
            if c.freelancer_id != user.id and c.status != "declined"
            and (organisation is None or c.organisation_id == organisation.id)]


def as_datetime(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def choose_week(week: date | None, *, now: datetime) -> date:
    """The Monday of ``week`` (any day of it; None: this UTC week), at most ten years back
    and never after this week."""
    current = week_start_of(now).date()
    if week is None:
        return current
    monday = week - timedelta(days=week.weekday())
    if monday > current:
        raise Unprocessable(f"the week of {monday.isoformat()} has not started yet: choose "
                            f"{current.isoformat()} or an earlier week.", code="week_in_future")
    if monday < current - timedelta(weeks=MAX_WEEKS_BACK):
        raise Unprocessable("the dashboard goes back at most ten years (520 weeks).",
                            code="week_out_of_range")
    return monday


@dataclass(frozen=True, slots=True)
class DayBar:
    """One UTC day's billed seconds, split into the chart's four disjoint parts: time under a
    dispute that withholds it, else manual, else unprotected, else protected."""

    day: date
    protected: int = 0
    unprotected: int = 0
    manual: int = 0
    disputed: int = 0

    @property
    def total(self) -> int:
        return self.protected + self.unprotected + self.manual + self.disputed

    def part(self, category: str) -> int:
        return int(getattr(self, category))

    def to_dict(self) -> dict[str, object]:
        return {"date": self.day.isoformat(), "protected_seconds": self.protected,
                "unprotected_seconds": self.unprotected, "manual_seconds": self.manual,
                "disputed_seconds": self.disputed}


def _share(part: int, whole: int) -> int | None:
    """Whole percent, rounded down; None when there is no whole to share."""
    return (100 * part) // whole if whole else None


@dataclass(frozen=True, slots=True)
class DashboardLine:
    contract: Contract
    freelancer_name: str
    working_now: bool
    billed_seconds: int
    weekly_limit_minutes: int | None  # that week's terms
    tracked_minutes: int
    active_minutes: int
    # Parts of the billed time whether disputed or not (the chart's parts put disputes first).
    unprotected_seconds: int  # tracked time verified unprotected (manual time not included)
    manual_seconds: int
    disputed_seconds: int  # billed time under a dispute that withholds it
    open_disputes: int
    review_deadline: datetime | None
    days: tuple[DayBar, ...]

    @property
    def limit_percent(self) -> int | None:
        if not self.weekly_limit_minutes:
            return None
        return (100 * self.billed_seconds) // (self.weekly_limit_minutes * 60)

    @property
    def activity_percent(self) -> int | None:
        return _share(self.active_minutes, self.tracked_minutes)

    @property
    def unprotected_percent(self) -> int | None:
        return _share(self.unprotected_seconds, self.billed_seconds)

    @property
    def manual_percent(self) -> int | None:
        return _share(self.manual_seconds, self.billed_seconds)

    def to_dict(self) -> dict[str, object]:
        c = self.contract
        return {
            "contract_id": c.id, "title": c.title, "status": c.status,
            "freelancer_id": c.freelancer_id, "freelancer_name": self.freelancer_name,
            "working_now": self.working_now, "billed_seconds": self.billed_seconds,
            "weekly_limit_minutes": self.weekly_limit_minutes,
            "limit_percent": self.limit_percent, "activity_percent": self.activity_percent,
            "tracked_minutes": self.tracked_minutes, "active_minutes": self.active_minutes,
            "unprotected_seconds": self.unprotected_seconds,
            "unprotected_percent": self.unprotected_percent,
            "manual_seconds": self.manual_seconds, "manual_percent": self.manual_percent,
            "disputed_seconds": self.disputed_seconds, "open_disputes": self.open_disputes,
            "review_deadline": (self.review_deadline.isoformat().replace("+00:00", "Z")
                                if self.review_deadline else None),
            "days": [d.to_dict() for d in self.days],
        }


SORTS: dict[str, Callable[[DashboardLine], object]] = {
    "contract": lambda line: line.contract.title.casefold(),
    "freelancer": lambda line: line.freelancer_name.casefold(),
    "working": lambda line: line.working_now,
    "hours": lambda line: line.billed_seconds,
    "limit": lambda line: line.limit_percent,
    "activity": lambda line: line.activity_percent,
    "unprotected": lambda line: line.unprotected_percent,
    "manual": lambda line: line.manual_percent,
    "disputes": lambda line: line.open_disputes,
    "deadline": lambda line: line.review_deadline,
}


def check_sort(sort: str | None, direction: str | None) -> tuple[str, str]:
    """A known column and direction (defaults: contract title, ascending), else a 422."""
    sort = sort or "contract"
    direction = direction or "asc"
    if sort not in SORTS:
        raise Unprocessable(f"cannot sort by {sort[:40]!r}: use one of "
                            f"{', '.join(SORT_KEYS)}.", code="invalid_sort")
    if direction not in DIRECTIONS:
        raise Unprocessable(f"the direction is asc or desc, not {direction[:40]!r}.",
                            code="invalid_sort")
    return sort, direction


def sort_lines(lines: Sequence[DashboardLine], sort: str, direction: str
               ) -> list[DashboardLine]:
    """Sorted by one column; equal values keep the title order, and lines without a value
    (no limit, no tracked time, no deadline) come last either way."""
    key = SORTS[sort]
    by_title = sorted(lines, key=lambda line: (line.contract.title.casefold(),
                                               line.contract.id))
    present = [line for line in by_title if key(line) is not None]
    missing = [line for line in by_title if key(line) is None]
    present.sort(key=key, reverse=direction == "desc")  # type: ignore[arg-type]
    return present + missing


@dataclass(frozen=True, slots=True)
class Dashboard:
    week_start: date
    now: datetime
    sort: str
    direction: str
    lines: list[DashboardLine]
    organisation: Organisation | None = None  # the one chosen (``?org=``), else everything
    my_role: str | None = None  # the viewer's role in it (owner, manager, viewer)

    @property
    def read_only(self) -> bool:
        """An organisation's viewer: reads its contracts, acts on none."""
        return self.my_role == "viewer"

    @property
    def days(self) -> list[date]:
        return [self.week_start + timedelta(days=i) for i in range(7)]

    @property
    def working_count(self) -> int:
        return sum(1 for line in self.lines if line.working_now)

    @property
    def billed_seconds(self) -> int:
        return sum(line.billed_seconds for line in self.lines)

    @property
    def open_disputes(self) -> int:
        return sum(line.open_disputes for line in self.lines)

    def to_dict(self) -> dict[str, object]:
        return {"week_start": self.week_start.isoformat(), "sort": self.sort,
                "dir": self.direction, "working_now": self.working_count,
                "billed_seconds": self.billed_seconds, "open_disputes": self.open_disputes,
                "organisation": ({"id": self.organisation.id, "name": self.organisation.name,
                                  "my_role": self.my_role} if self.organisation else None),
                "contracts": [line.to_dict() for line in self.lines]}


def _category(kind: str, status: str) -> str:
    if kind == "manual":
        return "manual"
    return "unprotected" if status == "unprotected" else "protected"


def _day_sums(session: Session, ids: list[str], week: date
              ) -> list[tuple[str, int, int, int, int, int, int]]:
    """(contract, day 0-6, billed, manual, unprotected tracked seconds, tracked minutes,
    active minutes) of the week, from the kept day totals (services/day_totals.py)."""
    return [(cid, (day - week).days, billed, manual, unprotected, tracked, active)
            for cid, day, billed, manual, unprotected, tracked, active
            in day_totals.week_rows(session, ids, week)]


def _withheld(session: Session, ids: list[str], week: date
              ) -> list[tuple[str, datetime, str, str, int]]:
    """The week's segments under a dispute that withholds their time (few, one query)."""
    disputed = (select(DisputeSegment.segment_id)
                .join(Dispute, Dispute.id == DisputeSegment.dispute_id)
                .where(in_list(session, Dispute.contract_id, ids), Dispute.week_start == week,
                       Dispute.state.in_(WITHHOLDING)))
    return [(str(cid), start, str(kind), str(status), int(sec or 0))
            for cid, start, kind, status, sec in session.execute(
        select(SegmentRow.contract_id, SegmentRow.start, SegmentRow.kind, SegmentRow.status,
               SegmentRow.billable_seconds)
        .where(SegmentRow.id.in_(disputed), SegmentRow.week_start == week,
               SegmentRow.deleted.is_(False)))]


def _working_now(session: Session, ids: list[str], now: datetime) -> set[str]:
    """Contracts with a segment ending in the last 15 minutes. A segment is at most an hour
    (its grid divides the hour), so only those starting in the last 75 minutes can: a short
    range of ``ix_segments_dashboard`` per contract instead of its whole week."""
    since = now - WORKING_WINDOW
    earliest = since - LONGEST_SEGMENT
    weeks = {week_start_of(earliest).date(), week_start_of(now).date()}
    return set(session.scalars(
        select(SegmentRow.contract_id).distinct()
        .where(in_list(session, SegmentRow.contract_id, ids), SegmentRow.week_start.in_(weeks),
               SegmentRow.deleted.is_(False), SegmentRow.start > earliest,
               SegmentRow.end > since)))


def get_dashboard(session: Session, *, user: User, now: datetime, week: date | None = None,
                  sort: str | None = None, direction: str | None = None,
                  organisation_id: str | None = None) -> Dashboard:
    """The client's dashboard for the week of ``week`` (default: this UTC week); with
    ``organisation_id``, that organisation's contracts only (404 for a non-member)."""
    if user.role != "client":
        raise Forbidden("the team dashboard is for clients: freelancers see their weeks at "
                        "/api/v1/me/weeks.", code="not_a_client")
    sort, direction = check_sort(sort, direction)
    monday = choose_week(week, now=now)
    org, role = (scoped(session, user=user, organisation_id=organisation_id)
                 if organisation_id is not None else (None, None))
    contracts = client_side_contracts(session, user=user, organisation=org)
    ids = [c.id for c in contracts]
    if not ids:
        return Dashboard(monday, now, sort, direction, [], org, role)
    # The terms as plain rows (pick_terms reads three fields): 200 ORM entities cost twice.
    terms: dict[str, list[TermsRow]] = {cid: [] for cid in ids}
    for row in session.execute(select(
            ContractTerms.contract_id, ContractTerms.week_start, ContractTerms.rate_cents,
            ContractTerms.weekly_limit_minutes).where(
            in_list(session, ContractTerms.contract_id, ids))):
        terms[row.contract_id].append(row)
    names = names_by_id(session, user_ids=[c.freelancer_id for c in contracts])
    # Each day's parts in CATEGORIES order; a day without time shares the week's empty bar.
    days: dict[str, dict[int, list[int]]] = {cid: {} for cid in ids}
    sums: dict[str, dict[str, int]] = {cid: dict.fromkeys(
        ("tracked", "active", "unprotected", "manual", "disputed", "billed"), 0) for cid in ids}
    for cid, day, billed, manual, unprotected, tracked, active in _day_sums(session, ids,
                                                                          monday):
        days[cid][day] = [billed - manual - unprotected, unprotected, manual, 0]
        total = sums[cid]
        total["billed"] += billed
        total["manual"] += manual
        total["unprotected"] += unprotected
        total["tracked"] += tracked
        total["active"] += active
    for cid, start, kind, status, seconds in _withheld(session, ids, monday):
        parts = days[cid][(start.date() - monday).days]  # moved out of its own part
        parts[CATEGORIES.index(_category(kind, status))] -= seconds
        parts[DISPUTED] += seconds
        sums[cid]["disputed"] += seconds
    working = _working_now(session, ids, now)
    live = {cid: int(n) for cid, n in session.execute(
        select(Dispute.contract_id, func.count(Dispute.id))
        .where(in_list(session, Dispute.contract_id, ids), Dispute.state.in_(LIVE))
        .group_by(Dispute.contract_id))}
    reviewing: dict[str, date] = {cid: first for cid, first in session.execute(
        select(Invoice.contract_id, func.min(Invoice.week_start))
        .where(in_list(session, Invoice.contract_id, ids), Invoice.status == "in_review")
        .group_by(Invoice.contract_id))}
    week_days = [monday + timedelta(days=i) for i in range(7)]
    empty = tuple(DayBar(day) for day in week_days)
    lines = []
    for contract in contracts:
        total = sums[contract.id]
        bars = list(empty)
        for i, parts in days[contract.id].items():
            bars[i] = DayBar(week_days[i], *parts)
        first_review = reviewing.get(contract.id)
        lines.append(DashboardLine(
            contract=contract,
            freelancer_name=names.get(contract.freelancer_id or "",
                                      contract.invited_email or ""),
            working_now=contract.id in working,
            billed_seconds=total["billed"],
            weekly_limit_minutes=pick_terms(contract, terms[contract.id],
                                            monday).weekly_limit_minutes,
            tracked_minutes=total["tracked"], active_minutes=total["active"],
            unprotected_seconds=total["unprotected"], manual_seconds=total["manual"],
            disputed_seconds=total["disputed"], open_disputes=live.get(contract.id, 0),
            review_deadline=(review_deadline(as_datetime(first_review))
                             if first_review else None),
            days=tuple(bars)))
    return Dashboard(monday, now, sort, direction, sort_lines(lines, sort, direction), org,
                     role)


