"""The tray app's memory as a user runs it: tray host, logged in, real keyring, tracking.

Under a private 1920x1080 Xvfb with a tray host (trayer, as tests/ui/test_tray_xvfb.py), a
`workdiary server run` in a subprocess (SQLite) with a client, a freelancer and a contract, and
a real Secret Service (gnome-keyring under its own dbus-run-session, as
tests/sync/test_secret_service.py): `workdiary login` stores the token and device key in the
keyring, then `workdiary app --clock-in CONTRACT` tracks, syncing to the server. The contract
has 1-minute segments (a screenshot a minute, as scripts/measure-memory.py): the steady state
of a tracking app includes what its captures leave, and with 10-minute segments the first one
fell before or inside the window by chance (a 6 MB step between runs). Once the first
screenshot is on disk, its RSS is read from outside with psutil over ``--seconds`` (150; 40
with ``--quick``), cut into 5 slices (the median of each slice is a sample).

The app runs each sync pass in a helper process (`workdiary _sync-pass`, which exits): the
figure is the sum of the app's RSS and its helpers' at each sample, so memory moved into a
helper is counted while the helper lives. The note gives the app alone, how many samples
caught a helper, and (watched ten times a second) how many helpers ran and their peak RSS.

Baseline, in the same window on the same display and tray host: a bare PySide6 app that shows
a QSystemTrayIcon and idles: the least a Qt tray app costs. Budget (issue 16): steady RSS <=
100 MB (aim: 80).

    .venv/bin/python benchmarks/bench_app.py [--seconds 150] [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from workdiary.testing.desktop_session import UNLOCK_KEYRING, end_session_processes, session_env
from workdiary.testing.trayhost import TrayHostUnavailable, start_tray_host
from workdiary.testing.xvfb import XvfbUnavailable, start_xvfb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_sync import free_port, seed
from bench_sync import start_server as start_sync_server
from harness import MIN_REPEAT, Bench, Figure, load_average

BUDGET_RSS_MB = 100.0
MB = 1024 * 1024
SEGMENT_MINUTES = 1  # a capture a minute: the first one comes early, and more fall in the window
BARE_TRAY = """
import sys
from PySide6.QtGui import QIcon, QPixmap, QColor
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
app = QApplication(sys.argv)
app.setQuitOnLastWindowClosed(False)
pixmap = QPixmap(32, 32); pixmap.fill(QColor("green"))
tray = QSystemTrayIcon(QIcon(pixmap)); tray.show()
print("available", QSystemTrayIcon.isSystemTrayAvailable(), flush=True)
app.exec()
"""


def start_trayer(display: str) -> subprocess.Popen[bytes]:
    try:
        return start_tray_host(display, timeout=30)
    except TrayHostUnavailable as problem:
        raise SystemExit(f"bench_app: {problem}") from problem


def app_env(home: Path, display: str) -> dict[str, str]:
    env = session_env(home)
    env.update(DISPLAY=display, WORKDIARY_DATA_DIR=str(home / "workdiary"))
    return env


def screenshots(data_dir: Path) -> int:
    """How many screenshots the app has stored (thumbnails aside)."""
    return sum(1 for path in data_dir.rglob("*.jpg") if not path.name.endswith(".thumb.jpg"))


def app_process(session: psutil.Process, timeout: float = 120) -> psutil.Process:
    """The `workdiary app` process under the dbus-run-session."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in session.children(recursive=True):
            try:
                if " app " in " ".join(child.cmdline()) + " ":
                    return child
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.5)
    raise SystemExit("bench_app: `workdiary app` did not start (login failed?)")


def tree_rss(proc: psutil.Process) -> tuple[float, float]:
    """(the process's RSS, its child processes' RSS summed), in MB."""
    children = 0.0
    for child in proc.children(recursive=True):
        try:
            children += child.memory_info().rss / MB
        except psutil.NoSuchProcess:  # a helper that just exited
            continue
    return proc.memory_info().rss / MB, children


