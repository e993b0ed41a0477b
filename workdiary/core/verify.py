"""Verification of one segment: the server's verdict, and the desktop's pre-check.

One pure function, :func:`verify_segment`, takes the segment and a :class:`VerifyContext`
(what the caller knows: the device key, the previous record's chain hash, the contract,
the freelancer's other intervals, the week's billed seconds, the clock) and returns a
:class:`Verdict`.

Statuses:
- ``rejected`` (not billable): ``bad_signature``, ``unknown_device`` (unregistered, revoked
  or another user's device), ``overlap`` (the same freelancer already has time there, on
  any contract), ``future``, ``outside_contract`` (no such contract for this freelancer,
  contract not active, off the contract's segment grid, manual time the policy does not
  allow), ``contract_inactive`` (the contract was paused or ended when the segment started),
  ``week_locked``, and ``deleted`` for a tombstone.
- ``unprotected`` (billable, with reasons): ``chain_break`` (the previous record of this
  device is missing or differs: evidence that something was removed elsewhere, not that
  this segment is false, so it keeps its pay), ``over_weekly_limit`` (seconds past the
  limit are cut and never billed; the cut is ``over_limit_seconds``), ``no_screenshot``
  (none taken, none uploaded, or redacted where the policy forbids redaction),
  ``screenshot_unbound`` (a referenced image is not this segment's: uploaded from another
  device, stamped for another segment, or taken outside it; it does not count as evidence),
  ``capture_failed``, ``no_activity``, ``no_memo``, ``manual``, ``redacted``.
- ``protected``: billable with no reasons.

Billable time is kept in seconds: the exact tracked seconds of the segment's minutes (a
38-second clock-out segment bills 38 s), capped at the segment's own length so a record cannot
claim more seconds than its span holds. The weekly limit (``weekly_limit_minutes`` x 60) is
compared in seconds too. ``billable_minutes`` is ``floor(billable_seconds / 60)``, kept for
callers that still read minutes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from workdiary.core.billing import whole_minutes
from workdiary.core.canonical import GENESIS_HASH
from workdiary.core.intervals import IntervalIndex
from workdiary.core.model import Contract, Reason, Segment, SegmentKind, Status
from workdiary.core.timegrid import segment_start

# A device clock a little ahead of the server's is tolerated; more than this is "future".
CLOCK_SKEW = timedelta(minutes=2)

# A contract in one of these states was accepted once and is not running now: its segments
# are refused as ``contract_inactive`` (an offer never accepted is ``outside_contract``).
INACTIVE_STATUSES = frozenset({"paused", "ended"})

# The order reasons are reported in: most serious first.
REJECTING = (
    Reason.UNKNOWN_DEVICE,
    Reason.BAD_SIGNATURE,
    Reason.OUTSIDE_CONTRACT,
    Reason.CONTRACT_INACTIVE,
    Reason.FUTURE,
    Reason.WEEK_LOCKED,
    Reason.OVERLAP,
    Reason.DELETED,
)


@dataclass(frozen=True, slots=True)
class VerifyContext:
    """What the verifier knows besides the segment itself.

    ``device_public_key``: the uploading freelancer's registered, unrevoked key for
    ``segment.device_id``; None when unknown, revoked or someone else's.
    ``previous_chain_hash``: the chain hash of this device's record ``seq - 1`` as the
    caller holds it; None when it holds none. Ignored for ``seq == 1`` (genesis).
    ``seq_taken``: another record with this device and seq is already stored (a replay).
    ``contract``: the segment's contract if it is this freelancer's, else None.
    ``other_intervals``: [start, end) of the freelancer's other billable segments on any
    contract (deleted and rejected ones excluded; this segment's own id excluded).
    ``week_billed_seconds``: seconds already billed on this contract in this segment's week.
    ``missing_screenshots``: referenced screenshot hashes whose images the caller does not
    hold (the desktop passes none).
    ``unbound_screenshots``: referenced hashes the caller holds but that are not bound to this
    segment (another device uploaded them, or their stamp names another segment or moment).
    ``signed_bytes``: the segment's canonical bytes when the caller already encoded it (a
    speed-up for batch uploads); it must equal ``canonical_bytes(segment)``.
    ``own_device``: the caller is the recording device itself (the desktop's pre-check): it
    signs and chains the record at upload, so signature, device and chain are not checked.
    """

    now: datetime
    contract: Contract | None
    device_public_key: str | None
    previous_chain_hash: str | None = None
    seq_taken: bool = False
    other_intervals: IntervalIndex = field(default_factory=IntervalIndex)
    week_billed_seconds: int = 0
    week_locked: bool = False
    missing_screenshots: Collection[str] = field(default_factory=frozenset)
    unbound_screenshots: Collection[str] = field(default_factory=frozenset)
    signed_bytes: bytes | None = None
    own_device: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    billable_seconds: int
    reasons: tuple[Reason, ...]
    over_limit_seconds: int = 0

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def over_limit_minutes(self) -> int:
        return whole_minutes(self.over_limit_seconds)

    @property
    def billable(self) -> bool:
        return self.status is not Status.REJECTED


def _signature_ok(segment: Segment, public_key: str, signed_bytes: bytes | None) -> bool:
    # Imported on use (cached after the first): the tray app's pre-check imports this module
    # without keys, and keeps cryptography (7.6 MB) out of its process (benchmarks/memory.md).
    from workdiary.core.signing import signature_is_valid, signature_over_bytes_is_valid

    if signed_bytes is None:
        return signature_is_valid(segment, public_key)
    return signature_over_bytes_is_valid(signed_bytes, segment.signature, public_key)


def _on_grid(segment: Segment, contract: Contract) -> bool:
    minutes = contract.policy.segment_minutes
    last_instant = segment.end - timedelta(microseconds=1)
    return segment_start(segment.start, minutes) == segment_start(last_instant, minutes)


def _within_contract(segment: Segment, contract: Contract | None) -> bool:
    if contract is None or contract.id != segment.contract_id or contract.status != "active":
        return False
    if segment.kind is SegmentKind.MANUAL and not contract.policy.allow_manual:
        return False
    return _on_grid(segment, contract)


def _chain_intact(segment: Segment, ctx: VerifyContext) -> bool:
    if segment.seq < 1 or ctx.seq_taken:
        return False
    expected = GENESIS_HASH if segment.seq == 1 else ctx.previous_chain_hash
    return expected is not None and segment.prev_hash == expected


def _rejections(segment: Segment, ctx: VerifyContext) -> list[Reason]:
    found: set[Reason] = set()
    if ctx.own_device:
        pass
    elif ctx.device_public_key is None:
        found.add(Reason.UNKNOWN_DEVICE)
    elif not _signature_ok(segment, ctx.device_public_key, ctx.signed_bytes):
        found.add(Reason.BAD_SIGNATURE)
    contract = ctx.contract
    if (contract is not None and contract.id == segment.contract_id
            and contract.status in INACTIVE_STATUSES):
        found.add(Reason.CONTRACT_INACTIVE)
    elif not _within_contract(segment, contract):
        found.add(Reason.OUTSIDE_CONTRACT)
    if segment.end > ctx.now + CLOCK_SKEW:
        found.add(Reason.FUTURE)
    if ctx.week_locked:
        found.add(Reason.WEEK_LOCKED)
    if segment.kind is SegmentKind.TOMBSTONE:
        found.add(Reason.DELETED)
    elif ctx.other_intervals.overlaps(segment.start, segment.end):
        found.add(Reason.OVERLAP)
    return [reason for reason in REJECTING if reason in found]


def _evidence_gaps(segment: Segment, ctx: VerifyContext, contract: Contract) -> list[Reason]:
    """Reasons that cost protection but not pay."""
    if segment.kind is SegmentKind.MANUAL:
        return [Reason.MANUAL] + ([] if segment.memo.strip() else [Reason.NO_MEMO])
    reasons: list[Reason] = []
    shots = segment.screenshots
    missing = set(ctx.missing_screenshots)
    unbound = set(ctx.unbound_screenshots)
    usable = [
        s for s in shots
        if s.sha256 is not None and s.sha256 not in missing and s.sha256 not in unbound
        and (contract.policy.allow_redaction or not s.redacted)
    ]
    if not usable:
        reasons.append(Reason.NO_SCREENSHOT)
    if any(sha in unbound for s in shots for sha in (s.sha256, s.thumb_sha256)):
        reasons.append(Reason.SCREENSHOT_UNBOUND)
    if any(s.failed for s in shots):
        reasons.append(Reason.CAPTURE_FAILED)
    if not any(minute.active for minute in segment.minutes):  # no active minute
        reasons.append(Reason.NO_ACTIVITY)
    if not segment.memo.strip():
        reasons.append(Reason.NO_MEMO)
    if segment.redacted or any(s.redacted for s in shots):
        reasons.append(Reason.REDACTED)
    return reasons


def verify_segment(segment: Segment, ctx: VerifyContext) -> Verdict:
    """The verdict on ``segment`` given what ``ctx`` knows. Pure: no I/O, no clock reads."""
    rejections = _rejections(segment, ctx)
    if rejections:
        return Verdict(Status.REJECTED, 0, tuple(rejections))
    assert ctx.contract is not None  # no OUTSIDE_CONTRACT, so the contract is known
    span_seconds = int((segment.end - segment.start).total_seconds())
    seconds = min(segment.tracked_seconds, span_seconds)
    reasons: list[Reason] = []
    if not ctx.own_device and not _chain_intact(segment, ctx):
        reasons.append(Reason.CHAIN_BREAK)
    over = 0
    limit = ctx.contract.weekly_limit_minutes
    if limit is not None:
        room = max(0, limit * 60 - ctx.week_billed_seconds)
        if seconds > room:
            over, seconds = seconds - room, room
            reasons.append(Reason.OVER_WEEKLY_LIMIT)
    reasons.extend(_evidence_gaps(segment, ctx, ctx.contract))
    status = Status.UNPROTECTED if reasons else Status.PROTECTED
    return Verdict(status, seconds, tuple(reasons), over)
