"""The direct reader of canonical batches (``api/segment_wire.py``) against pydantic's.

What it accepts, ``SegmentBatch`` accepts too, with the same segments, and the body it keeps
is the segment's canonical form; what desktops write it always accepts. Inputs are segments
in their wire shape, some changed in one place the way a client other than ours might write
them (another spelling, a type, a bound, a key)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from workdiary.core.canonical import segment_to_dict
from workdiary.core.errors import DomainError
from workdiary.core.manual import MAX_MEMO
from workdiary.core.model import ActivitySource, MinuteRecord, ScreenshotRef, Segment, SegmentKind
from workdiary.server.api.segment_schemas import SegmentBatch
from workdiary.server.api.segment_wire import read_canonical_batch

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SHA = "ab" * 32


@st.composite
def segments(draw: st.DrawFn) -> Segment:
    start = T0 + timedelta(minutes=draw(st.integers(-10**6, 10**6)) * 10)
    kind = draw(st.sampled_from(list(SegmentKind)))
    count = 0 if kind is not SegmentKind.TRACKED else draw(st.integers(0, 10))
    from_idle = draw(st.booleans())
    minutes = tuple(
        MinuteRecord(at=start + timedelta(minutes=i), seconds=draw(st.integers(1, 60)),
                     keys=0 if from_idle else draw(st.integers(0, 10**6)),
                     clicks=0 if from_idle else draw(st.integers(0, 3)),
                     active_seconds=draw(st.integers(0, 60)), idle=draw(st.booleans()),
                     source=ActivitySource.IDLE_MONITOR if from_idle else ActivitySource.COUNTS)
        for i in range(count))
    shots = tuple(
        ScreenshotRef(taken_at=start + timedelta(seconds=draw(st.integers(0, 599))),
                      sha256=draw(st.sampled_from([None, SHA])),
                      thumb_sha256=draw(st.sampled_from([None, "cd" * 32])),
                      width=draw(st.integers(0, 100_000)), size=draw(st.integers(0, 10**9)),
                      error=draw(st.sampled_from([None, "no display", "é" * 500])),
                      app=draw(st.sampled_from([None, "editor"])),
                      window_title=draw(st.one_of(st.none(), st.text(max_size=30))),
                      blurred=draw(st.booleans()), redacted=draw(st.booleans()))
        for _ in range(draw(st.integers(0, 3))))
    return Segment(
        id=draw(st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)),
        contract_id=draw(st.text(min_size=1, max_size=64)), start=start,
        end=start + timedelta(seconds=draw(st.integers(1, 3600))), kind=kind,
        memo=draw(st.one_of(st.text(max_size=40), st.just("m" * MAX_MEMO))),
        minutes=minutes, screenshots=shots, redacted=draw(st.booleans()),
        device_id=draw(st.text(min_size=1, max_size=64)), seq=draw(st.integers(0, 2**53)),
        prev_hash="0" * 64, signature=draw(st.text(max_size=200)),
    )


def _times(value: str) -> list[Any]:
    moment = datetime.fromisoformat(value)
    return [value.replace("Z", "+00:00"), value.replace("Z", "z"), value[:-1],
            value[:-1] + ".000001Z", moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+01:00"),
            value.replace("T", " "), "1999-12-31T23:59:59Z", "2100-01-01T00:00:00Z"]


def _variants(value: Any) -> list[Any]:
    """Other ways a client might write this value, valid for pydantic or not."""
    if isinstance(value, bool):
        return [int(value), str(value).lower(), None]
    if isinstance(value, int):
        return [float(value), str(value), -1, value + 1, 2**53 + 1, 1_000_001, 61, True, None]
    if _kind(value) == "time":
        return _times(value)
    if isinstance(value, str):
        return [value.upper(), "", "x" * 65, "x" * 201, "é" * 1001, 7, None]
    if value is None:
        return ["", "AB" * 32, 0]
    return [None, {}, [], "x"]


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a leaf value of the wire shape."""
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _places(value, (*path, key))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _places(value, (*path, i))] or [path]
    return [path]


def _kind(value: Any) -> str:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return "str"
        return "time"
    return type(value).__name__


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@st.composite
def changed(draw: st.DrawFn) -> dict[str, Any]:
    """A segment's wire shape, changed in one place (or not at all)."""
    data = segment_to_dict(draw(segments()))
    how = draw(st.sampled_from(["none", "value", "drop", "extra", "source", "span"]))
    if how == "value":  # a kind of value first: a segment has many counts, few times
        places: dict[str, list[tuple[tuple[Any, ...], Any]]] = {}
        for path in _places(data):
            value = _get(data, path)
            places.setdefault(_kind(value), []).append((path, value))
        path, value = draw(st.sampled_from(places[draw(st.sampled_from(sorted(places)))]))
        _set(data, path, draw(st.sampled_from(_variants(value))))
    elif how == "drop":
        holders = [data] + data["minutes"] + data["screenshots"]
        holder = draw(st.sampled_from(holders))
        del holder[draw(st.sampled_from(sorted(holder)))]
    elif how == "extra":
        draw(st.sampled_from([data] + data["minutes"] + data["screenshots"]))["extra"] = 1
    elif how == "source" and data["minutes"]:
        minute = draw(st.sampled_from(data["minutes"]))
        minute["source"] = draw(st.sampled_from(["counts", "idle_monitor", "other"]))
        minute["keys"] = minute["clicks"] = minute["scrolls"] = minute["moves"] = draw(
            st.sampled_from([0, 1]))
    elif how == "span":
        start = datetime.fromisoformat(data["start"])
        end = start + timedelta(seconds=draw(st.sampled_from([0, -60, 3601])))
        data["end"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    return data


def _pydantic(payload: bytes) -> list[Segment] | None:
    try:
        return [s.to_segment() for s in SegmentBatch.model_validate_json(payload).segments]
    except (ValidationError, DomainError):
        return None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(changed(), min_size=1, max_size=3))
