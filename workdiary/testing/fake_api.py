"""``FakeApi``: the calls the outbox makes, answered as the server would, with scripted
failures. For outbox tests that need no HTTP; the real client is tested against a real server."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from workdiary.sync.api import Rejected, Verdict


class FakeApi:
    """Keeps what was uploaded; ``fail["put" | "post" | "delete" | "edit"]`` queues exceptions
    that the next calls of that kind raise; a batch holding an id in ``refuse_ids`` is refused
    (422)."""

    server_url = "http://127.0.0.1:1"

    def __init__(self, billable_seconds: int = 600) -> None:
        self.billable_seconds = billable_seconds
        self.segments: dict[str, dict[str, Any]] = {}
        self.screenshots: dict[str, bytes] = {}
        self.screenshot_devices: dict[str, str | None] = {}
        self.last_server_date: str | None = None
        self.deleted: list[str] = []
        self.posts: list[list[str]] = []
        self.fail: dict[str, list[Exception]] = {}
        self.refuse_ids: set[str] = set()

    def sibling(self) -> FakeApi:
        """The same fake: what any connection uploads lands in one place."""
        return self

    def close(self) -> None:
        """Nothing to close: no connection."""

    def renew_token(self) -> datetime:
        return datetime(2099, 1, 1, tzinfo=UTC)

    def put_screenshot(self, sha256: str, body: bytes, device_id: str | None = None) -> None:
        self._maybe_fail("put")
        self.screenshots[sha256] = body
        self.screenshot_devices[sha256] = device_id

    def post_segments(self, segments: Sequence[dict[str, Any]]) -> list[Verdict]:
        self._maybe_fail("post")
        if any(s["id"] in self.refuse_ids for s in segments):
            raise Rejected(422, "invalid_segment", "malformed")
        self.posts.append([s["id"] for s in segments])
        for s in segments:
            self.segments.setdefault(s["id"], s)
        return [Verdict(id=s["id"], status="protected", billable_seconds=self.billable_seconds)
                for s in segments]

    def put_segment(self, segment_id: str, segment: dict[str, Any]) -> Verdict:
        """A memo edit: the record replaces the stored one (as the server keeps the newest)."""
        self._maybe_fail("edit")
        self.segments[segment_id] = segment
        return Verdict(id=segment_id, status="protected", billable_seconds=self.billable_seconds)

    def delete_segment(self, segment_id: str) -> None:
        self._maybe_fail("delete")
        self.deleted.append(segment_id)

    def _maybe_fail(self, kind: str) -> None:
        queue = self.fail.get(kind)
        if queue:
            raise queue.pop(0)
