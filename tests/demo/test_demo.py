"""`workdiary demo --headless` for two minutes: it starts its own virtual screen with a sample
workspace and labelled demo input, the client's diary over the API shows the segments it
recorded and uploaded with screenshots and activity, and SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workdiary.sync.api import ApiClient

RUN_SECONDS = 120


def read_banner(proc: subprocess.Popen[str], lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(found) < 4:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if match := re.search(r"Server:\s+(http://127\.0\.0\.1:\d+)", line):
            found["url"] = match.group(1)
        if match := re.search(r"Client login:\s+(\S+) / (\S+)", line):
            found["email"], found["password"] = match.group(1), match.group(2)
        if match := re.search(r"Contract:\s+(\S+)", line):
            found["contract"] = match.group(1)
    assert {"url", "email", "password", "contract"} <= set(found), "".join(lines)
    return found


@pytest.mark.xvfb
@pytest.mark.slow
def test_demo_headless_fills_the_clients_diary(tmp_path: Path) -> None:
    assert os.environ.get("DISPLAY"), "pytest-xvfb provides a display"
    env = {**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path),
           "DBUS_SESSION_BUS_ADDRESS": "disabled:"}
    proc = subprocess.Popen([sys.executable, "-m", "workdiary", "demo", "--headless"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        banner = read_banner(proc, lines)
        # Keep reading output so the pipe never fills.
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
        reader.start()
        started = datetime.now(UTC)
        client = ApiClient(banner["url"])
        client.token = client.create_token(banner["email"], banner["password"], "test").token
        # Wait for the condition, not a fixed time: on a loaded machine the second segment's
        # upload may land a few seconds after the two minutes.
        deadline = time.monotonic() + RUN_SECONDS + 120
        time.sleep(RUN_SECONDS)
        while True:
            days = sorted({started.date().isoformat(), datetime.now(UTC).date().isoformat()})
            segments = [s for day in days
                        for s in client.diary(banner["contract"], day)["segments"]]
            full = [s for s in segments if s["billable_minutes"] >= 1]
            if (len(segments) >= 2 and full) or time.monotonic() > deadline:
                break
            print(f"waiting for the demo's second uploaded segment ({len(segments)} so far)")
            time.sleep(5)
        assert proc.poll() is None, "".join(lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(60)
    assert len(segments) >= 2 and len(full) >= 1, (segments, "".join(lines))
    for segment in segments:
        assert segment["status"] in ("protected", "unprotected")
        assert segment["reasons"] != ["bad_signature"]
    # Evidence from the demo's own virtual screen and its labelled input.
    assert any(s["status"] == "protected" for s in full), segments
    assert any(shot.get("sha256") for s in segments for shot in s["screenshots"]), segments
    assert any(s["activity"]["bars"] > 0 for s in segments), segments
    assert code == 0, "".join(lines)
    reader.join(5)
    output = "".join(lines)
    assert "demo stopped" in output and "Traceback" not in output
    assert "demo input: typing and moving the mouse on the demo's virtual screen" in output
    assert "recording the demo's own virtual screen" in output
    assert not list(tmp_path.glob("workdiary-demo-*")), "the temporary folder is removed"
