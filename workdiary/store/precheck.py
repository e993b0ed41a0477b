"""The desktop's protection pre-check: the server's verdict, as far as the cache can foresee it.

It runs the same ``verify_segment`` as the server, with what the desktop knows: the cached
contract and policy, this machine's other segments (overlap), the week's earlier billed seconds
(the weekly limit) and the lock. What only the server knows (other devices' time, the
signature as registered) is not foreseen. The freelancer sees, before the week locks, what
would cost protection (a missing memo, no activity, a failed capture) while it can be mended.
"""

from __future__ import annotations

from datetime import datetime

from workdiary.core.intervals import IntervalIndex
from workdiary.core.model import Segment, SegmentKind
from workdiary.core.verify import Verdict, VerifyContext, verify_segment
from workdiary.core.week import is_locked, week_end, week_start
from workdiary.store.local import LocalStore


def precheck_segment(store: LocalStore, segment: Segment, now: datetime) -> Verdict:
    """The verdict ``segment`` would get if it were uploaded now."""
    start = week_start(segment.start)
    week = [
        s for s in store.segments_between(start, week_end(start))
        if s.kind is not SegmentKind.TOMBSTONE and s.id != segment.id
    ]
    billed_before = sum(
        s.tracked_seconds for s in week
        if s.contract_id == segment.contract_id and s.start < segment.start
    )
    context = VerifyContext(
        now=now,
        contract=store.contract(segment.contract_id),
        device_public_key=None,
        own_device=True,
        other_intervals=IntervalIndex((s.start, s.end) for s in week),
        week_billed_seconds=billed_before,
        week_locked=is_locked(segment.start, now),
    )
    return verify_segment(segment, context)
