"""The outbox: uploads what the store has recorded, in order, and records what the server said.

One pass (``Outbox.run_once``):
1. withdraws segments deleted after upload (DELETE /segments/{id});
2. takes closed, pending segments whose grace period is over, in device-seq order, in batches;
   re-signs any whose signature was cleared; uploads their screenshots (idempotent PUT) and then
   the batch (POST /segments); stores each verdict (status, billable seconds, reasons);
3. sends memo edits of uploaded segments, re-signed (PUT /segments/{id}); a refusal (the week
   locked) drops the edit and keeps the server's sentence as the segment's last error;
4. deletes local screenshot files some days after the server accepted them.

Transient failures are retried with backoff; when they persist the pass ends and everything
stays pending. A 4xx for one record quarantines that record with its reason; the rest goes on.
A 401 marks the login expired and pauses uploads until ``workdiary login``: nothing is lost.
"""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from workdiary.core.canonical import segment_to_dict
from workdiary.core.clock import Clock
from workdiary.core.model import Segment
from workdiary.core.timegrid import isoformat_z
from workdiary.store.protocols import OutboxStore, VerdictRecord
from workdiary.sync.api import ApiClient, AuthExpired, Rejected, Transient, Verdict
from workdiary.sync.clockcheck import future_message, parse_http_date
from workdiary.sync.retry import RetryPolicy, Stopped, call_with_retry
from workdiary.sync.shotuploads import (
    MAX_CONNECTIONS,
    NotSent,
    ShotJob,
    ShotUploads,
    Uploading,
)
from workdiary.sync.tokenrenewal import keep_token_alive

Signer = Callable[[Segment], Segment]

AUTH_EXPIRED_MESSAGE = (
    "uploads are paused: the server no longer accepts this login. Run `workdiary login` "
    "again; everything recorded stays on this computer until then."
)


# 4xx answers that judge the record sent (its body, its size, a conflicting copy): quarantine
# that record. Other 4xx (403, 404, 405, ...) mean the account or the address is wrong for
# every record: the pass stops and everything stays queued.
SEGMENT_RECORD_ERRORS = frozenset({400, 409, 413, 422})
SCREENSHOT_RECORD_ERRORS = frozenset({400, 413, 415, 422})


# How a refused memo edit is kept as the segment's last error (the diaries find it by this).
MEMO_EDIT_REFUSED = "memo edit refused"


class PassRefused(Exception):
    """The server refused the whole upload, not one record: stop the pass, keep the queue."""


def _refused(exc: Rejected, server_url: str) -> PassRefused:
    return PassRefused(
        f"the server at {server_url} refused the upload ({exc.status} {exc.code}: "
        f"{exc.server_message or 'no message'}); nothing was quarantined, everything stays "
        "queued. Check the server address and account (`workdiary login`)")


@dataclass(frozen=True, slots=True)
class OutboxConfig:
    grace_seconds: float = 120.0  # after a segment closes, time to review, delete or redact
    batch_size: int = 50
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    purge_after_days: float = 7.0  # local screenshot files kept this long after acceptance
    # Screenshot PUTs in flight at once in a catch-up (``shotuploads``), 1-8; 1: one by one.
    upload_connections: int = 3

    def __post_init__(self) -> None:
        if not 1 <= self.upload_connections <= MAX_CONNECTIONS:
            raise ValueError(f"upload_connections must be 1-{MAX_CONNECTIONS}, "
                             f"not {self.upload_connections}")


