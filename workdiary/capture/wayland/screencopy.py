"""Screenshots through wlr-screencopy, for wlroots compositors without a working portal.

The protocol client is ``grim`` (the wlroots project's own screencopy tool), run with its PNG on
stdout so nothing touches the disk. Chosen over pywayland bindings because grim is packaged by
every distribution that ships sway, handles output transforms and scaling, and keeps a Wayland
event loop out of the tracker's process.
A mode that names one output asks grim for that output alone (``-o NAME``).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from workdiary.capture.base import CaptureError
from workdiary.capture.wayland.layout import Output, output_for_mode
from workdiary.core.model import CaptureMode

if TYPE_CHECKING:
    from PIL.Image import Image

GRIM_TIMEOUT = 15.0


def grim_path() -> str | None:
    return shutil.which("grim")


class ScreencopyGrabber:
    """A ``ScreenGrabber`` running grim for each grab; ``outputs`` gives the layout for modes."""

    def __init__(
        self,
        outputs: Callable[[], list[Output]] | None = None,
        *,
        grim: str = "grim",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._outputs = outputs
        self._grim = grim
        self._env = None if env is None else dict(env)

    def grab(self, mode: CaptureMode) -> Image:
        from PIL import Image as PILImage

        target = output_for_mode(self._outputs() if self._outputs else [], mode)
        argv = [self._grim, "-t", "png", "-l", "0"]
        if target is not None:
            argv += ["-o", target.name]
        try:
            done = subprocess.run([*argv, "-"], capture_output=True, timeout=GRIM_TIMEOUT,
                                  env=self._env, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CaptureError(f"wlr-screencopy (grim) could not run: {exc}") from exc
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
            raise CaptureError(f"wlr-screencopy (grim) failed: {reason}")
        try:
            return PILImage.open(io.BytesIO(done.stdout)).convert("RGB")
        except (OSError, ValueError) as exc:
            raise CaptureError(f"grim's screenshot could not be decoded: {exc}") from exc

    def close(self) -> None:
        pass
