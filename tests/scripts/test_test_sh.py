"""scripts/test.sh gives the tests a private config folder and removes it, pass or fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = '''
import os
from pathlib import Path

def test_probe():
    Path(os.environ["PROBE_OUT"]).write_text(os.environ["XDG_CONFIG_HOME"])
    assert False, "fails on purpose: the folder must go all the same"
'''


def test_the_private_config_folder_is_removed_after_a_failing_run(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    (tmp_path / "test_probe.py").write_text(PROBE)
    out = tmp_path / "xdg.txt"
    env = {**os.environ, "TMPDIR": str(temp), "PROBE_OUT": str(out), "VENV": sys.prefix,
           "XDG_CONFIG_HOME": str(tmp_path / "the-users-own"),
           # any value: test.sh then starts no PostgreSQL of its own
           "WORKDIARY_TEST_POSTGRES_URL": "postgresql+psycopg://unused@127.0.0.1:9/none"}
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "test.sh"), str(tmp_path / "test_probe.py"), "-q",
         "-p", "no:cacheprovider", "-p", "no:xvfb"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    used = Path(out.read_text())
    assert used.parent == temp and used.name.startswith("workdiary-xdg.")
    assert not used.exists()
    assert list(temp.iterdir()) == []
    assert not (tmp_path / "the-users-own").exists()
