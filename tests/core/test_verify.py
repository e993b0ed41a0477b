"""verify_segment: every reason code, tampering, the weekly-limit cut, properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.intervals import IntervalIndex
from workdiary.core.model import (
    Contract,
    MinuteRecord,
    Policy,
    Reason,
    ScreenshotRef,
    Segment,
    SegmentKind,
    Status,
)
from workdiary.core.verify import VerifyContext, verify_segment
from workdiary.testing.devices import DeviceChain

DEVICE = DeviceChain(device_id="d-1")  # the device the server knows
PUB = DEVICE.public_key
START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
SHA = "b" * 64


def contract(**changes: object) -> Contract:
    base = Contract(id="c-1", title="T", client_name="C", freelancer_name="F", rate_cents=3000)
    return replace(base, **changes)  # type: ignore[arg-type]


def segment(*, seq: int = 1, prev: str = GENESIS_HASH, start: datetime = START,
            minutes: int = 10, active: int = 10, memo: str = "work",
            shots: tuple[ScreenshotRef, ...] | None = None, kind: SegmentKind = SegmentKind.TRACKED,
            redacted: bool = False, device: DeviceChain = DEVICE, **changes: object) -> Segment:
    records = tuple(
        MinuteRecord(at=start + timedelta(minutes=i), keys=3 if i < active else 0,
                     active_seconds=20 if i < active else 0)
        for i in range(minutes)
    ) if kind is SegmentKind.TRACKED else ()
    shots = (ScreenshotRef(taken_at=start, sha256=SHA),) if shots is None else shots
    seg = Segment(id=f"s{seq}", contract_id="c-1", start=start,
                  end=start + timedelta(minutes=minutes), kind=kind, memo=memo,
                  minutes=records, screenshots=shots if kind is SegmentKind.TRACKED else (),
                  redacted=redacted, device_id="d-1", seq=seq, prev_hash=prev)
    seg = replace(seg, **changes)  # type: ignore[arg-type]
    return device.sign(seg)


def ctx(**changes: object) -> VerifyContext:
    base = VerifyContext(now=NOW, contract=contract(), device_public_key=PUB)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_complete_segment_is_protected() -> None:
    verdict = verify_segment(segment(), ctx())
    assert (verdict.status, verdict.billable_minutes, verdict.reasons) == (
        Status.PROTECTED, 10, ())


@pytest.mark.parametrize(("seg", "context", "reason"), [
    (segment(), ctx(device_public_key=None), Reason.UNKNOWN_DEVICE),
    (segment(device=DeviceChain(device_id="d-1")), ctx(), Reason.BAD_SIGNATURE),
    (segment(), ctx(contract=None), Reason.OUTSIDE_CONTRACT),
    (segment(), ctx(contract=contract(status="ended")), Reason.CONTRACT_INACTIVE),
    (segment(), ctx(contract=contract(status="paused")), Reason.CONTRACT_INACTIVE),
    (segment(), ctx(contract=contract(status="offered")), Reason.OUTSIDE_CONTRACT),
    (segment(), ctx(contract=contract(id="c-2")), Reason.OUTSIDE_CONTRACT),
    (segment(start=START + timedelta(minutes=5)), ctx(), Reason.OUTSIDE_CONTRACT),  # off grid
    (segment(kind=SegmentKind.MANUAL), ctx(), Reason.OUTSIDE_CONTRACT),  # manual not allowed
    (segment(start=NOW + timedelta(minutes=10)), ctx(), Reason.FUTURE),
    (segment(), ctx(week_locked=True), Reason.WEEK_LOCKED),
    (segment(), ctx(other_intervals=IntervalIndex(
        [(START + timedelta(minutes=9), START + timedelta(hours=1))])),
     Reason.OVERLAP),
    (segment(kind=SegmentKind.TOMBSTONE), ctx(), Reason.DELETED),
])
def test_rejections(seg: Segment, context: VerifyContext, reason: Reason) -> None:
    verdict = verify_segment(seg, context)
    assert verdict.status is Status.REJECTED
    assert verdict.billable_minutes == 0
    assert reason in verdict.reasons


@pytest.mark.parametrize(("seg", "context", "reason"), [
    (segment(seq=2, prev="f" * 64), ctx(previous_chain_hash="e" * 64), Reason.CHAIN_BREAK),
    (segment(seq=2, prev="f" * 64), ctx(previous_chain_hash=None), Reason.CHAIN_BREAK),
    (segment(), ctx(seq_taken=True), Reason.CHAIN_BREAK),  # a replayed sequence number
    (segment(prev="f" * 64), ctx(), Reason.CHAIN_BREAK),  # seq 1 must start at genesis
    (segment(shots=()), ctx(), Reason.NO_SCREENSHOT),
    (segment(), ctx(missing_screenshots=frozenset({SHA})), Reason.NO_SCREENSHOT),
    (segment(shots=(ScreenshotRef(taken_at=START, error="no display"),)), ctx(),
     Reason.CAPTURE_FAILED),
    (segment(active=0), ctx(), Reason.NO_ACTIVITY),
    (segment(memo="  "), ctx(), Reason.NO_MEMO),
    (segment(kind=SegmentKind.MANUAL), ctx(contract=contract(policy=Policy(allow_manual=True))),
     Reason.MANUAL),
    (segment(redacted=True), ctx(), Reason.REDACTED),
    (segment(shots=(ScreenshotRef(taken_at=START, sha256=SHA, redacted=True),)), ctx(),
     Reason.REDACTED),
])
def test_unprotected_keeps_its_pay(seg: Segment, context: VerifyContext, reason: Reason) -> None:
    verdict = verify_segment(seg, context)
    assert verdict.status is Status.UNPROTECTED
    assert reason in verdict.reasons
    assert verdict.billable_minutes == 10


def test_a_failed_capture_alone_is_also_no_screenshot() -> None:
    seg = segment(shots=(ScreenshotRef(taken_at=START, error="wayland"),))
    assert verify_segment(seg, ctx()).reasons[:2] == (Reason.NO_SCREENSHOT, Reason.CAPTURE_FAILED)


def test_redaction_forbidden_by_policy_counts_as_no_screenshot() -> None:
    seg = segment(shots=(ScreenshotRef(taken_at=START, sha256=SHA, redacted=True),))
    verdict = verify_segment(seg, ctx(contract=contract(policy=Policy(allow_redaction=False))))
    assert Reason.NO_SCREENSHOT in verdict.reasons and Reason.REDACTED in verdict.reasons


def test_chain_links_to_the_previous_record() -> None:
    first = segment()
    second = segment(seq=2, prev=chain_hash(first), start=START + timedelta(minutes=10))
    verdict = verify_segment(second, ctx(previous_chain_hash=chain_hash(first)))
    assert verdict.status is Status.PROTECTED


def test_weekly_limit_cuts_minutes_past_it() -> None:
    verdict = verify_segment(segment(), ctx(contract=contract(weekly_limit_minutes=600),
                                            week_billed_seconds=596 * 60))
    assert verdict.status is Status.UNPROTECTED
    assert (verdict.billable_seconds, verdict.over_limit_seconds) == (240, 360)
    assert (verdict.billable_minutes, verdict.over_limit_minutes) == (4, 6)
    assert verdict.reasons == (Reason.OVER_WEEKLY_LIMIT,)
    full = verify_segment(segment(), ctx(contract=contract(weekly_limit_minutes=600),
                                         week_billed_seconds=700 * 60))
    assert (full.billable_seconds, full.over_limit_seconds) == (0, 600)


def test_weekly_limit_is_cut_to_the_second() -> None:
    # 30 s of the limit left: the segment bills exactly those 30 s, the rest is cut.
    verdict = verify_segment(segment(), ctx(contract=contract(weekly_limit_minutes=600),
                                            week_billed_seconds=600 * 60 - 30))
    assert (verdict.billable_seconds, verdict.over_limit_seconds) == (30, 570)
    assert (verdict.billable_minutes, verdict.over_limit_minutes) == (0, 9)


def test_a_38_second_clock_out_segment_bills_38_seconds() -> None:
    # Clock in at 09:00:00, clock out at 09:00:38: one partial minute of 38 s.
    short = DEVICE.sign(Segment(
        id="s1", contract_id="c-1", start=START, end=START + timedelta(seconds=38),
        memo="work", minutes=(MinuteRecord(at=START, seconds=38, keys=2, active_seconds=10),),
        screenshots=(ScreenshotRef(taken_at=START, sha256=SHA),), device_id="d-1", seq=1,
        prev_hash=GENESIS_HASH))
    verdict = verify_segment(short, ctx())
    assert (verdict.status, verdict.billable_seconds) == (Status.PROTECTED, 38)
    assert verdict.billable_minutes == 0  # the compatibility field rounds down


def test_partial_minutes_at_both_ends_bill_their_seconds() -> None:
    # In at 09:00:20 (40 s), one whole minute, out at 09:02:15 (15 s): 115 s.
    begin = START + timedelta(seconds=20)
    records = (MinuteRecord(at=START, seconds=40, keys=1),
               MinuteRecord(at=START + timedelta(minutes=1), keys=1),
               MinuteRecord(at=START + timedelta(minutes=2), seconds=15, keys=1))
    seg = DEVICE.sign(replace(segment(start=begin), end=begin + timedelta(seconds=115),
                              minutes=records))
    assert verify_segment(seg, ctx()).billable_seconds == 115


def test_partial_segment_bills_exact_minutes_capped_by_its_span() -> None:
    partial = segment(minutes=4)
    assert verify_segment(partial, ctx()).billable_seconds == 240
    # 12 minute records squeezed into a 10-minute span cannot bill 12 minutes.
    stuffed = segment(minutes=12, end=START + timedelta(minutes=10))
    assert verify_segment(stuffed, ctx()).billable_seconds == 600


def test_device_clock_slightly_ahead_is_tolerated() -> None:
    # Ends one minute after the server's "now": inside the tolerated skew.
    seg = segment(start=NOW - timedelta(minutes=10))
    assert Reason.FUTURE not in verify_segment(seg, ctx(now=NOW - timedelta(minutes=1))).reasons
    assert Reason.FUTURE in verify_segment(seg, ctx(now=NOW - timedelta(minutes=3))).reasons


FIELDS = {
    "contract_id": "c-2", "start": START - timedelta(minutes=10), "end": START + timedelta(
        minutes=9), "memo": "edited", "redacted": True, "device_id": "d-2", "seq": 7,
    "prev_hash": "c" * 64, "kind": SegmentKind.MANUAL, "minutes": (), "screenshots": (),
    "id": "other",
}


@pytest.mark.parametrize("field_name", sorted(FIELDS))
def test_any_field_changed_after_signing_is_a_bad_signature(field_name: str) -> None:
    tampered = replace(segment(), **{field_name: FIELDS[field_name]})  # type: ignore[arg-type]
    context = ctx(contract=contract(id=tampered.contract_id))
    assert Reason.BAD_SIGNATURE in verify_segment(tampered, context).reasons


def test_another_devices_key_is_a_bad_signature() -> None:
    other = DeviceChain(device_id="d-1").public_key
    assert verify_segment(segment(), ctx(device_public_key=other)).reasons == (
        Reason.BAD_SIGNATURE,)


def test_reordered_records_break_the_chain() -> None:
    first = segment()
    second = segment(seq=2, prev=chain_hash(first), start=START + timedelta(minutes=10))
    # The second arrives claiming the first's place: seq 2 but the server holds no seq 1.
    assert Reason.CHAIN_BREAK in verify_segment(second, ctx(previous_chain_hash=None)).reasons
    # A replay of the first under its own seq where seq 1 is taken.
    assert Reason.CHAIN_BREAK in verify_segment(first, ctx(seq_taken=True)).reasons


@settings(max_examples=60, deadline=None)
@given(
    minutes=st.integers(min_value=1, max_value=10),
    last_seconds=st.integers(min_value=1, max_value=60),
    active=st.integers(min_value=0, max_value=10),
    billed=st.integers(min_value=0, max_value=800 * 60),
    limit=st.one_of(st.none(), st.integers(min_value=1, max_value=700)),
    memo=st.sampled_from(["", "work"]),
)
def test_billable_never_exceeds_tracked_or_the_limit(
    minutes: int, last_seconds: int, active: int, billed: int, limit: int | None, memo: str,
) -> None:
    # The last minute is partial (a clock-out): its seconds count, to the second.
    seg = segment(minutes=minutes, active=min(active, minutes), memo=memo)
    last = replace(seg.minutes[-1], seconds=last_seconds, active_seconds=min(20, last_seconds))
    records = (*seg.minutes[:-1], last)
    seg = DEVICE.sign(replace(seg, minutes=records,
                              end=seg.end - timedelta(seconds=60 - last_seconds)))
    tracked = (minutes - 1) * 60 + last_seconds
    verdict = verify_segment(seg, ctx(contract=contract(weekly_limit_minutes=limit),
                                      week_billed_seconds=billed))
    assert 0 <= verdict.billable_seconds <= tracked
    assert verdict.billable_seconds + verdict.over_limit_seconds == tracked
    assert verdict.billable_minutes == verdict.billable_seconds // 60
    if limit is not None:
        assert verdict.billable_seconds <= max(0, limit * 60 - billed)
    assert (verdict.status is Status.PROTECTED) == (not verdict.reasons)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_flipped_byte_of_the_memo_is_caught(data: st.DataObject) -> None:
    seg = segment(memo="fixed the login bug")
    new_memo = data.draw(st.text(min_size=0, max_size=30).filter(lambda m: m != seg.memo))
    assert Reason.BAD_SIGNATURE in verify_segment(replace(seg, memo=new_memo), ctx()).reasons


def test_precomputed_signed_bytes_give_the_same_verdicts() -> None:
    from workdiary.core.canonical import canonical_bytes

    good = segment()
    forged = segment(device=DeviceChain(device_id="d-1"))
    for seg in (good, forged):
        plain = verify_segment(seg, ctx())
        fast = verify_segment(seg, ctx(signed_bytes=canonical_bytes(seg)))
        assert plain == fast
    assert verify_segment(forged, ctx(signed_bytes=canonical_bytes(forged))).reasons == (
        Reason.BAD_SIGNATURE,)
    broken = replace(good, signature="not base64!")
    assert Reason.BAD_SIGNATURE in verify_segment(
        broken, ctx(signed_bytes=canonical_bytes(broken))).reasons
