"""Workers for scale-out tests: `workdiary server ...` subprocesses on a shared PostgreSQL and
SeaweedFS, as separate hosts would run them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from server_pg import free_port

SECRET = "scale-out-test-secret-" + "z" * 40


def worker_env(database_url: str, blob_url: str, s3_env: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **s3_env, "WORKDIARY_SECRET_KEY": SECRET,
           "WORKDIARY_DATABASE_URL": database_url, "WORKDIARY_BLOB_URL": blob_url}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


def admin(env: dict[str, str], data_dir: Path, *args: str, stdin: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-m", "workdiary", "server", *args, "--data-dir", str(data_dir)],
        input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def seed(env: dict[str, str], data_dir: Path) -> tuple[str, str, str]:
    """(freelancer email, password, contract id) with 10-minute segments."""
    password = "scale-out password"
    for email, role in (("client@scale.example", "client"),
                        ("freelancer@scale.example", "freelancer")):
        admin(env, data_dir, "add-user", "--email", email, "--name", role.title(), "--role",
              role, "--password-stdin", stdin=password + "\n")
    contract = json.loads(admin(env, data_dir, "add-contract", "--client",
                                "client@scale.example", "--freelancer",
                                "freelancer@scale.example", "--title", "Scale",
                                "--rate", "30.00", "--json"))
    return "freelancer@scale.example", password, str(contract["id"])


class Worker:
    """One `workdiary server run` process on its own port."""

    def __init__(self, env: dict[str, str], data_dir: Path, *, workers: int = 1,
                 log: Path | None = None) -> None:
        self.port = free_port()
        self.log = log or data_dir / f"worker-{self.port}.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log, "ab")  # noqa: SIM115 (closed when the worker ends)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workdiary", "server", "run", "--port", str(self.port),
             "--data-dir", str(data_dir), "--workers", str(workers)],
            env=env, stdout=self._log_file, stderr=subprocess.STDOUT,
            start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120.0) -> Worker:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not get ready: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group (a crashed host: no graceful shutdown)."""
        with contextlib.suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self._log_file.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(30)
        self.kill()  # the rest of the group, if any, and the log file
