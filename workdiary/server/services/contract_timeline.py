"""What a contract was at a moment: its terms in a UTC week, its status when a segment
started, and the policy version a segment was recorded under.

Verification (``batch_state``) asks this for every uploaded segment, and the week job asks it
for the rate of the week it invoices. A contract made before these tables (or by the operator)
has no rows: then the contract row's own columns are its whole history.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from workdiary.core import model as core
from workdiary.core.timegrid import segment_start
from workdiary.server.models import Contract, ContractEvent, ContractPolicy, ContractTerms
from workdiary.server.services.in_list import in_param

# What each event makes of the status; other events leave it as it was.
STATUS_AFTER = {"offered": "offered", "accepted": "active", "declined": "declined",
                "paused": "paused", "resumed": "active", "ended": "ended"}


@dataclass(frozen=True, slots=True)
class Terms:
    """Rate and weekly limit of one UTC week (``week_start`` None: the contract's own)."""

    week_start: date | None
    rate_cents: int
    weekly_limit_minutes: int | None

    def to_dict(self) -> dict[str, object]:
        return {"week_start": self.week_start.isoformat() if self.week_start else None,
                "rate_cents": self.rate_cents,
                "weekly_limit_minutes": self.weekly_limit_minutes}


class TermsRow(Protocol):
    """What ``pick_terms`` reads of a terms row: a ``ContractTerms`` or a plain selected row."""

    @property
    def week_start(self) -> date: ...
    @property
    def rate_cents(self) -> int: ...
    @property
    def weekly_limit_minutes(self) -> int | None: ...


def pick_terms(contract: Contract, rows: Sequence[TermsRow], week: date) -> Terms:
    """The row of the newest week at or before ``week``; before the first row, the first."""
    ordered = sorted(rows, key=lambda r: r.week_start)
    if not ordered:
        return Terms(None, contract.rate_cents, contract.weekly_limit_minutes)
    chosen = ordered[0]
    for row in ordered:
        if row.week_start <= week:
            chosen = row
    return Terms(chosen.week_start, chosen.rate_cents, chosen.weekly_limit_minutes)


def _fits_grid(policy: core.Policy, start: datetime, end: datetime) -> bool:
    last = end - timedelta(microseconds=1)
    minutes = policy.segment_minutes
    return segment_start(start, minutes) == segment_start(last, minutes)


class ContractTimeline:
    """One contract's terms, policy versions and status changes, loaded once."""

    def __init__(self, contract: Contract, terms: Sequence[ContractTerms],
                 policies: Sequence[ContractPolicy], events: Sequence[ContractEvent]) -> None:
        self.contract = contract
        self.terms = list(terms)
        self.policies = sorted(policies, key=lambda p: p.version)
        self.events = sorted(events, key=lambda e: (e.at, e.id or 0))
        self._parsed: list[core.Policy] | None = None
        self._default_policy: core.Policy | None = None
        # as_of's answers: a batch's segments share a few weeks, statuses and policies. Keyed
        # by identity of the base and the policy, each kept alive by the value beside it.
        self._as_of: dict[tuple[int, date, str, int], tuple[object, core.Contract]] = {}

    def terms_for_week(self, week: date) -> Terms:
        return pick_terms(self.contract, self.terms, week)

    def status_at(self, moment: datetime) -> str:
        """The status in force at ``moment``: a change at the very moment already counts."""
        offered = any(e.kind == "offered" for e in self.events)
        status = "offered" if offered else "active"  # operator-made: active from the start
        for event in self.events:
            if event.at > moment:
                break
            status = STATUS_AFTER.get(event.kind, status)
        return status

    def policy_for(self, start: datetime, end: datetime) -> core.Policy:
        """The policy a segment was recorded under: the desktop starts a segment with the
        newest version it had fetched, which was made before the segment started. Of those,
        the newest whose grid the segment sits on (a desktop that had not refreshed yet
        records on the older grid); when none fits, the one in force at the start."""
        if not self.policies:
            if self._default_policy is None:
                self._default_policy = self.contract.policy()
            return self._default_policy
        parsed = self._parsed_policies()
        versions = [v for p, v in zip(self.policies, parsed, strict=True)
                    if p.created_at <= start] or parsed[:1]
        for policy in reversed(versions):
            if _fits_grid(policy, start, end):
                return policy
        return versions[-1]

    def _parsed_policies(self) -> list[core.Policy]:
        """The policy versions, oldest first, parsed once (a batch asks for every segment)."""
        if self._parsed is None:
            self._parsed = [core.Policy.from_dict(json.loads(p.policy)) for p in self.policies]
        return self._parsed

    def as_of(self, base: core.Contract, start: datetime, end: datetime,
              week: date) -> core.Contract:
        """``base`` as it was for a segment from ``start`` to ``end`` in ``week``."""
        status = self.status_at(start)
        policy = self.policy_for(start, end)
        key = (id(base), week, status, id(policy))
        known = self._as_of.get(key)
        if known is None:
            terms = self.terms_for_week(week)
            known = self._as_of[key] = ((base, policy), replace(
                base, status=status, rate_cents=terms.rate_cents,
                weekly_limit_minutes=terms.weekly_limit_minutes, policy=policy))
        return known[1]


@functools.cache
def _queries(dialect: str) -> tuple[Select[ContractTerms], Select[ContractPolicy],
                                    Select[ContractEvent]]:
    """The three reads, built once per dialect (each upload batch makes them)."""
    return (select(ContractTerms).where(in_param(dialect, ContractTerms.contract_id, "ids")),
            select(ContractPolicy).where(in_param(dialect, ContractPolicy.contract_id, "ids")),
            select(ContractEvent).where(in_param(dialect, ContractEvent.contract_id, "ids")))


def load_timelines(session: Session, contracts: Iterable[Contract]
                   ) -> dict[str, ContractTimeline]:
    """Timelines of these contracts, in three queries."""
    by_id = {c.id: c for c in contracts}
    if not by_id:
        return {}
    ids = {"ids": list(by_id)}
    terms: dict[str, list[ContractTerms]] = {cid: [] for cid in by_id}
    policies: dict[str, list[ContractPolicy]] = {cid: [] for cid in by_id}
    events: dict[str, list[ContractEvent]] = {cid: [] for cid in by_id}
    queries = _queries(session.get_bind().dialect.name)
    for row in session.scalars(queries[0], ids):
        terms[row.contract_id].append(row)
    for prow in session.scalars(queries[1], ids):
        policies[prow.contract_id].append(prow)
    for erow in session.scalars(queries[2], ids):
        events[erow.contract_id].append(erow)
    return {cid: ContractTimeline(c, terms[cid], policies[cid], events[cid])
            for cid, c in by_id.items()}
