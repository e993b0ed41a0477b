"""What the tray app keeps out of its own process (benchmarks/memory.md, issue 16).

With the OS keyring the app runs every sync pass in a `workdiary _sync-pass` helper, so the
modules that only a request or a signature needs (the TLS stack, http.client and the email
parser it pulls in, cryptography) belong in the helper: each one imported by the app stays
in its RSS for good. A fresh interpreter imports what `workdiary app` imports at start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HELPER_ONLY = ("ssl", "http.client", "email", "workdiary.sync.http", "cryptography")

PROBE = """
import json, sys
import workdiary.cli.app, workdiary.ui.desktop, workdiary.ui.tray
print(json.dumps(sorted(sys.modules)))
"""


def test_the_tray_app_leaves_transport_and_signing_to_its_helper() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    assert "workdiary.sync.api" in loaded  # the probe did import the app's sync answers
    assert sorted(loaded & set(HELPER_ONLY)) == []


def test_a_request_still_finds_its_transport() -> None:
    # The import moved into ApiClient: constructing one loads it (no request needed).
    from workdiary.sync.api import ApiClient

    client = ApiClient("http://127.0.0.1:9")
    assert "workdiary.sync.http" in sys.modules
    client.close()
