"""Deleting and redacting a screenshot's segment before upload (DESIGN.md, Screenshots), from
the windows (``ScreenshotReview``) and from `workdiary delete` (``delete_closed_segment``).

Runs on the store's worker thread (through the TaskManager or the tracker's event hook),
never on the GUI thread. Nothing here imports Qt.

Delete removes the whole segment's time, as on Upwork. A segment still being recorded cannot
become a tombstone yet, so it is marked and deleted the moment the tracker closes it (the
event hook runs on the worker right after the close is committed).

Redaction replaces the screenshot's files and row in place (``LocalStore.redact_screenshot``),
clears the stale signature (sync re-signs before upload) and removes the unredacted file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from workdiary.capture.base import EncodedScreenshot
from workdiary.capture.encode import redact_regions
from workdiary.core.model import ScreenshotRef, Segment
from workdiary.core.timegrid import isoformat_z
from workdiary.core.week import is_locked, lock_time, week_start
from workdiary.store import LocalStore, StoreError
from workdiary.tracker.events import SegmentClosed, SegmentDropped, TrackerEvent

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class DeleteOutcome:
    segment_id: str
    deleted_now: bool  # False: marked, deleted when the segment closes
    ends_at: datetime | None  # when a marked segment closes at the latest


class ScreenshotReview:
    """Delete and redact requests from the preview and the diary."""

    def __init__(self, store: LocalStore, now: Callable[[], datetime],
                 on_deleted: Callable[[Segment], None] = lambda tombstone: None) -> None:
        self._store = store
        self._now = now
        self._on_deleted = on_deleted
        self._marked: set[str] = set()
        self._lock = threading.Lock()

    def delete_segment(self, segment_id: str) -> DeleteOutcome:
        """Delete the segment's time now, or when it closes if it is still being recorded."""
        segment = self._store.segment(segment_id)
        if segment is None:
            raise StoreError(f"no segment {segment_id} in the local cache (it was dropped or "
                             f"already deleted)")
        self._refuse_locked(segment)
        if not self._store.is_closed(segment_id):
            with self._lock:
                self._marked.add(segment_id)
            return DeleteOutcome(segment_id, False, segment.end)
        self._on_deleted(self._store.delete_segment(segment_id))
        return DeleteOutcome(segment_id, True, None)

    def is_marked(self, segment_id: str) -> bool:
        with self._lock:
            return segment_id in self._marked

    def on_event(self, event: TrackerEvent) -> None:
        """The tracker's event hook (worker thread): carry out deletions marked earlier."""
        if isinstance(event, SegmentDropped):
            with self._lock:
                self._marked.discard(event.segment_id)
        elif isinstance(event, SegmentClosed):
            with self._lock:
                marked = event.segment.id in self._marked
                self._marked.discard(event.segment.id)
            if marked:
                self._on_deleted(self._store.delete_segment(event.segment.id))

    def redact(self, segment_id: str, sha256: str, boxes: Sequence[Box]) -> EncodedScreenshot:
        """Irreversibly blur ``boxes`` (in the stored image's pixels) of one screenshot."""
        segment = self._store.segment(segment_id)
        if segment is None:
            raise StoreError(f"no segment {segment_id} in the local cache")
        self._refuse_locked(segment)
        path = self._store.screenshot_path(sha256)
        if path is None:
            raise StoreError("the screenshot file is no longer on this computer (uploaded and "
                             "removed, or deleted): it cannot be redacted here")
        shot = next((s for s in segment.screenshots if s.sha256 == sha256), None)
        redacted = redact_regions(path.read_bytes(), boxes,
                                  blurred=bool(shot and shot.blurred))
        replacement = replace(
            shot or ScreenshotRef(taken_at=segment.start), sha256=redacted.sha256,
            width=redacted.width, height=redacted.height, size=len(redacted.jpeg),
            thumb_sha256=redacted.thumb_sha256, blurred=redacted.blurred, redacted=True,
        )
        self._store.redact_screenshot(segment_id, sha256, replacement, redacted.jpeg,
                                      redacted.thumbnail)
        return redacted

    def _refuse_locked(self, segment: Segment) -> None:
        if is_locked(segment.start, self._now()):
            locked = lock_time(week_start(segment.start))
            raise StoreError(f"this segment's week locked at {locked:%Y-%m-%d %H:%M} UTC: it can "
                             f"no longer be changed")


@dataclass(frozen=True, slots=True)
class Deletion:
    segment: Segment  # as it was before
    tombstone: Segment  # what keeps its place in the chain
    server_copy: bool  # the server holds it: deleted there at the next sync


def delete_closed_segment(store: LocalStore, segment_id: str, now: datetime) -> Deletion:
    """`workdiary delete`: delete a closed segment's time now. StoreError with a sentence when
    it is unknown, in a locked week or still being recorded."""
    segment = store.segment(segment_id)
    if segment is None:
        raise StoreError(f"no segment {segment_id} in the local cache; "
                         f"`workdiary diary --json` lists segment ids")
    if is_locked(segment.start, now):
        week = week_start(segment.start)
        raise StoreError(f"segment {segment.id} is in the week of {week.date()}, which locked "
                         f"at {isoformat_z(lock_time(week))}: its time can no longer be deleted")
    tombstone = store.delete_segment(segment.id)
    return Deletion(segment, tombstone, store.sync_info(tombstone.id).delete_pending)