def test_what_the_reader_accepts_pydantic_reads_the_same(items: list[dict[str, Any]]) -> None:
    payload = json.dumps({"segments": items}).encode()
    read = read_canonical_batch(payload)
    if read is None:
        return
    _same_as_pydantic(payload, read)


def _same_as_pydantic(payload: bytes, read: list[tuple[Segment, dict[str, Any]]]) -> None:
    theirs = _pydantic(payload)
    assert theirs == [segment for segment, _ in read]
    # The body kept is pydantic's segment in canonical form, signature included; compared
    # as JSON, where 1 is not true.
    assert [_json(body) for _, body in read] == [_json(segment_to_dict(s)) for s in theirs]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


RICH = Segment(
    id="seg-1", contract_id="c-1", device_id="d-1", seq=7, prev_hash="0" * 64, start=T0,
    end=T0 + timedelta(minutes=10), memo="fixing the build", signature="c2ln",
    minutes=(MinuteRecord(at=T0, keys=3, clicks=1, scrolls=2, moves=4, active_seconds=50),
             MinuteRecord(at=T0 + timedelta(minutes=1), seconds=30, active_seconds=20,
                          source=ActivitySource.IDLE_MONITOR),
             MinuteRecord(at=T0 + timedelta(minutes=2), idle=True)),
    screenshots=(ScreenshotRef(taken_at=T0 + timedelta(minutes=3), sha256=SHA,
                               thumb_sha256="cd" * 32, width=1920, height=1080, size=150_000,
                               app="editor", window_title="main.py", blurred=True),
                 ScreenshotRef(taken_at=T0 + timedelta(minutes=4), error="no display")),
)


def _every_change(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each value written each other way, each key dropped, a key added to each object."""
    found = []
    for path in _places(data):
        for variant in _variants(_get(data, path)):
            found.append(copy.deepcopy(data))
            _set(found[-1], path, variant)
    holders: list[tuple[Any, ...]] = [()]
    holders += [("minutes", i) for i in range(len(data["minutes"]))]
    holders += [("screenshots", i) for i in range(len(data["screenshots"]))]
    for holder in holders:
        for key in [*_get(data, holder), None]:
            found.append(copy.deepcopy(data))
            target = _get(found[-1], holder)
            if key is None:
                target["extra"] = 1
            else:
                del target[key]
    for source in ("counts", "idle_monitor", "other", None):
        for minute in range(len(data["minutes"])):
            found.append(copy.deepcopy(data))
            found[-1]["minutes"][minute]["source"] = source
    return found


def test_each_single_change_is_read_as_pydantic_reads_it_or_left_to_it() -> None:
    accepted = 0
    for data in _every_change(segment_to_dict(RICH)):
        payload = json.dumps({"segments": [data]}).encode()
        read = read_canonical_batch(payload)
        if read is not None:
            accepted += 1
            _same_as_pydantic(payload, read)
    assert accepted > 0  # the changes that keep the canonical form (a count + 1, ...)


@settings(max_examples=200)
@given(st.lists(segments(), min_size=1, max_size=5))
def test_a_batch_as_desktops_write_it_is_read_directly(batch: list[Segment]) -> None:
    payload = json.dumps({"segments": [segment_to_dict(s) for s in batch]}).encode()
    read = read_canonical_batch(payload)
    assert read is not None
    assert [segment for segment, _ in read] == batch
    assert [body for _, body in read] == [segment_to_dict(s) for s in batch]


@pytest.mark.parametrize("payload", [
    b"", b"not json", b"[]", b'{"segments": []}', b'{"segments": {}}',
    b'{"segments": [1]}', b'{"segments": [], "more": 1}', b'{"segments": [null]}',
    b'"\\ud800"',
])
def test_what_is_not_a_batch_goes_to_pydantic(payload: bytes) -> None:
    assert read_canonical_batch(payload) is None


def test_more_than_five_hundred_goes_to_pydantic() -> None:
    one = segment_to_dict(Segment(id="s", contract_id="c", start=T0,
                                  end=T0 + timedelta(minutes=10), device_id="d"))
    assert read_canonical_batch(json.dumps({"segments": [one] * 500}).encode()) is not None
    assert read_canonical_batch(json.dumps({"segments": [one] * 501}).encode()) is None


def test_a_minute_from_idle_time_with_counts_goes_to_pydantic() -> None:
    data = segment_to_dict(Segment(
        id="s", contract_id="c", start=T0, end=T0 + timedelta(minutes=1), device_id="d",
        minutes=(MinuteRecord(at=T0, active_seconds=30, source=ActivitySource.IDLE_MONITOR),)))
    assert read_canonical_batch(json.dumps({"segments": [data]}).encode()) is not None
    data["minutes"][0]["keys"] = 3
    assert read_canonical_batch(json.dumps({"segments": [data]}).encode()) is None
    assert _pydantic(json.dumps({"segments": [data]}).encode()) is None


def test_the_reader_keeps_the_request_untouched() -> None:
    data = segment_to_dict(Segment(id="s", contract_id="c", start=T0,
                                   end=T0 + timedelta(minutes=10), device_id="d"))
    payload = json.dumps({"segments": [data]}).encode()
    read = read_canonical_batch(payload)
    assert read is not None and read[0][1] == copy.deepcopy(data)
