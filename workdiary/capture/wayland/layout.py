"""The compositor's output layout, and cutting a capture mode out of a whole-desktop image.

Wayland hides the pointer from clients, so "the monitor under the pointer" is the compositor's
focused output (on sway, focus follows the pointer by default). sway has no primary output:
"primary" is the one flagged primary if any, else the output at the top-left of the layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workdiary.core.model import CaptureMode

if TYPE_CHECKING:
    from PIL.Image import Image


@dataclass(frozen=True, slots=True)
class Output:
    """One monitor in the compositor's logical (layout) coordinates."""

    name: str
    x: int
    y: int
    width: int
    height: int
    focused: bool = False
    primary: bool = False


def output_for_mode(outputs: list[Output], mode: CaptureMode) -> Output | None:
    """The output a mode captures, or None for the whole desktop (or an unknown layout)."""
    if mode is CaptureMode.ALL or not outputs:
        return None
    if mode is CaptureMode.ACTIVE:
        focused = [o for o in outputs if o.focused]
        if focused:
            return focused[0]
    flagged = [o for o in outputs if o.primary]
    return flagged[0] if flagged else min(outputs, key=lambda o: (o.y, o.x))


def crop_for_mode(image: Image, outputs: list[Output], mode: CaptureMode) -> Image:
    """The part of a whole-desktop ``image`` that ``mode`` asks for.

    The image may be in physical pixels (scaled outputs): layout coordinates are scaled by the
    image's size over the layout's bounding box.
    """
    target = output_for_mode(outputs, mode)
    if target is None:
        return image
    left = min(o.x for o in outputs)
    top = min(o.y for o in outputs)
    right = max(o.x + o.width for o in outputs)
    bottom = max(o.y + o.height for o in outputs)
    sx = image.width / (right - left)
    sy = image.height / (bottom - top)
    box = (
        round((target.x - left) * sx), round((target.y - top) * sy),
        round((target.x - left + target.width) * sx), round((target.y - top + target.height) * sy),
    )
    return image.crop(box)
