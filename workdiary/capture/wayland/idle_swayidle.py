"""Activity from the compositor's idle notifications through ``swayidle``.

swayidle is the wlroots project's idle client: it speaks ``ext-idle-notify-v1`` (swayidle
1.8+) or ``org_kde_kwin_idle`` (sway 1.7, older KDE), whichever the compositor offers. It runs
as a child process printing "idle" and "resumed" lines, which an ``IdleTimeline`` turns into
active seconds; no key or click is ever seen, so a minute's source is ``idle_monitor``.

Threads: one reader thread per tracker session reads swayidle's output; ``take`` runs on the
tracker's thread.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Mapping

from workdiary.capture.base import DisplayUnavailable, InputCounts
from workdiary.capture.wayland.idle_timeline import IdleTimeline

IDLE_TIMEOUT = 2  # seconds: swayidle takes whole seconds; short, so little activity is guessed
STARTUP_GRACE = 0.3  # a swayidle that cannot bind the idle protocol exits at once


def swayidle_path() -> str | None:
    return shutil.which("swayidle")


class SwayidleActivity:
    """An ``InputCounter`` whose active seconds come from swayidle's idle/resume events."""

    def __init__(
        self,
        *,
        swayidle: str = "swayidle",
        timeout: int = IDLE_TIMEOUT,
        env: Mapping[str, str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._argv = [swayidle, "-w", "timeout", str(timeout), "echo idle",
                      "resume", "echo resumed"]
        self._timeout = timeout
        self._env = None if env is None else dict(env)
        self._monotonic = monotonic
        self._timeline = IdleTimeline(timeout, monotonic)
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        try:
            process = subprocess.Popen(
                self._argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                env=self._env, stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise DisplayUnavailable(f"swayidle could not run: {exc}") from exc
        try:
            process.wait(timeout=STARTUP_GRACE)
        except subprocess.TimeoutExpired:
            pass
        else:
            reason = (process.stderr.read() if process.stderr else "").strip()
            raise DisplayUnavailable(
                "the compositor offers no idle notifications to swayidle"
                + (f": {reason.splitlines()[-1]}" if reason else "")
            )
        self._timeline = IdleTimeline(self._timeout, self._monotonic)
        self._process = process
        self._reader = threading.Thread(target=self._read, name="swayidle-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            word = line.strip()
            if word == "idle":
                self._timeline.idled()
            elif word == "resumed":
                self._timeline.resumed()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if self._reader is not None:
            self._reader.join(timeout=5)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()

    @property
    def idle(self) -> bool:
        """The desktop reports the user idle now."""
        return self._timeline.idle

    def take(self) -> InputCounts:
        return self._timeline.take()
