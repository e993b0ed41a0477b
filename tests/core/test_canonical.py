"""Property tests of the canonical form: round trips, determinism, what the chain hash covers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from workdiary.core.activity import activity_of
from workdiary.core.canonical import (
    canonical_bytes,
    canonical_hash,
    chain_hash,
    segment_from_dict,
    segment_to_dict,
    summary_from_dict,
)
from workdiary.core.model import ActivitySource, MinuteRecord, ScreenshotRef, Segment, SegmentKind

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@st.composite
def segments(draw: st.DrawFn) -> Segment:
    start = T0 + timedelta(minutes=draw(st.integers(0, 10_000)) * 10)
    count = draw(st.integers(1, 10))
    minute_list = tuple(
        MinuteRecord(at=start + timedelta(minutes=i), keys=draw(st.integers(0, 99)),
                     active_seconds=draw(st.integers(0, 60)), idle=draw(st.booleans()))
        for i in range(count)
    )
    shots = tuple(
        ScreenshotRef(taken_at=start + timedelta(seconds=draw(st.integers(0, 60 * count - 1))),
                      sha256=draw(st.sampled_from([None, "ab" * 32])),
                      error=draw(st.sampled_from([None, "no display"])),
                      window_title=draw(st.sampled_from([None, "naïve ünïcode ✓"])))
        for _ in range(draw(st.integers(0, 3)))
    )
    return Segment(
        id=draw(st.uuids()).hex, contract_id="c-1", start=start,
        end=start + timedelta(minutes=count), memo=draw(st.text(max_size=40)),
        minutes=minute_list, screenshots=shots, device_id="d" * 32,
        seq=draw(st.integers(1, 10**6)), prev_hash="0" * 64, signature="sig",
    )


@given(segments())
def test_round_trip_through_the_wire_shape(segment: Segment) -> None:
    assert segment_from_dict(json.loads(json.dumps(segment_to_dict(segment)))) == segment


@given(segments())
def test_canonical_bytes_are_sorted_compact_utf8_and_exclude_the_signature(
    segment: Segment,
) -> None:
    raw = canonical_bytes(segment)
    text = raw.decode("utf-8")
    data = json.loads(text)
    assert "signature" not in data
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_bytes(replace(segment, signature="other")) == raw


@given(segments(), st.text(min_size=1, max_size=20))
def test_chain_hash_survives_memo_edits_and_deletion(segment: Segment, memo: str) -> None:
    edited = replace(segment, memo=segment.memo + memo, minutes=segment.minutes[:1])
    assert chain_hash(edited) == chain_hash(segment)
    assert chain_hash(segment.as_tombstone()) == chain_hash(segment)
    assert canonical_hash(edited) != canonical_hash(segment)
    moved = replace(segment, seq=segment.seq + 1)
    assert chain_hash(moved) != chain_hash(segment)


@st.composite
def stored_bodies(draw: st.DrawFn) -> Segment:
    """Segments of every kind, with partial minutes and idle-time measured minutes."""
    start = T0 + timedelta(minutes=draw(st.integers(0, 10_000)) * 10)
    count = draw(st.integers(1, 10))
    kind = draw(st.sampled_from(list(SegmentKind)))
    from_idle = draw(st.booleans())
    minute_list = () if kind in (SegmentKind.MANUAL, SegmentKind.TOMBSTONE) else tuple(
        MinuteRecord(
            at=start + timedelta(minutes=i), seconds=draw(st.integers(1, 60)),
            keys=0 if from_idle else draw(st.integers(0, 3)),
            clicks=0 if from_idle else draw(st.integers(0, 2)),
            scrolls=0 if from_idle else draw(st.integers(0, 2)),
            moves=0 if from_idle else draw(st.integers(0, 2)),
            active_seconds=draw(st.integers(0, 60)), idle=draw(st.booleans()),
            source=ActivitySource.IDLE_MONITOR if from_idle else ActivitySource.COUNTS)
        for i in range(count))
    return Segment(id="s-1", contract_id="c-1", start=start,
                   end=start + timedelta(minutes=count, seconds=draw(st.integers(0, 59))),
                   kind=kind, minutes=minute_list, device_id="d" * 32, seq=1,
                   screenshots=draw(segments()).screenshots)


@given(stored_bodies())
def test_a_stored_bodys_summary_says_what_the_full_parse_says(segment: Segment) -> None:
    summary = summary_from_dict(json.loads(json.dumps(segment_to_dict(segment))))
    assert summary.kind is segment.kind
    assert summary.tracked_seconds == segment.tracked_seconds
    assert summary.activity == activity_of(segment.minutes)
    assert summary.measured_from_idle == any(
        m.source is ActivitySource.IDLE_MONITOR for m in segment.minutes)
    assert summary.screenshots == segment.screenshots
