"""Per-segment checks of an evidence bundle, and its invoice recomputed.

Each record is checked as the server checked it at upload: ``verify_segment`` with a
:class:`VerifyContext` built from the bundle (the device key from ``devices.json``, the
previous record's chain hash from the bundle or ``chain.json``'s anchors, the screenshots'
uploaders and stamps from ``screenshots.json``, the week's billed seconds so far in upload
order, the upload moment as ``now``). What the bundle cannot show, the server attests and the
check takes as given, saying so: the contract's status and policy at the segment's start, an
overlap with time on another contract, and a week closed at upload. The recomputed verdict
must equal the server's; any difference is a MISMATCH with its reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workdiary.core.canonical import GENESIS_HASH, chain_hash, segment_from_dict
from workdiary.core.errors import DomainError
from workdiary.core.evidence import SHOTS_INCLUDED, Manifest
from workdiary.core.intervals import IntervalIndex
from workdiary.core.model import Contract, Policy, Reason, Segment, SegmentKind, Status
from workdiary.core.shotstamp import ShotStamp, jpeg_comment, parse_stamp, shot_binds
from workdiary.core.signing import signature_is_valid
from workdiary.core.timegrid import isoformat_z, parse_iso
from workdiary.core.verify import VerifyContext, verify_segment
from workdiary.core.week import week_start

EXPLAINED = {
    Reason.BAD_SIGNATURE: "the device's signature does not match the record (bad_signature)",
    Reason.UNKNOWN_DEVICE: "its device's public key is not in devices.json (unknown_device)",
    Reason.NO_SCREENSHOT: "no usable screenshot of it is in the bundle (no_screenshot)",
    Reason.SCREENSHOT_UNBOUND: "a screenshot it cites is not bound to it (screenshot_unbound)",
}


@dataclass
class SegmentCheck:
    """One record's check: what the server said, what the bundle shows, what differs."""

    id: str
    start: str = ""
    end: str = ""
    device_id: str = ""
    seq: int = 0
    kind: str = ""
    server_status: str = ""
    server_reasons: tuple[str, ...] = ()
    status: str = ""  # recomputed
    reasons: tuple[str, ...] = ()
    billable_seconds: int = 0  # recomputed
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "device_id": self.device_id,
                "seq": self.seq, "kind": self.kind, "server_status": self.server_status,
                "server_reasons": list(self.server_reasons), "status": self.status,
                "reasons": list(self.reasons), "billable_seconds": self.billable_seconds,
                "ok": self.ok, "problems": self.problems, "notes": self.notes}


@dataclass(frozen=True, slots=True)
class _Shot:
    sha256: str
    device_id: str | None
    stamp: ShotStamp | None
    uploaded_at: datetime | None
    file: str | None


def _shots(raw: Any) -> dict[str, _Shot]:
    found: dict[str, _Shot] = {}
    for item in raw.get("screenshots", []):
        stamp = None
        if item.get("stamp_segment_id") and item.get("stamp_taken_at"):
            stamp = ShotStamp(str(item["stamp_segment_id"]), parse_iso(item["stamp_taken_at"]))
        uploaded = item.get("uploaded_at")
        found[str(item["sha256"])] = _Shot(str(item["sha256"]), item.get("device_id"), stamp,
                                           parse_iso(uploaded) if uploaded else None,
                                           item.get("file"))
    return found


class _Week:
    """The bundle's parsed parts and the running state of the recomputation."""

    def __init__(self, manifest: Manifest, loaded: Mapping[str, Any],
                 files: Mapping[str, bytes]) -> None:
        self.manifest = manifest
        self.files = files
        contract = loaded["contract.json"]
        self.contract = contract["contract"]
        self.terms = contract["terms"]
        self.keys = {str(d["device_id"]): str(d["public_key"])
                     for d in loaded["devices.json"]["devices"]}
        self.anchors = {(str(a["device_id"]), int(a["seq"])): a
                        for a in loaded["chain.json"]["anchors"]}
        self.shots = _shots(loaded["screenshots.json"])
        self.verdicts = {str(v["id"]): v for v in loaded["verdicts.json"]["segments"]}
        self.received = {segment_id: parse_iso(str(v["received_at"]))
                         for segment_id, v in self.verdicts.items()}
        self.by_position = {(str(v["device_id"]), int(v["seq"])): str(v["id"])
                            for v in self.verdicts.values()}
        self.segments: dict[str, Segment] = {}
        self.intervals = IntervalIndex()
        self.billed = 0

    def contract_for(self, verdict: Mapping[str, Any]) -> Contract:
        return Contract(
            id=self.manifest.contract_id, title=str(self.contract.get("title", "")),
            client_name="", freelancer_name="", rate_cents=int(self.terms["rate_cents"]),
            currency=str(self.contract.get("currency", "USD")),
            weekly_limit_minutes=self.terms.get("weekly_limit_minutes"),
            status=str(verdict.get("contract_status", "active")),
            policy=Policy.from_dict(dict(verdict.get("policy") or {})))


