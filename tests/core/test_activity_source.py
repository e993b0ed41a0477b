"""Minutes measured from idle time (native Wayland): model, canonical form, verification."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from workdiary.core.activity import activity_of
from workdiary.core.canonical import (
    GENESIS_HASH,
    canonical_bytes,
    minute_from_dict,
    minute_to_dict,
    segment_from_dict,
    segment_to_dict,
)
from workdiary.core.errors import DomainError
from workdiary.core.model import (
    ActivitySource,
    Contract,
    MinuteRecord,
    Reason,
    ScreenshotRef,
    Segment,
    Status,
)
from workdiary.core.signing import generate_private_key, public_key_of, sign_segment
from workdiary.core.verify import VerifyContext, verify_segment

KEY = generate_private_key()
START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
CONTRACT = Contract(id="c-1", title="T", client_name="C", freelancer_name="F", rate_cents=3000)


def ctx() -> VerifyContext:
    return VerifyContext(now=START + timedelta(hours=3), contract=CONTRACT,
                         device_public_key=public_key_of(KEY))


def segment(minutes: tuple[MinuteRecord, ...] | None = None) -> Segment:
    counted = tuple(MinuteRecord(at=START + timedelta(minutes=i), keys=3, active_seconds=20)
                    for i in range(10))
    return sign_segment(Segment(
        id="s1", contract_id="c-1", start=START, end=START + timedelta(minutes=10), memo="work",
        minutes=counted if minutes is None else minutes, device_id="d-1", seq=1,
        prev_hash=GENESIS_HASH, screenshots=(ScreenshotRef(taken_at=START, sha256="b" * 64),),
    ), KEY)

IDLE = ActivitySource.IDLE_MONITOR


def idle_minutes(active: list[int]) -> tuple[MinuteRecord, ...]:
    return tuple(
        MinuteRecord(at=START + timedelta(minutes=i), active_seconds=a, source=IDLE)
        for i, a in enumerate(active)
    )


def test_a_counts_minute_keeps_its_canonical_form() -> None:
    """Segments signed before activity sources existed must keep their bytes and signature."""
    minute = MinuteRecord(at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC), keys=2, active_seconds=3)
    assert minute_to_dict(minute) == {
        "at": "2026-03-04T09:00:00Z", "seconds": 60, "keys": 2, "clicks": 0, "scrolls": 0,
        "moves": 0, "active_seconds": 3, "idle": False,
    }
    signed = segment()
    assert b"source" not in canonical_bytes(signed)
    assert verify_segment(signed, ctx()).status is Status.PROTECTED


def test_an_idle_monitor_minute_round_trips_and_says_its_source() -> None:
    minute = MinuteRecord(at=START, active_seconds=42, source=IDLE)
    data = minute_to_dict(minute)
    assert data["source"] == "idle_monitor"
    assert minute_from_dict(json.loads(json.dumps(data))) == minute
    assert minute.has_input and minute.active and not minute.has_counts


def test_idle_monitor_minutes_cannot_carry_counts() -> None:
    with pytest.raises(DomainError, match="idle time carries no input counts"):
        MinuteRecord(at=START, keys=1, active_seconds=1, source=IDLE)


def test_an_unknown_source_is_a_malformed_segment() -> None:
    data = segment_to_dict(segment())
    data["minutes"][0]["source"] = "telepathy"
    with pytest.raises(DomainError, match="malformed segment"):
        segment_from_dict(data)


def test_activity_from_idle_time_counts_active_seconds() -> None:
    activity = activity_of(idle_minutes([60, 0, 30, 0]))
    assert (activity.active_minutes, activity.active_seconds, activity.tracked_minutes) == (
        2, 90, 4)
    idle_marked = replace(idle_minutes([60])[0], idle=True)
    assert not idle_marked.active


def test_verification_protects_idle_monitor_activity_and_flags_none() -> None:
    active = segment(idle_minutes([50] * 10))
    assert verify_segment(active, ctx()).status is Status.PROTECTED
    quiet = segment(idle_minutes([0] * 10))
    assert verify_segment(quiet, ctx()).reasons == (Reason.NO_ACTIVITY,)
    # The source is signed: turning counted minutes into idle-monitor ones breaks the signature.
    forged = replace(active, minutes=tuple(replace(m, source=ActivitySource.COUNTS,
                                                   keys=1) for m in active.minutes))
    assert verify_segment(forged, ctx()).status is Status.REJECTED
