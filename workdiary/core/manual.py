"""Manual time and memo edits: the rules both the desktop and the server apply.

Manual time (docs/design.md, "Manual time"): a range the freelancer enters by hand becomes
``manual`` segments on the contract's UTC grid (partial slots at the ends), only when the
policy allows it, never in the future, never in a locked week, never over other time of the
same freelancer, and never past the weekly limit. Manual segments are always
``unprotected (manual)``: no screenshots, no activity.

Memo edits (docs/design.md, "Memo"): an uploaded segment may be re-signed with another memo
until its week locks; everything but the memo and the signature stays as uploaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from workdiary.core.errors import DomainError
from workdiary.core.model import Contract, Reason, Segment, SegmentKind, Status
from workdiary.core.timegrid import as_utc, isoformat_z, split_on_grid, tracked_minutes
from workdiary.core.week import is_locked, lock_time, week_start

MAX_MEMO = 2000  # the server's bound on a memo (api/segment_schemas.py), checked before upload
MAX_MANUAL_SPAN = timedelta(hours=24)  # one entry: at most a day, to catch typos in dates


class ManualTimeError(DomainError):
    """Manual time that the rules refuse. The message says why in an English sentence (the
    command line prints it); ``code`` and ``params`` say the same as data, so the tray app can
    say it in the user's language and time zone (desktop/manual_refusals.py)."""

    def __init__(self, message: str, *, code: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def check_memo(memo: str) -> str:
    """The memo as stored; too long is an error (as the server would refuse it)."""
    if len(memo) > MAX_MEMO:
        raise DomainError(f"a memo holds at most {MAX_MEMO} characters, not {len(memo)}")
    return memo


def plan_manual(
    contract: Contract, start: datetime, end: datetime, *, now: datetime,
    taken: Sequence[tuple[datetime, datetime]] = (),
    week_seconds: dict[datetime, int] | None = None,
) -> list[tuple[datetime, datetime]]:
    """The grid slots ``[start, end)`` becomes on ``contract``, or ``ManualTimeError``.

    ``taken``: [start, end) of the freelancer's other live segments on any contract (tracked,
    manual, the one being recorded). ``week_seconds``: billed seconds already on this contract
    per week start (Monday 00:00 UTC), for the weekly limit (cut to the second, as the
    server's verification cuts it).
    """
    start, end = as_utc(start).replace(microsecond=0), as_utc(end).replace(microsecond=0)
    if not contract.policy.allow_manual:
        raise ManualTimeError(
            f"contract {contract.id} ({contract.title}) does not allow manual time: its "
            "client can allow it in the contract's policy", code="not_allowed",
            contract=contract.id, title=contract.title)
    if contract.status != "active":
        raise ManualTimeError(f"contract {contract.id} is {contract.status}: it takes no time",
                              code="contract_inactive", contract=contract.id,
                              title=contract.title, status=contract.status)
    if end <= start:
        raise ManualTimeError("the end must be after the start", code="end_not_after_start")
    if end - start > MAX_MANUAL_SPAN:
        raise ManualTimeError("one manual entry spans at most 24 hours: enter longer time "
                              "in several entries", code="too_long")
    if end > now:
        raise ManualTimeError(f"manual time cannot be in the future (it ends at "
                              f"{isoformat_z(end)}, now is {isoformat_z(now)})",
                              code="in_future", end=end, now=now)
    if tracked_minutes(start, end) < 1:
        raise ManualTimeError("manual time is at least one minute", code="too_short")
    if is_locked(start, now):
        lock = lock_time(week_start(start))
        raise ManualTimeError(
            f"the week of {isoformat_z(start)} locked at {isoformat_z(lock)}: it takes no "
            "more time", code="week_locked", start=start, lock=lock)
    for other_start, other_end in taken:
        if other_start < end and start < other_end:
            raise ManualTimeError(
                f"{isoformat_z(start)}-{isoformat_z(end)} overlaps time you already have "
                f"({isoformat_z(other_start)}-{isoformat_z(other_end)}): the same time "
                "cannot be billed twice", code="overlap", start=start, end=end,
                other_start=other_start, other_end=other_end)
    pieces = split_on_grid(start, end, contract.policy.segment_minutes)
    limit = contract.weekly_limit_minutes
    if limit is not None:
        adding: dict[datetime, int] = {}
        for piece_start, piece_end in pieces:
            week = week_start(piece_start)
            adding[week] = adding.get(week, 0) + int((piece_end - piece_start).total_seconds())
        for week, seconds in adding.items():
            already = (week_seconds or {}).get(week, 0)
            if already + seconds > limit * 60:
                raise ManualTimeError(
                    f"the weekly limit is {limit} min and the week of {week.date()} already "
                    f"has {_minutes_seconds(already)} min: {_minutes_seconds(seconds)} more "
                    "min of manual time do not fit", code="weekly_limit", limit_minutes=limit,
                    week=week, already_seconds=already, adding_seconds=seconds)
    return pieces


def _minutes_seconds(seconds: int) -> str:
    """``61:30``: billed seconds as minutes:seconds, in the limit's unit."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def edited_memo(stored: Segment, memo: str) -> Segment:
    """The replacement record of an uploaded segment with another memo (to be re-signed)."""
    if stored.kind is SegmentKind.TOMBSTONE:
        raise DomainError(f"segment {stored.id} is deleted: it has no memo to edit")
    return replace(stored, memo=check_memo(memo), signature="")


def only_memo_differs(stored: Segment, edited: Segment) -> bool:
    """Whether ``edited`` is ``stored`` with another memo (and so another signature)."""
    return replace(edited, memo=stored.memo, signature=stored.signature) == stored


def reasons_after_memo_edit(status: Status, reasons: Sequence[Reason], kind: SegmentKind,
                            memo: str) -> tuple[Status, tuple[Reason, ...]]:
    """A stored verdict updated for a new memo: ``no_memo`` comes or goes, nothing else
    changes (the memo is no part of any other rule)."""
    if status is Status.REJECTED:
        return status, tuple(reasons)
    kept: list[Reason] = [r for r in reasons if r is not Reason.NO_MEMO]
    if not memo.strip():
        # Where verify_segment puts it: after ``manual`` for manual time, before ``manual``
        # and ``redacted`` for tracked time.
        if kind is SegmentKind.MANUAL:
            at = kept.index(Reason.MANUAL) + 1 if Reason.MANUAL in kept else len(kept)
        else:
            later = [i for i, r in enumerate(kept) if r in (Reason.MANUAL, Reason.REDACTED)]
            at = later[0] if later else len(kept)
        kept.insert(at, Reason.NO_MEMO)
    return (Status.UNPROTECTED if kept else Status.PROTECTED), tuple(kept)