def check_segments(manifest: Manifest, loaded: Mapping[str, Any],
                   records: Mapping[str, dict[str, Any]],
                   files: Mapping[str, bytes]) -> list[SegmentCheck]:
    """One check per record or verdict, in time order."""
    try:
        week = _Week(manifest, loaded, files)
    except (KeyError, TypeError, ValueError, AttributeError, DomainError) as exc:
        return [SegmentCheck("-", problems=[f"the bundle's JSON files are malformed ({exc!r})."])]
    checks: dict[str, SegmentCheck] = {}
    for segment_id, body in records.items():
        try:
            week.segments[segment_id] = segment_from_dict(body)
        except DomainError as exc:
            checks[segment_id] = SegmentCheck(segment_id, problems=[f"its record is malformed: "
                                                                    f"{exc}"])
    for segment_id, verdict in week.verdicts.items():
        check = checks.setdefault(segment_id, _from_verdict(segment_id, verdict))
        if segment_id not in week.segments and not check.problems:
            check.problems.append("its record is missing from the bundle.")
    for segment_id in week.segments:
        if segment_id not in week.verdicts:
            checks.setdefault(segment_id, SegmentCheck(segment_id)).problems.append(
                "it has no verdict in verdicts.json.")
    order = sorted((s for s in week.segments.values() if s.id in week.verdicts),
                   key=lambda s: (_received(week, s.id), s.device_id, s.seq, s.start))
    for segment in order:
        try:
            _check_one(week, segment, checks[segment.id])
        except (KeyError, TypeError, ValueError, AttributeError, DomainError) as exc:
            checks[segment.id].problems.append(f"its verdict is malformed ({exc!r}).")
    return sorted(checks.values(), key=lambda c: (c.start, c.id))


def _from_verdict(segment_id: str, verdict: Mapping[str, Any]) -> SegmentCheck:
    return SegmentCheck(segment_id, start=str(verdict.get("start", "")),
                        end=str(verdict.get("end", "")),
                        device_id=str(verdict.get("device_id", "")),
                        seq=int(verdict.get("seq", 0)), kind=str(verdict.get("kind", "")),
                        server_status=str(verdict.get("status", "")),
                        server_reasons=tuple(str(r) for r in verdict.get("reasons", ())))


def _received(week: _Week, segment_id: str) -> datetime:
    return week.received[segment_id]


def _check_one(week: _Week, segment: Segment, check: SegmentCheck) -> None:
    check.start, check.end = isoformat_z(segment.start), isoformat_z(segment.end)
    check.device_id, check.seq, check.kind = segment.device_id, segment.seq, segment.kind.value
    if segment.contract_id != week.manifest.contract_id or (
            week_start(segment.start).date().isoformat() != week.manifest.week_start):
        check.problems.append("it is not a segment of this contract and week.")
    previous = _previous_hash(week, segment, check)
    if segment.kind is SegmentKind.TOMBSTONE:
        _check_tombstone(week, segment, check)
        if previous is not None and segment.prev_hash != previous:
            check.problems.append(_chain_message(week, segment))
        return
    verdict = week.verdicts[segment.id]
    server = set(check.server_reasons)
    attested_overlap = Reason.OVERLAP in server
    if attested_overlap:
        check.notes.append("the overlap with time on another contract is attested by the "
                           "server (that contract is not in this bundle).")
    missing, unbound = _screenshot_facts(week, segment, check)
    ctx = VerifyContext(
        now=_received(week, segment.id), contract=week.contract_for(verdict),
        device_public_key=week.keys.get(segment.device_id), previous_chain_hash=previous,
        # An attested overlap is time on a contract outside the bundle: the segment's own
        # span stands in for it (the check only asks whether anything overlaps).
        other_intervals=(IntervalIndex([(segment.start, segment.end)]) if attested_overlap
                         else week.intervals),
        week_billed_seconds=week.billed,
        week_locked=Reason.WEEK_LOCKED in server, missing_screenshots=missing,
        unbound_screenshots=unbound)
    result = verify_segment(segment, ctx)
    check.status, check.billable_seconds = result.status.value, result.billable_seconds
    check.reasons = tuple(r.value for r in result.reasons)
    if result.billable:
        week.intervals.add(segment.start, segment.end)
        week.billed += result.billable_seconds
    _compare(week, segment, check, verdict, result.billable_seconds, result.over_limit_seconds)


def _previous_hash(week: _Week, segment: Segment, check: SegmentCheck) -> str | None:
    """The chain hash of the device's record ``seq - 1`` as the server held it when this one
    arrived: from the bundle or an anchor; None when it had none (then: chain_break)."""
    if segment.seq <= 1:
        return GENESIS_HASH
    key = (segment.device_id, segment.seq - 1)
    previous_id = week.by_position.get(key)
    received = _received(week, segment.id)
    if previous_id is not None and previous_id in week.segments:
        if _received(week, previous_id) > received:
            return None  # it arrived later: the server saw a gap then
        return chain_hash(week.segments[previous_id])
    anchor = week.anchors.get(key)
    if anchor is not None:
        if anchor.get("received_at") and parse_iso(str(anchor["received_at"])) > received:
            return None
        return str(anchor["chain_hash"])
    return None