@dataclass
class SyncReport:
    """What one pass did, for `workdiary sync`, the status line and the tray."""

    verdicts: list[Verdict] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (segment id, reason)
    deleted: list[str] = field(default_factory=list)
    screenshots_uploaded: int = 0
    screenshot_problems: list[tuple[str, str]] = field(default_factory=list)  # (sha, why)
    purged: int = 0
    paused: str | None = None  # uploads paused (login expired, not logged in)
    error: str | None = None  # the pass ended early on a persistent transient failure
    # Segments the server found in the future, kept queued, and what the clocks say about it.
    too_early: list[str] = field(default_factory=list)
    clock_warning: str | None = None
    token_notice: str | None = None  # the login expires soon and could not be renewed
    refused: str | None = None  # the server answered and refused the whole upload
    memo_edited: list[str] = field(default_factory=list)  # memo edits the server took
    memo_refused: list[tuple[str, str]] = field(default_factory=list)  # (segment id, why)

    @property
    def ok(self) -> bool:
        return self.paused is None and self.error is None and self.refused is None

    @property
    def offline(self) -> bool:
        """The server could not be reached (not: it answered and refused)."""
        return self.error is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "accepted": [
                {"id": v.id, "status": v.status, "billable_minutes": v.billable_minutes,
                 "billable_seconds": v.billable_seconds, "reasons": list(v.reasons)}
                for v in self.verdicts
            ],
            "quarantined": [{"id": i, "reason": r} for i, r in self.quarantined],
            "deleted": list(self.deleted),
            "screenshots_uploaded": self.screenshots_uploaded,
            "screenshot_problems": [{"sha256": s, "reason": r}
                                    for s, r in self.screenshot_problems],
            "purged_screenshots": self.purged,
            "paused": self.paused,
            "error": self.error,
            "too_early": list(self.too_early),
            "clock_warning": self.clock_warning,
            "token_notice": self.token_notice,
            "refused": self.refused,
            "memo_edited": list(self.memo_edited),
            "memo_refused": [{"id": i, "reason": r} for i, r in self.memo_refused],
        }


