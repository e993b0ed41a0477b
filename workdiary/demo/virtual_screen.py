"""A private Xvfb on a free display number: for the demo, the tests and the benchmarks.

Xvfb is started with ``-displayfd`` so we know the moment it accepts connections, on a display
number we choose ourselves: Xvfb's own ``-displayfd`` choice only looks at lock files, and other
sessions on the same machine may have their own /tmp but share the abstract socket namespace.
"""

from __future__ import annotations

import os
import random
import select
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

# Well above the usual :0-:99 of real sessions, xvfb-run (:99) and pytest-xvfb.
_DISPLAY_NUMBERS = range(300, 990)
_READY_TIMEOUT = 10.0  # seconds Xvfb gets to accept connections
_STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL


class XvfbUnavailable(RuntimeError):
    """Xvfb is not installed, or could not be started on a free display."""


@dataclass
class VirtualDisplay:
    """A running Xvfb: ``name`` is the DISPLAY value (":N"); ``stop()`` ends it by its PID."""

    name: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Terminate the server; kill it if it has not exited after 5 s. Safe to call twice."""
        self.process.terminate()
        try:
            self.process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> VirtualDisplay:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_xvfb(
    width: int = 1920,
    height: int = 1080,
    depth: int = 24,
    extra_args: Sequence[str] = (),
    attempts: int = 10,
) -> VirtualDisplay:
    """Start Xvfb with one ``width``x``height``x``depth`` screen on a random free display number.

    Returns once the server accepts connections. ``-noreset`` keeps server state (RandR monitors,
    the root background) when the last client disconnects; ``-nolisten tcp`` keeps it local.
    ``extra_args`` go on the command line after those. Raises ``XvfbUnavailable`` when Xvfb is
    not installed or no attempt on a free display number succeeded.
    """
    if shutil.which("Xvfb") is None:
        raise XvfbUnavailable(
            "Xvfb is not installed: install the Debian package xvfb (apt-get install xvfb)."
        )
    for number in random.sample(_DISPLAY_NUMBERS, attempts):
        if display_in_use(number):
            continue
        display = _launch(number, width, height, depth, extra_args)
        if display is not None:
            return display
    raise XvfbUnavailable(
        f"Could not start Xvfb ({width}x{height}x{depth}) on a free display number in "
        f"{attempts} attempts; run `Xvfb :{_DISPLAY_NUMBERS[0]} -screen 0 "
        f"{width}x{height}x{depth}` by hand to see why it fails."
    )


def display_in_use(number: int) -> bool:
    """Whether display ``:number`` has a lock file, a /tmp/.X11-unix socket or an abstract one."""
    if os.path.exists(f"/tmp/.X{number}-lock") or os.path.exists(f"/tmp/.X11-unix/X{number}"):
        return True
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(f"\0/tmp/.X11-unix/X{number}")
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _launch(
    number: int, width: int, height: int, depth: int, extra_args: Sequence[str]
) -> VirtualDisplay | None:
    """Xvfb on ``:number``, or None if it did not come up there (taken meanwhile, crashed)."""
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(
            ["Xvfb", f":{number}", "-displayfd", str(write_end), "-screen", "0",
             f"{width}x{height}x{depth}", "-nolisten", "tcp", "-noreset", *extra_args],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Its own session: a Ctrl-C in the terminal reaches only the program that started
            # it, which stops it last, by its PID (the demo's clients are gone by then).
            start_new_session=True,
        )
    except OSError as problem:
        os.close(read_end)
        raise XvfbUnavailable(f"Could not run Xvfb: {problem}.") from problem
    finally:
        os.close(write_end)
    try:
        reported = _read_line(read_end, _READY_TIMEOUT)
    finally:
        os.close(read_end)
    if reported != str(number) or process.poll() is not None:
        process.kill()
        process.wait()
        return None
    return VirtualDisplay(name=f":{number}", process=process)


def _read_line(fd: int, timeout: float) -> str:
    """-displayfd: Xvfb writes "N", then "\\n", once it accepts connections (EOF if it died).

    Read through the newline before closing the pipe: closing after "N" makes the server's
    second write fail, and Xvfb treats that as fatal ("Cannot write display number").
    """
    data = b""
    deadline = time.monotonic() + timeout
    # poll, not select: select() refuses descriptors above 1023, which a long test process
    # (or an app with many files open) can reach.
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        ready = poller.poll(remaining * 1000)
        chunk = os.read(fd, 32) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").strip()
