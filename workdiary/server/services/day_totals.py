"""Each contract's segments summed per UTC day (``segment_day_totals``), kept as they change.

The team dashboard shows up to hundreds of contracts' weeks at once; summing their tens of
thousands of segments on every request cost more than the rest of the page
(benchmarks/bench_dashboard.py), so the sums are kept instead: a stored batch adds to its
days (one upsert per batch), and a deletion or a re-judged memo recomputes its day from the
segments. A day's figures are always what summing its segments gives
(tests/server/test_day_totals.py checks it after every kind of change), so the table is a
cache of ``segments``, never a record of its own.

What a segment adds to its day (the dashboard's parts): its billable seconds; the same again
as manual when it is manual time, or as unprotected when it is tracked time judged
unprotected; its tracked and active minutes. Deleted segments (tombstones) add nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from workdiary.server.models import SegmentDayTotal, SegmentRow
from workdiary.server.services.in_list import in_list

FIELDS = ("billed_seconds", "manual_seconds", "unprotected_seconds", "tracked_minutes",
          "active_minutes")
Key = tuple[str, date]  # (contract id, UTC day)


def parts(kind: str, status: str, billable_seconds: int, tracked_minutes: int,
          active_minutes: int) -> tuple[int, int, int, int, int]:
    """One stored (not deleted) segment's share of its day, in the order of ``FIELDS``."""
    manual = billable_seconds if kind == "manual" else 0
    unprotected = billable_seconds if kind != "manual" and status == "unprotected" else 0
    return billable_seconds, manual, unprotected, tracked_minutes, active_minutes


def day_of(start: datetime) -> date:
    return start.astimezone(UTC).date()


def add_rows(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Add newly inserted ``segments`` rows (the column dicts given to the INSERT) to their
    days, in the same transaction."""
    sums: dict[Key, list[int]] = {}
    for row in rows:
        if row["deleted"]:
            continue
        share = parts(row["kind"], row["status"], row["billable_seconds"],
                      row.get("tracked_minutes") or 0, row.get("active_minutes") or 0)
        total = sums.setdefault((row["contract_id"], day_of(row["start"])), [0] * len(FIELDS))
        for i, value in enumerate(share):
            total[i] += value
    _upsert(session, sums, add=True)


def refresh(session: Session, keys: Iterable[Key]) -> None:
    """Recompute these contract-days from their segments (after a segment of theirs was
    deleted or re-judged), in the caller's transaction.

    Each day's row is first upserted with nothing added, which creates it if missing and
    locks it (PostgreSQL) before its segments are read: an upload adding to the same day
    meanwhile is either counted here or adds after this commits. SQLite has one writer at
    a time anyway."""
    for contract_id, day in sorted(set(keys)):
        _upsert(session, {(contract_id, day): [0] * len(FIELDS)}, add=True)
        start = datetime.combine(day, time(0), tzinfo=UTC)
        total = [0] * len(FIELDS)
        for kind, status, billable, tracked, active in session.execute(
                select(SegmentRow.kind, SegmentRow.status, SegmentRow.billable_seconds,
                       SegmentRow.tracked_minutes, SegmentRow.active_minutes)
                .where(SegmentRow.contract_id == contract_id, SegmentRow.deleted.is_(False),
                       SegmentRow.start >= start, SegmentRow.start < start + timedelta(days=1))):
            for i, value in enumerate(parts(kind, status, billable, tracked, active)):
                total[i] += value
        _upsert(session, {(contract_id, day): total}, add=False)


def _upsert(session: Session, sums: Mapping[Key, list[int]], *, add: bool) -> None:
    """Insert each day's figures, or add them to (``add``) or put them in place of the
    stored ones: one statement, executed once per day."""
    if not sums:
        return
    session.execute(_upsert_statement(session.get_bind().dialect.name, add),
                    [{"contract_id": contract_id, "day": day,
                      **dict(zip(FIELDS, values, strict=True))}
                     for (contract_id, day), values in sums.items()])


@functools.cache
def _upsert_statement(dialect: str, add: bool) -> Executable:
    """Built once per dialect and kind: each upload batch runs it, and building it (and its
    cache key) cost more than running it."""
    table = SegmentDayTotal.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.contract_id, table.c.day],
        set_={name: (table.c[name] + statement.excluded[name]) if add
              else statement.excluded[name] for name in FIELDS})


def week_rows(session: Session, contract_ids: list[str], monday: date
              ) -> list[tuple[str, date, int, int, int, int, int]]:
    """The stored days of these contracts' week starting ``monday``: (contract, day, then
    ``FIELDS``), one query, seven rows at most a contract."""
    return [(str(c), d, int(b), int(m), int(u), int(t), int(a)) for c, d, b, m, u, t, a
            in session.execute(
                select(SegmentDayTotal.contract_id, SegmentDayTotal.day,
                       *(SegmentDayTotal.__table__.c[name] for name in FIELDS))
                .where(in_list(session, SegmentDayTotal.contract_id, contract_ids),
                       SegmentDayTotal.day >= monday,
                       SegmentDayTotal.day < monday + timedelta(days=7)))]


def recomputed(session: Session, contract_ids: list[str]) -> dict[Key, tuple[int, ...]]:
    """Every day of these contracts summed afresh from their segments (days with segments
    only): what the table must hold. For checks and repair, not for pages."""
    sums: dict[Key, list[int]] = {}
    for contract_id, start, kind, status, billable, tracked, active in session.execute(
            select(SegmentRow.contract_id, SegmentRow.start, SegmentRow.kind,
                   SegmentRow.status, SegmentRow.billable_seconds, SegmentRow.tracked_minutes,
                   SegmentRow.active_minutes)
            .where(SegmentRow.contract_id.in_(contract_ids), SegmentRow.deleted.is_(False))):
        total = sums.setdefault((str(contract_id), day_of(start)), [0] * len(FIELDS))
        for i, value in enumerate(parts(kind, status, billable, tracked, active)):
            total[i] += value
    return {key: tuple(values) for key, values in sums.items()}
