"""What verification needs about a batch, loaded with a few queries and kept current."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from workdiary.core.intervals import IntervalIndex
from workdiary.core.model import Segment, Status
from workdiary.core.shotstamp import ShotStamp, shot_binds
from workdiary.core.verify import Verdict, VerifyContext
from workdiary.core.week import is_locked, week_start
from workdiary.server.models import Contract, Device, Invoice, Screenshot, SegmentRow, User
from workdiary.server.services.contract_timeline import load_timelines
from workdiary.server.services.in_list import in_list


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


class BatchState:
    """What verification needs, loaded once per batch and kept current as segments are added."""

    def __init__(self, session: Session, user: User, fresh: Sequence[Segment]) -> None:
        self.session = session
        device_ids = {s.device_id for s in fresh}
        self.keys = {
            d.id: d.public_key
            for d in session.scalars(select(Device).where(in_list(session, Device.id, device_ids)))
            if d.user_id == user.id and not d.revoked
        }
        # Each contract with its client's name in one query (the freelancer is ``user``).
        found = session.execute(
            select(Contract, User.name).outerjoin(User, User.id == Contract.client_id)
            .where(in_list(session, Contract.id, {s.contract_id for s in fresh}))).all()
        rows = [c for c, _ in found if c.freelancer_id == user.id]
        self.contracts = {c.id: c.to_core(client_name=client or "", freelancer_name=user.name)
                          for c, client in found if c.freelancer_id == user.id}
        # Each segment is judged by the contract as it was then: status at its start, the
        # terms of its week, the policy version it was recorded under.
        self.timelines = load_timelines(session, rows)
        seqs = {s.seq for s in fresh} | {s.seq - 1 for s in fresh}
        self.chain: dict[tuple[str, int], str] = {
            (row.device_id, row.seq): row.chain_hash
            for row in session.execute(select(SegmentRow.device_id, SegmentRow.seq,
                                              SegmentRow.chain_hash).where(
                SegmentRow.freelancer_id == user.id,
                in_list(session, SegmentRow.device_id, device_ids),
                in_list(session, SegmentRow.seq, seqs)))
        }
        first = min(s.start for s in fresh)
        last = max(s.end for s in fresh)
        self.intervals = IntervalIndex(
            (row.start, row.end) for row in session.execute(
                select(SegmentRow.start, SegmentRow.end).where(
                    SegmentRow.freelancer_id == user.id, SegmentRow.deleted.is_(False),
                    SegmentRow.status != Status.REJECTED.value,
                    SegmentRow.start < last, SegmentRow.end > first))
        )
        self.billed, self.invoiced = _weeks_billed_and_invoiced(
            session, {(s.contract_id, week_of(s.start)) for s in fresh})
        referenced = {sha for s in fresh for sha in referenced_shas(s)}
        self.shots: dict[str, ShotBinding] = {
            row.sha256: ShotBinding(row.device_id, row.stamp_segment_id, row.stamp_taken_at)
            for row in session.execute(select(
                Screenshot.sha256, Screenshot.device_id, Screenshot.stamp_segment_id,
                Screenshot.stamp_taken_at).where(in_list(session, Screenshot.sha256, referenced)))
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
    session: Session, weeks: set[tuple[str, date]],
) -> tuple[defaultdict[tuple[str, date], int], set[tuple[str, date]]]:
    """Seconds billed so far in each (contract, week), and which of them are invoiced, in one
    query for the whole batch (a sum per week and an invoice lookup per week were two round
    trips each)."""
    contract_ids = {c for c, _ in weeks}
    week_starts = {w for _, w in weeks}
    billed = (select(literal("billed").label("what"), SegmentRow.contract_id,
                     SegmentRow.week_start, func.sum(SegmentRow.billable_seconds))
              .where(in_list(session, SegmentRow.contract_id, contract_ids),
                     in_list(session, SegmentRow.week_start, week_starts),
                     SegmentRow.deleted.is_(False))
              .group_by(SegmentRow.contract_id, SegmentRow.week_start))
    invoiced = (select(literal("invoiced").label("what"), Invoice.contract_id,
                       Invoice.week_start, literal(0))
                .where(in_list(session, Invoice.contract_id, contract_ids),
                       in_list(session, Invoice.week_start, week_starts)))
    seconds: defaultdict[tuple[str, date], int] = defaultdict(int)
    locked: set[tuple[str, date]] = set()
    for what, contract_id, week, total in session.execute(union_all(billed, invoiced)):
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
