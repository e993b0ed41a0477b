"""Shared fixtures: an isolated data directory, a fake clock, a contract, a private X
display. Keep it generic."""

from __future__ import annotations

import os
import random
import select
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract, Policy


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh WORKDIARY_DATA_DIR for this test (also set for subprocesses)."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(path))
    yield path


@pytest.fixture
def fake_clock() -> FakeClock:
    """Starts Wednesday 2026-03-04 09:03:27 UTC (mid-segment, mid-minute on purpose)."""
    return FakeClock(datetime(2026, 3, 4, 9, 3, 27, tzinfo=UTC))


def build_contract(contract_id: str = "c-1", **policy: Any) -> Contract:
    """A contract as the server would send it, with policy fields overridable."""
    return Contract(
        id=contract_id, title="Build the thing", client_name="Ada Client",
        freelancer_name="Fred Lancer", rate_cents=2500, policy=Policy(**policy),
    )


@pytest.fixture
def make_contract() -> Callable[..., Contract]:
    """``make_contract("c-1", segment_minutes=1, ...)`` builds a contract with that policy."""
    return build_contract


def _display_taken(number: int) -> bool:
    if os.path.exists(f"/tmp/.X{number}-lock") or os.path.exists(f"/tmp/.X11-unix/X{number}"):
        return True
    # Other sandboxes may share the abstract socket namespace but not /tmp.
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(f"\0/tmp/.X11-unix/X{number}")
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _start_xvfb(number: int) -> subprocess.Popen[bytes] | None:
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", f":{number}", "-displayfd", str(write_end), "-screen", "0", "1920x1080x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    data, deadline = b"", time.monotonic() + 10
    while not data.endswith(b"\n"):  # Xvfb writes "N\n" once it accepts connections
        ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(read_end, 32) if ready else b""
        if not chunk:
            break
        data += chunk
    os.close(read_end)
    if data.decode().strip() != str(number) or process.poll() is not None:
        process.kill()
        process.wait()
        return None
    return process


@pytest.fixture(scope="module")
def own_display() -> Iterator[str]:
    """A private 1920x1080 Xvfb (":N") for this module, stopped by its PID afterwards."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed (Debian package xvfb)")
    for _ in range(10):
        number = random.randrange(300, 990)
        if _display_taken(number):
            continue
        process = _start_xvfb(number)
        if process is not None:
            break
    else:
        pytest.fail("could not start Xvfb on a free display")
    yield f":{number}"
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
