"""Redaction: a screenshot replaced in place by a version with regions blurred."""

from __future__ import annotations

from workdiary.core.model import ScreenshotRef, Segment
from workdiary.store.base import StoreBase
from workdiary.store.errors import StoreError


class RedactionMixin(StoreBase):
    def redact_screenshot(
        self, segment_id: str, old_sha256: str, redacted: ScreenshotRef, jpeg: bytes,
        thumbnail: bytes | None,
    ) -> Segment:
        """Put ``redacted`` (its sha256, size, dimensions, thumbnail, blurred flag) in place of
        the screenshot ``old_sha256`` of one segment; mark screenshot and segment redacted and
        clear the now stale signature. The unredacted file is deleted unless another segment
        uses it. Refused once the segment is uploaded. Returns the updated segment."""
        if redacted.sha256 is None:
            raise StoreError("a redacted screenshot needs its new sha256")
        self._files.write(redacted.sha256, jpeg, thumbnail)
        try:
            segment, orphaned = self._replace_row(segment_id, old_sha256, redacted, len(jpeg))
        except StoreError:
            with self._db.reading() as conn:
                unused = not self._sha_in_use(conn, redacted.sha256)
            if unused:
                self._files.remove(redacted.sha256)  # refused: leave no stray file behind
            raise
        if orphaned and old_sha256 != redacted.sha256:
            self._files.remove(old_sha256)  # the unredacted picture must not stay on disk
        return segment

    def _replace_row(self, segment_id: str, old_sha256: str, redacted: ScreenshotRef,
                     size: int) -> tuple[Segment, bool]:
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT pk, uploaded FROM segments WHERE id = ?", (segment_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no segment {segment_id} in the local cache")
            pk, uploaded = row
            if uploaded:
                raise StoreError(f"segment {segment_id} is already uploaded: its screenshots "
                                 f"can no longer be redacted")
            changed = conn.execute(
                "UPDATE screenshots SET sha256 = ?, width = ?, height = ?, size = ?, "
                "thumb_sha256 = ?, blurred = ?, redacted = 1 WHERE segment = ? AND sha256 = ?",
                (redacted.sha256, redacted.width, redacted.height, size,
                 redacted.thumb_sha256, int(redacted.blurred), pk, old_sha256),
            ).rowcount
            if changed == 0:
                raise StoreError(f"segment {segment_id} has no screenshot {old_sha256[:12]}")
            conn.execute("UPDATE segments SET redacted = 1, signature = '' WHERE pk = ?", (pk,))
            orphaned = not self._sha_in_use(conn, old_sha256)
            (segment,) = self._select_segments(conn, "pk = ?", (pk,))
        return segment, orphaned