def _chain_message(week: _Week, segment: Segment) -> str:
    key = (segment.device_id, segment.seq - 1)
    missing = week.by_position.get(key)
    earlier = [s for s in week.segments.values()
               if s.device_id == segment.device_id and s.seq < segment.seq]
    if missing is not None and missing in week.segments:
        return (f"chain broken: its prev_hash does not match segment {missing}, the device's "
                "previous record.")
    name = (f"segment {missing}" if missing
            else f"the record with seq {segment.seq - 1} of device {segment.device_id}")
    if earlier:
        return f"chain broken after segment {max(earlier, key=lambda s: s.seq).id}: " \
               f"{name} is missing."
    return f"chain broken before segment {segment.id}: {name} is missing."


def _screenshot_facts(week: _Week, segment: Segment,
                      check: SegmentCheck) -> tuple[frozenset[str], frozenset[str]]:
    """(missing, unbound) as the server saw them, and a problem per image whose content does
    not hash to its address or whose own stamp differs from what screenshots.json says."""
    received = _received(week, segment.id)
    missing: set[str] = set()
    unbound: set[str] = set()
    for ref in segment.screenshots:
        for sha in (ref.sha256, ref.thumb_sha256):
            if not sha:
                continue
            shot = week.shots.get(sha)
            if shot is None or (shot.uploaded_at is not None and shot.uploaded_at > received):
                missing.add(sha)
                continue
            if not shot_binds(segment_id=segment.id, device_id=segment.device_id,
                              start=segment.start, end=segment.end, taken_at=ref.taken_at,
                              uploader_device=shot.device_id, stamp=shot.stamp):
                unbound.add(sha)
                continue
            if shot.file is not None:
                _check_image(week, segment, shot, check)
            elif week.manifest.screenshots == SHOTS_INCLUDED:
                check.notes.append(f"screenshot {sha} is not in the bundle (the server no "
                                   "longer holds its image): its content is not checked.")
    return frozenset(missing), frozenset(unbound)


def _check_image(week: _Week, segment: Segment, shot: _Shot, check: SegmentCheck) -> None:
    data = week.files.get(shot.file) if shot.file else None
    if data is None:
        check.problems.append(f"screenshot {shot.sha256} of segment {segment.id} is not in "
                              "the bundle.")
        return
    if hashlib.sha256(data).hexdigest() != shot.sha256:
        check.problems.append(f"screenshot {shot.sha256} of segment {segment.id} does not "
                              "match its hash.")
        return
    own = parse_stamp(jpeg_comment(data))
    if own is not None and own != shot.stamp:
        check.problems.append(f"screenshot {shot.sha256}: its own stamp differs from "
                              "screenshots.json.")


def _check_tombstone(week: _Week, segment: Segment, check: SegmentCheck) -> None:
    check.status, check.reasons = Status.REJECTED.value, (Reason.DELETED.value,)
    if segment.signature:
        key = week.keys.get(segment.device_id)
        if key is None or not signature_is_valid(segment, key):
            check.problems.append(EXPLAINED[Reason.BAD_SIGNATURE] + " of the deletion.")
        else:
            check.notes.append("deleted by the freelancer's device (signed tombstone).")
    else:
        check.notes.append("deleted through the server (DELETE /segments): the tombstone keeps "
                           "the chain fields but carries no device signature.")
    if check.server_status != Status.REJECTED.value or Reason.DELETED.value not in \
            check.server_reasons:
        check.problems.append(f"a deletion, but the server's verdict is {check.server_status}.")


def _compare(week: _Week, segment: Segment, check: SegmentCheck, verdict: Mapping[str, Any],
             billable: int, over: int) -> None:
    server, mine = set(check.server_reasons), set(check.reasons)
    for reason in check.reasons:
        if reason in server:
            continue
        if reason == Reason.CHAIN_BREAK:
            check.problems.append(_chain_message(week, segment))
        else:
            check.problems.append(EXPLAINED.get(Reason(reason), f"the bundle shows {reason}, "
                                                "the server's verdict does not") + ".")
    for reason in check.server_reasons:
        if reason not in mine:
            check.problems.append(f"the server's verdict says {reason}; the bundle does not "
                                  "show it.")
    if check.status != check.server_status:
        check.problems.append(f"the server says {check.server_status}, the bundle shows "
                              f"{check.status}.")
    server_billed = int(verdict.get("billable_seconds", -1))
    server_over = int(verdict.get("over_limit_seconds", 0))
    if (server_billed, server_over) != (billable, over):
        check.problems.append(f"the server bills {server_billed} s (over the limit "
                              f"{server_over} s), the bundle shows {billable} s ({over} s).")