class Outbox:
    """Uploads pending records; safe to run again at any time (the server is idempotent)."""

    def __init__(self, store: OutboxStore, api: ApiClient, signer: Signer | None, clock: Clock,
                 config: OutboxConfig | None = None, *, rng: random.Random | None = None,
                 stop_event: threading.Event | None = None, account: str | None = None) -> None:
        self.store = store
        # The account this outbox uploads for: only records bound to it (or to none yet) are
        # sent, and those it sends are bound to it. None: every record (tests of the outbox).
        self.account = account
        self.api = api
        self.signer = signer
        self.clock = clock
        self.config = config or OutboxConfig()
        self._rng = rng or random.Random()
        self.stop_event = stop_event or threading.Event()
        self._uploaded_shas: set[str] = set()

    def run_once(self, *, flush: bool = False, seen_now: bool = False) -> SyncReport:
        """One full pass; never raises for server trouble (the report says what happened).

        ``flush`` skips the review grace period (clock-out at the end of the demo, tests);
        ``seen_now`` skips it only for segments the user has seen (`workdiary sync --now`).
        """
        report = SyncReport()
        if self.store.get_setting("auth_state") == "expired":
            report.paused = AUTH_EXPIRED_MESSAGE
            return report
        try:
            report.token_notice = keep_token_alive(self.api, self.store, self.clock.now())
            self._send_deletions(report)
            self._send_segments(report, flush, seen_now)
            self._send_memo_edits(report)
        except AuthExpired:
            self.store.set_setting("auth_state", "expired")
            report.paused = AUTH_EXPIRED_MESSAGE
            return report
        except Transient as exc:
            report.error = f"{exc}; everything not yet sent stays queued and is retried"
            return report
        except Stopped:
            report.error = "stopped before the pass finished; the rest stays queued"
            return report
        except PassRefused as exc:
            report.refused = str(exc)
            return report
        now = self.clock.now()
        self.store.set_setting("last_sync_at", isoformat_z(now))
        report.purged = self.store.purge_uploaded_screenshots(
            now - timedelta(days=self.config.purge_after_days))
        return report

    # -- steps ------------------------------------------------------------------------------

    def _retry(self, action: Callable[[], Any]) -> Any:
        return call_with_retry(action, self.config.retry, rng=self._rng, wait=self.stop_event.wait)

    def _send_deletions(self, report: SyncReport) -> None:
        # Only this account's: with another account's token the server answers 404 (not
        # yours), which would pass for "already deleted".
        for tombstone in self.store.delete_pending_segments(account=self.account):
            segment_id = tombstone.id
            try:
                self._retry(functools.partial(self.api.delete_segment, segment_id))
            except Rejected as exc:
                if exc.status != 404:  # 404: already gone on the server, which is the goal
                    reason = f"delete refused: {exc.code}"
                    if exc.status in SEGMENT_RECORD_ERRORS:  # final: asking again cannot help
                        self.store.deletion_refused(segment_id, f"{reason} ({exc.server_message})")
                    else:
                        self.store.set_sync_error(segment_id, f"delete refused: {exc}")
                    report.quarantined.append((segment_id, reason))
                    continue
            self.store.mark_deleted_on_server(segment_id)
            report.deleted.append(segment_id)

    def _send_segments(self, report: SyncReport, flush: bool, seen_now: bool) -> None:
        uploads = ShotUploads(self.api, connections=self.config.upload_connections,
                              policy=self.config.retry, rng=self._rng,
                              stop_event=self.stop_event,
                              record_errors=SCREENSHOT_RECORD_ERRORS)
        try:
            self._send_batches(report, flush, seen_now, uploads)
        finally:
            uploads.close()

    def _send_batches(self, report: SyncReport, flush: bool, seen_now: bool,
                      uploads: ShotUploads) -> None:
        """Batch by batch: the pictures of a batch go up while the batch before it (whose
        pictures are all up) is posted; a batch is posted only after its own pictures."""
        seen: set[str] = set()
        ready: list[Segment] = []  # pictures up, to be posted next
        while True:
            batch = [] if self.stop_event.is_set() else self._next_batch(
                seen, flush, seen_now, still_pending=len(ready))
            if batch and any(not s.signature for s in batch):
                report.paused = "not logged in on this computer: run `workdiary login` to upload"
                batch = []
            if not batch:
                if ready:
                    self._post(ready, report)
                return
            jobs = self._screenshot_jobs(batch, report)
            uploading = uploads.start(jobs)
            try:
                if ready:
                    self._post(ready, report)
            except BaseException:
                self._uploads_done(jobs, uploading, report, raise_failure=False)
                raise
            self._uploads_done(jobs, uploading, report)
            ready = batch

    def _next_batch(self, seen: set[str], flush: bool, seen_now: bool, still_pending: int
                    ) -> list[Segment]:
        """The next segments due, in device-seq order, signed; ``still_pending``: how many
        of the first ones are the batch not yet posted (skipped)."""
        # closed_before is exclusive and to the second: a flush includes this second too.
        grace = -1.0 if flush else self.config.grace_seconds
        now = self.clock.now()
        due = now - timedelta(seconds=grace)
        batch = [s for s in self.store.pending_segments(
                    due, self.config.batch_size + still_pending, account=self.account,
                    seen_closed_before=now + timedelta(seconds=1) if seen_now else None)
                 if s.id not in seen][:self.config.batch_size]
        seen.update(s.id for s in batch)
        if self.account is not None:
            for segment in batch:  # signed with this account's key from here on
                self.store.bind_account(segment.id, self.account)
        return [self._signed(s) for s in batch]

    def _send_memo_edits(self, report: SyncReport) -> None:
        if self.signer is None:
            return
        for edit in self.store.memo_edits_pending(account=self.account):
            if self.stop_event.is_set():
                return
            signed = self.signer(edit)
            try:
                verdict = self._retry(functools.partial(
                    self.api.put_segment, edit.id, segment_to_dict(signed)))
            except Rejected as exc:
                if exc.status not in SEGMENT_RECORD_ERRORS:
                    raise _refused(exc, self.api.server_url) from exc
                # Final (the week locked, a deleted segment): asking again cannot help.
                reason = f"{MEMO_EDIT_REFUSED}: {exc.server_message or exc.code} ({exc.code})"
                self.store.memo_edit_refused(edit.id, reason)
                report.memo_refused.append((edit.id, reason))
                continue
            self.store.memo_edit_accepted(edit.id, signed.memo, signed.signature,
                                          verdict.status or "", verdict.billable_seconds,
                                          list(verdict.reasons))
            report.memo_edited.append(edit.id)

    def _signed(self, segment: Segment) -> Segment:
        if segment.signature or self.signer is None:
            return segment  # a present signature is never replaced: tampering must show
        signed = self.signer(segment)
        self.store.set_signature(segment.id, signed.signature)
        return signed

    def _screenshot_jobs(self, batch: list[Segment], report: SyncReport) -> list[ShotJob]:
        """The batch's images not yet on the server (missing files are reported: the segment
        still goes, the server judges)."""
        jobs: list[ShotJob] = []
        queued: set[str] = set()
        for segment in batch:
            for shot in segment.screenshots:
                sha = shot.sha256
                if (sha is None or sha in self._uploaded_shas or sha in queued
                        or self.store.screenshot_uploaded(sha)):
                    continue
                file = self.store.screenshot_path(sha)
                if file is None:  # deleted or already purged locally
                    report.screenshot_problems.append((sha, "file missing locally"))
                    continue
                jobs.append(ShotJob(sha, file, segment.device_id))
                queued.add(sha)
        return jobs

    def _uploads_done(self, jobs: list[ShotJob], uploading: Uploading, report: SyncReport,
                      *, raise_failure: bool = True) -> None:
        """Wait for the batch's pictures, mark those sent (also when the pass ends here) and
        raise the first failure that ends the pass."""
        uploaded: list[str] = []
        failure: Exception | None = None
        for job, outcome in zip(jobs, uploading.wait(), strict=True):
            if outcome is None:
                uploaded.append(job.sha256)
                self._uploaded_shas.add(job.sha256)
                report.screenshots_uploaded += 1
            elif isinstance(outcome, NotSent):
                continue
            elif isinstance(outcome, Rejected) and outcome.status in SCREENSHOT_RECORD_ERRORS:
                report.screenshot_problems.append(
                    (job.sha256, f"{outcome.code}: {outcome.server_message}"))
            elif failure is None:  # the first failure in order ends the pass
                failure = outcome
        # One transaction (one disk sync) for the batch's marks; a pass that stops midway
        # still keeps those that went (a resend would be harmless: idempotent).
        if uploaded:
            self.store.mark_screenshots_uploaded(uploaded, self.clock.now())
        if failure is None or not raise_failure:
            return
        if isinstance(failure, Rejected):
            raise _refused(failure, self.api.server_url) from failure
        raise failure

    def _post(self, batch: list[Segment], report: SyncReport, *, again: bool = False) -> None:
        payload = [segment_to_dict(s) for s in batch]
        try:
            verdicts = self._retry(lambda: self.api.post_segments(payload))
        except Rejected as exc:
            if exc.status not in SEGMENT_RECORD_ERRORS:
                raise _refused(exc, self.api.server_url) from exc
            if len(batch) == 1 and exc.status == 409 and not again:
                # A conflict can be a race with a concurrent upload of the same records:
                # one more try tells a race from a real conflicting body.
                self._post(batch, report, again=True)
                return
            if len(batch) == 1:
                reason = f"{exc.code}: {exc.server_message}"
                self.store.quarantine(batch[0].id, reason)
                report.quarantined.append((batch[0].id, reason))
                return
            # One bad record spoils the batch: split until it is found, the rest goes on.
            middle = len(batch) // 2
            self._post(batch[:middle], report)
            self._post(batch[middle:], report)
            return
        answered = set()
        accepted: list[VerdictRecord] = []
        for verdict in verdicts:
            answered.add(verdict.id)
            if verdict.error_code is not None:
                reason = f"{verdict.error_code}: {verdict.error_message}"
                self.store.quarantine(verdict.id, reason)
                report.quarantined.append((verdict.id, reason))
            elif verdict.status == "rejected" and "future" in verdict.reasons:
                # Not final on the server either: keep it queued, say what the clocks say.
                message = future_message(self.clock.now(),
                                         parse_http_date(self.api.last_server_date))
                self.store.set_sync_error(verdict.id, message)
                report.too_early.append(verdict.id)
                report.clock_warning = message
            else:
                accepted.append((verdict.id, verdict.status or "", verdict.billable_seconds,
                                 list(verdict.reasons)))
                report.verdicts.append(verdict)
        # One transaction (one disk sync) for the batch, not one per segment: until it is
        # written the segments stay pending, and a resend gets the same verdicts back.
        if accepted:
            self.store.record_verdicts(accepted)
        for segment in batch:
            if segment.id not in answered:
                self.store.set_sync_error(segment.id, "the server did not answer for it")
