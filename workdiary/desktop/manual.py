"""Manual time and memo edits, the use cases (`workdiary manual`, `workdiary memo`, the tray's
"Add manual time" dialog and diary). Qt-free; raises ``ManualTimeError`` / ``MemoEditError``
with a sentence for the user. The rules are in ``core/manual.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from workdiary.core.errors import DomainError
from workdiary.core.manual import MAX_MEMO, ManualTimeError, check_memo, plan_manual
from workdiary.core.model import Segment, SegmentKind
from workdiary.core.timegrid import isoformat_z
from workdiary.core.week import WEEK, is_locked, lock_time, week_start
from workdiary.desktop.diary import billed_seconds
from workdiary.desktop.i18n import translate
from workdiary.store import LocalStore, StoreError, SyncInfo
from workdiary.sync.outbox import MEMO_EDIT_REFUSED

__all__ = ["ManualTimeError", "MemoEdit", "MemoEditError", "add_manual_time", "edit_memo",
           "memo_editable", "memo_refusal", "shown_memo"]


class MemoEditError(Exception):
    """A memo that cannot change; the message says why."""


def add_manual_time(store: LocalStore, contract_id: str, start: datetime, end: datetime,
                    memo: str, now: datetime, *, account: str = "",
                    new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> list[Segment]:
    """Record ``[start, end)`` as manual segments on the contract's grid; they upload with
    the rest (signed at upload). ``account``: the account logged in (the records wait for it)."""
    contract = store.contract(contract_id)
    if contract is None:
        raise ManualTimeError(translate(
            "Manual", "unknown contract {contract}: `workdiary contracts` lists yours (and "
                      "refreshes them from the server)").format(contract=repr(contract_id)),
            code="unknown_contract", contract=contract_id)
    try:
        check_memo(memo)
    except DomainError as exc:
        raise ManualTimeError(str(exc), code="memo_too_long", limit=MAX_MEMO,
                              length=len(memo)) from exc
    weeks = {week_start(start), week_start(end - timedelta(seconds=1))}
    week_seconds = {
        week: billed_seconds([s for s in store.segments_between(week, week + WEEK, contract_id)
                              if s.start >= week])
        for week in weeks
    }
    pieces = plan_manual(contract, start, end, now=now,
                         taken=store.live_intervals(start, end), week_seconds=week_seconds)
    try:
        return store.add_manual_segments([new_id() for _ in pieces], contract_id, pieces,
                                         memo, account)
    except StoreError as exc:  # the tracker wrote a minute there meanwhile
        raise ManualTimeError(str(exc), code="overlap_now", start=start, end=end) from exc


@dataclass(frozen=True, slots=True)
class MemoEdit:
    segment_id: str
    queued: bool  # True: the server has the segment; the re-signed record uploads next


def memo_editable(segment: Segment, info: SyncInfo, now: datetime) -> bool:
    """Whether the diary offers to edit this memo: a closed, live segment whose week is open
    (before upload in place, after upload as a re-signed record)."""
    return (info.closed_at is not None and segment.kind is not SegmentKind.TOMBSTONE
            and not info.delete_pending and not is_locked(segment.start, now))


def shown_memo(segment: Segment, info: SyncInfo) -> str:
    """The memo as the user last wrote it: a queued edit before the uploaded one."""
    return info.memo_edit if info.memo_edit is not None else segment.memo


def memo_refusal(info: SyncInfo) -> str | None:
    """The server's refusal of the last memo edit, while it is the segment's last word."""
    if info.memo_edit is None and info.last_error and info.last_error.startswith(
            MEMO_EDIT_REFUSED):
        return info.last_error
    return None


def edit_memo(store: LocalStore, segment_id: str, memo: str, now: datetime) -> MemoEdit:
    """Change a closed segment's memo: in place before upload, as a re-signed record after
    (until the week locks)."""
    segment = store.segment(segment_id)
    if segment is None:
        raise MemoEditError(translate(
            "Manual", "no segment {segment} in the local cache (`workdiary diary` lists the "
                      "segments of a day)").format(segment=segment_id))
    if segment.kind is SegmentKind.TOMBSTONE:
        raise MemoEditError(translate(
            "Manual", "segment {segment} is deleted: it has no memo to edit").format(
            segment=segment_id))
    try:
        check_memo(memo)
    except DomainError as exc:
        raise MemoEditError(str(exc)) from exc
    info = store.sync_info(segment_id)
    if info.closed_at is None:
        raise MemoEditError(translate(
            "Manual", "segment {segment} is still being recorded: its memo is the one you "
                      "clock in with (or set in the tray app)").format(segment=segment_id))
    if is_locked(segment.start, now):
        raise MemoEditError(translate(
            "Manual", "the week of segment {segment} locked at {locked}: its memo can no longer "
                      "change").format(segment=segment_id,
                                       locked=isoformat_z(lock_time(week_start(segment.start)))))
    try:
        if info.uploaded:
            store.queue_memo_edit(segment_id, memo)
        else:
            store.set_memo(segment_id, memo)
    except StoreError as exc:
        raise MemoEditError(str(exc)) from exc
    return MemoEdit(segment_id, queued=info.uploaded)
