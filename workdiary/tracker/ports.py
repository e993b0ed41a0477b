"""What the engine needs from the store (``LocalStore`` fits) and the injected callables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from workdiary.capture.base import EncodedScreenshot
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment

if TYPE_CHECKING:
    from PIL.Image import Image


class Encoder(Protocol):
    """``workdiary.capture.encode.encode_screenshot``: JPEG + thumbnail + SHA-256.

    ``stamp`` (segment id and moment, ``core.shotstamp``) goes into the JPEG before hashing.
    """

    def __call__(self, image: Image, *, blur: bool,
                 stamp: bytes | None = None) -> EncodedScreenshot: ...

# Signs a closed segment (sync's device key); None when not logged in.
Signer = Callable[[Segment], Segment]


class RecordingStore(Protocol):
    def start_segment(
        self, segment_id: str, contract_id: str, start: datetime, planned_end: datetime,
        memo: str = "",
    ) -> None: ...

    def add_minute(self, segment_id: str, minute: MinuteRecord) -> None: ...

    def add_screenshot(
        self, segment_id: str, shot: ScreenshotRef, jpeg: bytes | None = None,
        thumbnail: bytes | None = None,
    ) -> None: ...

    def set_memo(self, segment_id: str, memo: str) -> None: ...

    def close_segment(self, segment_id: str, end: datetime) -> Segment | None: ...

    def set_signature(self, segment_id: str, signature: str) -> None: ...

    def discard_minutes(self, segment_id: str, minute_starts: Iterable[datetime]) -> str: ...
