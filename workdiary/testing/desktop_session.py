"""A user's desktop session for tests and benchmarks: its own HOME, a real Secret Service
(gnome-keyring) on a D-Bus session of its own, and an end to whatever it leaves running.

gnome-keyring-daemon daemonizes: it outlives the ``dbus-run-session`` that started it. Every
process of a session runs with the session's HOME, so that is how ``end_session_processes``
finds them, by PID, and nothing of another session or of the machine is touched.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil

# Run first in each `dbus-run-session -- sh -c "..."`: start and unlock the session's keyring.
UNLOCK_KEYRING = "echo -n pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null"


def session_env(home: Path) -> dict[str, str]:
    """This process's environment for a session in ``home``: no D-Bus, keyring or XDG
    setting of the caller's own session, no Qt platform override."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DBUS_", "PYTHON_KEYRING", "XDG_", "QT_QPA"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_RUNTIME_DIR=str(home / "run"))
    (home / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
    return env


def session_processes(home: Path) -> list[psutil.Process]:
    """Every process still running with ``home`` as its HOME (this process aside)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.pid != os.getpid() and proc.environ().get("HOME") == str(home):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def end_session_processes(home: Path, timeout: float = 10.0) -> None:
    """Kill what the session in ``home`` left running (its keyring daemon, at least)."""
    left = session_processes(home)
    for proc in left:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(left, timeout=timeout)


def sync_helper_of(parent: psutil.Process, timeout: float = 30.0) -> psutil.Process:
    """The tray app's sync helper (`workdiary _sync-pass`) among ``parent``'s children."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in parent.children():
            try:
                if "_sync-pass" in child.cmdline():
                    return child
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.05)
    raise AssertionError("no sync helper process started")
