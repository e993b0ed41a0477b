"""What verification needs about a batch, loaded with a few queries and kept current."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    bindparam,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from workdiary.core.intervals import IntervalIndex
from workdiary.core.model import Segment, Status
from workdiary.core.shotstamp import ShotStamp, shot_binds
from workdiary.core.verify import Verdict, VerifyContext
from workdiary.core.week import is_locked, week_start
from workdiary.server.models import Contract, Device, Invoice, Screenshot, SegmentRow, User
from workdiary.server.services.contract_timeline import load_timelines
from workdiary.server.services.in_list import in_param


def week_of(moment: datetime) -> date:
    return week_start(moment).date()


def week_invoiced(session: Session, contract_id: str, week: date) -> bool:
    return session.scalar(select(Invoice.id).where(
        Invoice.contract_id == contract_id, Invoice.week_start == week)) is not None


def week_closed_to_changes(session: Session, segment_start: datetime, contract_id: str,
                           now: datetime) -> bool:
    """Locked by the clock (Monday 12:00 UTC after the week) or already invoiced."""
    return is_locked(segment_start, now) or week_invoiced(session, contract_id,
                                                          week_of(segment_start))


@dataclass(frozen=True, slots=True)
class ShotBinding:
    """What ties a stored image to one moment of one segment: its uploader and its stamp."""

    device_id: str | None
    segment_id: str | None
    taken_at: datetime | None

    def binds(self, segment: Segment, taken_at: datetime) -> bool:
        stamp = (ShotStamp(self.segment_id, self.taken_at)
                 if self.segment_id is not None and self.taken_at is not None else None)
        return shot_binds(segment_id=segment.id, device_id=segment.device_id,
                          start=segment.start, end=segment.end, taken_at=taken_at,
                          uploader_device=self.device_id, stamp=stamp)


@dataclass(frozen=True, slots=True)
class _Queries:
    """BatchState's reads, built once per dialect: building a statement and its cache key
    cost more than running it (the weeks' totals: 1.0 ms built each time, 0.27 ms prebuilt),
    and a batch makes eight of them. Values are bound when each runs."""

    keys: Executable
    contracts: Executable
    chain: Executable
    intervals: Executable
    weeks: Executable
    shots: Executable


@functools.cache
def _queries(dialect: str) -> _Queries:
    def among(column: Any, name: str) -> ColumnElement[bool]:
        return in_param(dialect, column, name)

    user: BindParameter[Any] = bindparam("user_id")
    billed = (select(literal("billed").label("what"), SegmentRow.contract_id,
                     SegmentRow.week_start, func.sum(SegmentRow.billable_seconds))
              .where(among(SegmentRow.contract_id, "billed_contracts"),
                     among(SegmentRow.week_start, "billed_weeks"),
                     SegmentRow.deleted.is_(False))
              .group_by(SegmentRow.contract_id, SegmentRow.week_start))
    invoiced = (select(literal("invoiced").label("what"), Invoice.contract_id,
                       Invoice.week_start, literal(0))
                .where(among(Invoice.contract_id, "invoiced_contracts"),
                       among(Invoice.week_start, "invoiced_weeks")))
    return _Queries(
        keys=select(Device.id, Device.public_key).where(
            among(Device.id, "device_ids"), Device.user_id == user, Device.revoked.is_(False)),
        # Each of the uploader's contracts with its client's name.
        contracts=select(Contract, User.name).outerjoin(User, User.id == Contract.client_id)
        .where(among(Contract.id, "contract_ids"), Contract.freelancer_id == user),
        chain=select(SegmentRow.device_id, SegmentRow.seq, SegmentRow.chain_hash).where(
            SegmentRow.freelancer_id == user, among(SegmentRow.device_id, "device_ids"),
            among(SegmentRow.seq, "seqs")),
        intervals=select(SegmentRow.start, SegmentRow.end).where(
            SegmentRow.freelancer_id == user, SegmentRow.deleted.is_(False),
            SegmentRow.status != Status.REJECTED.value,
            SegmentRow.start < bindparam("last"), SegmentRow.end > bindparam("first")),
        weeks=union_all(billed, invoiced),
        shots=select(Screenshot.sha256, Screenshot.device_id, Screenshot.stamp_segment_id,
                     Screenshot.stamp_taken_at).where(among(Screenshot.sha256, "shas")),
    )


class BatchState:
    """What verification needs, loaded once per batch and kept current as segments are added."""

    def __init__(self, session: Session, user: User, fresh: Sequence[Segment]) -> None:
        self.session = session
        queries = _queries(session.get_bind().dialect.name)
        device_ids = list({s.device_id for s in fresh})
        self.keys: dict[str, str] = {  # the uploader's unrevoked devices
            device_id: key for device_id, key in session.execute(
                queries.keys, {"device_ids": device_ids, "user_id": user.id})}
        found = session.execute(queries.contracts, {
            "contract_ids": list({s.contract_id for s in fresh}), "user_id": user.id}).all()
        self.contracts = {c.id: c.to_core(client_name=client or "", freelancer_name=user.name)
                          for c, client in found}
        # Each segment is judged by the contract as it was then: status at its start, the
        # terms of its week, the policy version it was recorded under.
        self.timelines = load_timelines(session, [c for c, _ in found])
        seqs = list({s.seq for s in fresh} | {s.seq - 1 for s in fresh})
        self.chain: dict[tuple[str, int], str] = {
            (device_id, seq): chain_hash for device_id, seq, chain_hash in session.execute(
                queries.chain, {"user_id": user.id, "device_ids": device_ids, "seqs": seqs})
        }
        self.intervals = IntervalIndex((start, end) for start, end in session.execute(
            queries.intervals, {"user_id": user.id, "first": min(s.start for s in fresh),
                                "last": max(s.end for s in fresh)}))
        self.billed, self.invoiced = _weeks_billed_and_invoiced(
            session, queries.weeks, {(s.contract_id, week_of(s.start)) for s in fresh})
        referenced = {sha for s in fresh for sha in referenced_shas(s)}
        self.shots: dict[str, ShotBinding] = {
            sha: ShotBinding(device_id, segment_id, taken_at)
            for sha, device_id, segment_id, taken_at in session.execute(
                queries.shots, {"shas": list(referenced)})
        } if referenced else {}
        self.missing = frozenset(referenced - set(self.shots))

    def context(self, segment: Segment, now: datetime, signed_bytes: bytes) -> VerifyContext:
        week = (segment.contract_id, week_of(segment.start))
        contract = self.contracts.get(segment.contract_id)
        timeline = self.timelines.get(segment.contract_id)
        if contract is not None and timeline is not None:
            contract = timeline.as_of(contract, segment.start, segment.end, week[1])
        return VerifyContext(
            now=now,
            contract=contract,
            device_public_key=self.keys.get(segment.device_id),
            previous_chain_hash=self.chain.get((segment.device_id, segment.seq - 1)),
            seq_taken=(segment.device_id, segment.seq) in self.chain,
            other_intervals=self.intervals,
            week_billed_seconds=self.billed[week],
            week_locked=is_locked(segment.start, now) or week in self.invoiced,
            missing_screenshots=self.missing,
            unbound_screenshots=self.unbound(segment),
            signed_bytes=signed_bytes,
        )

    def unbound(self, segment: Segment) -> frozenset[str]:
        """Referenced images held here that are not bound to ``segment`` (see ShotBinding)."""
        found: set[str] = set()
        for shot in segment.screenshots:
            for sha in (shot.sha256, shot.thumb_sha256):
                binding = self.shots.get(sha) if sha else None
                if sha and binding is not None and not binding.binds(segment, shot.taken_at):
                    found.add(sha)
        return frozenset(found)

    def add(self, segment: Segment, verdict: Verdict, chain: str) -> None:
        self.chain.setdefault((segment.device_id, segment.seq), chain)
        if verdict.billable:
            self.intervals.add(segment.start, segment.end)
            self.billed[(segment.contract_id, week_of(segment.start))] += verdict.billable_seconds


def _weeks_billed_and_invoiced(
    session: Session, query: Executable, weeks: set[tuple[str, date]],
) -> tuple[defaultdict[tuple[str, date], int], set[tuple[str, date]]]:
    """Seconds billed so far in each (contract, week), and which of them are invoiced, in one
    query for the whole batch (a sum per week and an invoice lookup per week were two round
    trips each)."""
    contract_ids = list({c for c, _ in weeks})
    week_starts = list({w for _, w in weeks})
    rows = session.execute(query, {"billed_contracts": contract_ids, "billed_weeks": week_starts,
                                   "invoiced_contracts": contract_ids,
                                   "invoiced_weeks": week_starts})
    seconds: defaultdict[tuple[str, date], int] = defaultdict(int)
    locked: set[tuple[str, date]] = set()
    for what, contract_id, week, total in rows:
        key = (contract_id, week)
        if key not in weeks:  # the IN lists cross contracts with weeks: other pairs too
            continue
        if what == "billed":
            seconds[key] = int(total or 0)
        else:
            locked.add(key)
    return seconds, locked


def referenced_shas(segment: Segment) -> set[str]:
    found: set[str] = set()
    for shot in segment.screenshots:
        found.update(sha for sha in (shot.sha256, shot.thumb_sha256) if sha)
    return found
