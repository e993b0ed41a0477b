"""Deleting and redacting a screenshot's segment before upload (DESIGN.md, Screenshots).

Runs on the store's worker thread (through the TaskManager or the tracker's event hook),
never on the GUI thread. Nothing here imports Qt.

Delete removes the whole segment's time, as on Upwork. A segment still being recorded cannot
become a tombstone yet, so it is marked and deleted the moment the tracker closes it (the
event hook runs on the worker right after the close is committed).

Redaction replaces the screenshot's files and row in place. The store has no public method
for that yet (STORE_CONTRACT.md only says redaction clears the signature), so
``replace_screenshot`` below is the smallest adapter over its internals; it belongs in
``LocalStore`` and should move there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from workdiary.capture.base import EncodedScreenshot
from workdiary.capture.encode import redact_regions
from workdiary.core.model import Segment
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
        replace_screenshot(self._store, segment_id, sha256, redacted)
        return redacted

    def _refuse_locked(self, segment: Segment) -> None:
        if is_locked(segment.start, self._now()):
            locked = lock_time(week_start(segment.start))
            raise StoreError(f"this segment's week locked at {locked:%Y-%m-%d %H:%M} UTC: it can "
                             f"no longer be changed")


def replace_screenshot(store: LocalStore, segment_id: str, old_sha: str,
                       new: EncodedScreenshot) -> None:
    """Put a redacted picture in place of ``old_sha`` in one segment, mark screenshot and
    segment redacted, and clear the (now stale) signature; refused once uploaded."""
    files, db = store._files, store._db  # see the module docstring: belongs in LocalStore
    files.write(new.sha256, new.jpeg, new.thumbnail)
    with db.transaction() as conn:
        row = conn.execute("SELECT pk, uploaded FROM segments WHERE id = ?",
                           (segment_id,)).fetchone()
        if row is None:
            raise StoreError(f"no segment {segment_id} in the local cache")
        pk, uploaded = row
        if uploaded:
            raise StoreError(f"segment {segment_id} is already uploaded: its screenshots can "
                             f"no longer be redacted")
        changed = conn.execute(
            "UPDATE screenshots SET sha256 = ?, width = ?, height = ?, size = ?, "
            "thumb_sha256 = ?, blurred = ?, redacted = 1 WHERE segment = ? AND sha256 = ?",
            (new.sha256, new.width, new.height, len(new.jpeg), new.thumb_sha256,
             int(new.blurred), pk, old_sha),
        ).rowcount
        if changed == 0:
            raise StoreError(f"segment {segment_id} has no screenshot {old_sha[:12]}")
        conn.execute("UPDATE segments SET redacted = 1, signature = '' WHERE pk = ?", (pk,))
        in_use = conn.execute("SELECT 1 FROM screenshots WHERE sha256 = ? LIMIT 1",
                              (old_sha,)).fetchone()
    if in_use is None:
        files.remove(old_sha)  # the unredacted picture must not stay on disk
