"""A long test's announcements reach the terminal although pytest captures its output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
PROBE = '''
from cli.progress import announce

def test_waits(request):
    print("this line is captured")
    announce(request, "waiting for the probe's two minutes")
'''


def test_announce_gets_past_output_capture(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xvfb",
         "test_probe.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[test_waits] waiting for the probe's two minutes" in result.stdout
    assert "this line is captured" not in result.stdout
