"""Shared fixtures: an isolated data directory, a fake clock, a contract, a private X
display. Keep it generic."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL.Image import Image

from workdiary.capture.base import EncodedScreenshot
from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract, Policy
from workdiary.testing.images import encode_jpeg
from workdiary.testing.xvfb import XvfbUnavailable, start_xvfb


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


def _small_encode(image: Image, *, blur: bool, stamp: bytes | None = None) -> EncodedScreenshot:
    full = encode_jpeg(image, quality=40, stamp=stamp)
    thumb = encode_jpeg(image.resize((80, 45)), quality=40, stamp=stamp)
    return EncodedScreenshot(
        jpeg=full, thumbnail=thumb, sha256=hashlib.sha256(full).hexdigest(),
        thumb_sha256=hashlib.sha256(thumb).hexdigest(), width=image.width,
        height=image.height, blurred=blur,
    )


@pytest.fixture(scope="session")
def small_encode() -> Callable[..., EncodedScreenshot]:
    """A stand-in for capture.encode: real JPEG bytes (so redaction can decode them) and a
    real thumbnail, at cheap settings. Session-scoped so hypothesis tests may take it."""
    return _small_encode


@pytest.fixture(scope="module")
def own_display() -> Iterator[str]:
    """A private 1920x1080 Xvfb (":N") for this module, stopped by its PID afterwards."""
    try:
        display = start_xvfb(1920, 1080)
    except XvfbUnavailable as problem:
        pytest.fail(str(problem))
    with display:
        yield display.name


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers: a sync pass hangs in
    its request (tests/desktop/test_sync_process.py, tests/ui/test_tray_sync_helper.py)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
