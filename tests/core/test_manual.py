"""Manual time on the grid, its refusals, and how a memo edit changes a verdict."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from workdiary.core.manual import (
    ManualTimeError,
    edited_memo,
    only_memo_differs,
    plan_manual,
    reasons_after_memo_edit,
)
from workdiary.core.model import Contract, Policy, Reason, Segment, SegmentKind, Status
from workdiary.core.verify import VerifyContext, verify_segment

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday
CONTRACT = Contract(id="c-1", title="Importer", client_name="C", freelancer_name="F",
                    rate_cents=3000, policy=Policy(segment_minutes=10, allow_manual=True))


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute, second=second)


def test_a_range_is_split_on_the_grid_with_partial_slots_at_the_ends() -> None:
    pieces = plan_manual(CONTRACT, at(9, 4, 30), at(9, 31), now=NOW)
    assert pieces == [(at(9, 4, 30), at(9, 10)), (at(9, 10), at(9, 20)),
                      (at(9, 20), at(9, 30)), (at(9, 30), at(9, 31))]
    hourly = replace(CONTRACT, policy=Policy(segment_minutes=60, allow_manual=True))
    assert plan_manual(hourly, at(9), at(11), now=NOW) == [(at(9), at(10)), (at(10), at(11))]


def test_each_slot_verifies_as_unprotected_manual_time() -> None:
    for start, end in plan_manual(CONTRACT, at(9, 4), at(9, 26), now=NOW):
        segment = Segment(id=f"m{start.minute}", contract_id="c-1", start=start, end=end,
                          kind=SegmentKind.MANUAL, memo="call with the client")
        verdict = verify_segment(segment, VerifyContext(now=NOW, contract=CONTRACT,
                                                        device_public_key=None, own_device=True))
        assert verdict.status is Status.UNPROTECTED and verdict.reasons == (Reason.MANUAL,)
        assert verdict.billable_minutes == (end - start).seconds // 60


REFUSALS = [
    (replace(CONTRACT, policy=Policy(allow_manual=False)), at(9), at(10), (),
     "does not allow manual time", "not_allowed"),
    (replace(CONTRACT, status="paused"), at(9), at(10), (), "is paused", "contract_inactive"),
    (CONTRACT, at(10), at(9), (), "end must be after the start", "end_not_after_start"),
    (CONTRACT, at(11, 30), at(12, 30), (), "cannot be in the future", "in_future"),
    (CONTRACT, at(9), at(9, 0, 40), (), "at least one minute", "too_short"),
    (CONTRACT, at(9) - timedelta(days=2), at(11), (), "at most 24 hours", "too_long"),
    (CONTRACT, at(9) - timedelta(days=7), at(10) - timedelta(days=7), (), "locked at "
     "2026-11-16T12:00:00Z", "week_locked"),
    (CONTRACT, at(9), at(10), ((at(9, 50), at(10, 0, 30)),), "overlaps time you already have",
     "overlap"),
]


@pytest.mark.parametrize(("contract", "start", "end", "taken", "says", "code"), REFUSALS)
def test_refusals_say_why(contract: Contract, start: datetime, end: datetime,
                          taken: tuple[tuple[datetime, datetime], ...], says: str,
                          code: str) -> None:
    """An English sentence for the command line, and a code for the tray to translate."""
    with pytest.raises(ManualTimeError, match=says) as refused:
        plan_manual(contract, start, end, now=NOW, taken=taken)
    assert refused.value.code == code


def test_time_that_only_touches_other_time_does_not_overlap_it() -> None:
    pieces = plan_manual(CONTRACT, at(9), at(10), now=NOW,
                         taken=[(at(8), at(9)), (at(10), at(11))])
    assert len(pieces) == 6


def test_the_weekly_limit_counts_the_weeks_time_already_recorded() -> None:
    limited = replace(CONTRACT, weekly_limit_minutes=120)
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    assert plan_manual(limited, at(9), at(10), now=NOW, week_seconds={monday: 60 * 60})
    # Cut to the second, as the server's verification cuts the limit.
    with pytest.raises(ManualTimeError, match=r"weekly limit is 120 min .* has 60:01 min") as no:
        plan_manual(limited, at(9), at(10), now=NOW, week_seconds={monday: 60 * 60 + 1})
    assert (no.value.code, no.value.params) == ("weekly_limit", {
        "limit_minutes": 120, "week": monday, "already_seconds": 3601, "adding_seconds": 3600})


def test_a_memo_edit_changes_only_the_memo_and_no_memo() -> None:
    segment = Segment(id="s", contract_id="c-1", start=at(9), end=at(9, 10), memo="",
                      device_id="d", seq=3, prev_hash="0" * 64, signature="sig")
    edited = edited_memo(segment, "wrote tests")
    assert edited.memo == "wrote tests" and edited.signature == ""
    assert only_memo_differs(segment, replace(edited, signature="other"))
    assert not only_memo_differs(segment, replace(edited, end=at(9, 9)))
    with pytest.raises(Exception, match="at most 2000"):
        edited_memo(segment, "x" * 2001)
    with pytest.raises(Exception, match="deleted"):
        edited_memo(segment.as_tombstone(), "x")

    gaps = (Reason.CHAIN_BREAK, Reason.NO_ACTIVITY, Reason.NO_MEMO, Reason.REDACTED)
    assert reasons_after_memo_edit(Status.UNPROTECTED, gaps, SegmentKind.TRACKED, "ok") == (
        Status.UNPROTECTED, (Reason.CHAIN_BREAK, Reason.NO_ACTIVITY, Reason.REDACTED))
    assert reasons_after_memo_edit(Status.UNPROTECTED, (Reason.NO_MEMO,), SegmentKind.TRACKED,
                                   "ok") == (Status.PROTECTED, ())
    assert reasons_after_memo_edit(Status.PROTECTED, (), SegmentKind.TRACKED, " ") == (
        Status.UNPROTECTED, (Reason.NO_MEMO,))
    assert reasons_after_memo_edit(Status.UNPROTECTED, (Reason.NO_ACTIVITY, Reason.REDACTED),
                                   SegmentKind.TRACKED, "") == (
        Status.UNPROTECTED, (Reason.NO_ACTIVITY, Reason.NO_MEMO, Reason.REDACTED))
    assert reasons_after_memo_edit(Status.UNPROTECTED, (Reason.MANUAL,), SegmentKind.MANUAL,
                                   "") == (Status.UNPROTECTED, (Reason.MANUAL, Reason.NO_MEMO))
    rejected = (Status.REJECTED, (Reason.OVERLAP,))
    assert reasons_after_memo_edit(*rejected, SegmentKind.TRACKED, "") == rejected


def test_the_edited_verdict_matches_a_fresh_verification() -> None:
    """What the server computes for an edit equals what verify_segment says of the record."""
    base = Segment(id="s", contract_id="c-1", start=at(9), end=at(9, 10),
                   kind=SegmentKind.MANUAL, memo="x")
    ctx = VerifyContext(now=NOW, contract=CONTRACT, device_public_key=None, own_device=True)
    before = verify_segment(base, ctx)
    for memo in ("", "again", "  "):
        fresh = verify_segment(replace(base, memo=memo), ctx)
        assert reasons_after_memo_edit(before.status, before.reasons, base.kind, memo) == (
            fresh.status, fresh.reasons)
