"""What the engine is given: the store's protocol (defined beside the store) and the callables."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from workdiary.capture.base import EncodedScreenshot
from workdiary.core.model import Segment
from workdiary.store.protocols import RecordingStore

__all__ = ["Encoder", "RecordingStore", "Signer"]

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