class HelperWatch:
    """Looks at the app's helper processes ten times a second (a pass lasts well under a
    second: the one-a-second samples rarely catch one): how many ran, their peak RSS."""

    def __init__(self, app: psutil.Process) -> None:
        self.app, self.peaks = app, {}  # pid -> peak RSS (MB)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            try:
                children = self.app.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            for child in children:
                try:
                    rss = child.memory_info().rss / MB
                except psutil.NoSuchProcess:
                    continue
                self.peaks[child.pid] = max(self.peaks.get(child.pid, 0.0), rss)

    def close(self) -> str:
        self.stop.set()
        self.thread.join()
        peak = max(self.peaks.values(), default=0.0)
        return f"{len(self.peaks)} sync helper run(s) seen, peak {peak:.1f} MB each"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=None,
                        help="seconds measured after start-up (default 150; 40 with --quick)")
    bench = Bench("bench_app", parser)
    seconds = bench.args.seconds or (40.0 if bench.quick else 150.0)
    for tool in ("trayer", "xdotool", "dbus-run-session", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            print(f"bench_app: {tool} is not installed (scripts/install-system-deps.sh)")
            return 1
    workdiary = Path(sys.executable).with_name("workdiary")
    try:
        xvfb = start_xvfb(1920, 1080)
    except XvfbUnavailable as problem:
        print(f"bench_app: {problem}")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp, xvfb:
        root = Path(tmp)
        email, password, contract_id = seed(root / "server", SEGMENT_MINUTES)
        port = free_port()
        server = start_sync_server(root / "server", port)
        trayer = start_trayer(xvfb.name)
        env = app_env(root / "home", xvfb.name)
        (root / "password").write_text(password)
        command = (
            f"{UNLOCK_KEYRING}; {workdiary} login http://127.0.0.1:{port} --email {email} "
            f"--password-stdin < {root / 'password'} >&2 && "
            f"exec {workdiary} app --clock-in {contract_id} --memo bench")
        session = subprocess.Popen(["dbus-run-session", "--", "sh", "-c", command], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        bare = subprocess.Popen([sys.executable, "-c", BARE_TRAY], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert bare.stdout is not None
            tray_seen = bare.stdout.readline().strip()
            app = app_process(psutil.Process(session.pid))
            time.sleep(20)  # start-up and the first sync
            deadline = time.monotonic() + 60 * SEGMENT_MINUTES + 60
            while (session.poll() is None and time.monotonic() < deadline
                   and not screenshots(root / "home" / "workdiary")):
                time.sleep(1)  # the first capture: what it leaves belongs to the steady state
            if session.poll() is not None:
                err = session.stderr.read().decode(errors="replace") if session.stderr else ""
                print(f"bench_app: the app exited early:\n{err}")
                return 1
            procs = {"ours": app, "bare": psutil.Process(bare.pid)}
            watch = HelperWatch(app)
            rss: dict[str, list[float]] = {"ours": [], "bare": []}
            peak = helper_peak = 0.0
            alone: list[float] = []  # the app without its helpers
            with_helper = total = 0
            loads: list[float] = []
            for _ in range(MIN_REPEAT):
                loads.append(load_average())
                samples: dict[str, list[float]] = {"ours": [], "bare": []}
                started = time.monotonic()
                while time.monotonic() - started < seconds / MIN_REPEAT:
                    own, helpers = tree_rss(app)
                    samples["ours"].append(own + helpers)
                    samples["bare"].append(procs["bare"].memory_info().rss / MB)
                    alone.append(own)
                    total += 1
                    with_helper += helpers > 0
                    helper_peak = max(helper_peak, helpers)
                    peak = max(peak, samples["ours"][-1])
                    time.sleep(1)
                for key in rss:
                    rss[key].append(statistics.median(samples[key]))
            helpers = watch.close()
        finally:
            shots = screenshots(root / "home" / "workdiary")
            for proc in (session, bare, trayer, server):
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            end_session_processes(root / "home")  # the keyring daemon outlives its session
    bench.emit(Figure(bench.name, "app_rss", "Tray app steady RSS (with its sync helper "
                      "processes): tray host, logged in (Secret Service), tracking", "MB",
                      rss["ours"], loads, budget=BUDGET_RSS_MB,
                      note=f"peak {peak:.1f} MB; the app alone median "
                      f"{statistics.median(alone):.1f} MB; helpers in {with_helper}/{total} "
                      f"samples (peak {helper_peak:.1f} MB); {helpers}; {shots} "
                      f"screenshot(s) taken; bare tray {tray_seen}",
                      baseline_label="bare PySide6 QSystemTrayIcon", baseline=rss["bare"]))
    return bench.exit_code()


if __name__ == "__main__":
    sys.exit(main())
