"""`workdiary demo [--headless]`: the whole loop on one machine, in a temporary folder.

An embedded server (SQLite) on a free loopback port, a seeded client, freelancer and
1-minute-segment contract, this desktop logged in, the tracker recording and the sync worker
uploading as it goes. Prints the browser URL and the client's login. Ctrl-C or SIGTERM stops
it cleanly (clock out, last upload, server down, temporary folder removed).
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from workdiary.cli.main import CommandError
from workdiary.config import DATA_DIR_ENV, database_path

DEMO_GRACE_SECONDS = 3.0  # short review window so the diary fills while you watch
DEMO_SYNC_INTERVAL = 5.0


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser(
        "demo", help="run a throwaway server, log in and track: the full loop in one command")
    demo.add_argument("--headless", action="store_true",
                      help="track in the terminal instead of starting the tray app")
    demo.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    missing = [name for name in ("fastapi", "uvicorn", "sqlalchemy")
               if importlib.util.find_spec(name) is None]
    if missing:
        raise CommandError(
            f"the demo needs the server part ({', '.join(missing)} missing): install "
            "`pip install 'workdiary[server]'` and try again")
    from workdiary.cli.embedded import EmbeddedServer

    headless = args.headless or not _app_can_run()
    root = Path(tempfile.mkdtemp(prefix="workdiary-demo-"))
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with EmbeddedServer(root / "server", port=args.port) as server:
            _run_loop(server, root, stop, headless)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(root, ignore_errors=True)
    print("demo stopped; its temporary server and data were removed.", flush=True)
    return 0


def _app_can_run() -> bool:
    """Whether the tray app can start here; if not, say why (the demo then runs headless)."""
    if importlib.util.find_spec("workdiary.cli.app") is None:
        print("workdiary demo: the tray app is not part of this build; running headless in "
              "this terminal instead.", flush=True)
        return False
    from workdiary.capture.platform import display_problem

    problem = display_problem()
    if problem is not None:
        print(f"workdiary demo: the tray app needs a graphical session ({problem}); running "
              "headless in this terminal instead.", flush=True)
        return False
    return True


def _run_loop(server: Any, root: Path, stop: threading.Event, headless: bool) -> None:
    import os

    from workdiary.cli.account import log_in
    from workdiary.cli.embedded import seed_demo
    from workdiary.config import local_timezone
    from workdiary.core.clock import SystemClock
    from workdiary.store import LocalStore
    from workdiary.sync.api import ApiClient
    from workdiary.sync.client import SyncSettings, build_outbox, signer_for
    from workdiary.sync.diskguard import DiskGuard, watch_disk
    from workdiary.sync.report import format_report
    from workdiary.sync.secrets import MemorySecretStore
    from workdiary.sync.worker import SyncWorker
    from workdiary.tracker.console import EventPrinter
    from workdiary.tracker.events import SegmentClosed
    from workdiary.tracker.headless import build_headless_tracker
    from workdiary.tracker.runner import run_tracker

    client_dir = root / "client"
    client_dir.mkdir()
    os.environ[DATA_DIR_ENV] = str(client_dir)  # anything we start reads the demo's folder
    accounts = seed_demo(server)
    clock = SystemClock()
    # The demo's folder is deleted at the end, so its secrets live in memory: the OS
    # keyring is left untouched.
    secrets = MemorySecretStore()
    store = LocalStore(database_path(client_dir), clock)
    try:
        api = ApiClient(server.url)
        log_in(api, store, secrets, accounts.freelancer_email, accounts.password)
        contract = store.contract(accounts.contract_id)
        if contract is None:
            raise CommandError("the demo contract did not reach the desktop; see the log above")
        settings = SyncSettings(grace_seconds=DEMO_GRACE_SECONDS, interval=DEMO_SYNC_INTERVAL)

        def on_report(report: Any) -> None:
            for line in format_report(report):
                print(f"sync: {line}", flush=True)

        if not headless:
            _print_banner(server.url, accounts, client_dir)
            from workdiary.cli.app import run_app

            try:
                run_app(store, secrets=secrets, clock=clock, sync_settings=settings, stop=stop,
                        clock_in=(contract, "Demo work"), show_window=True)
            finally:
                on_report(build_outbox(store, secrets, clock, settings).run_once(flush=True))
            return
        worker = SyncWorker(build_outbox(store, secrets, clock, settings),
                            interval=settings.interval, on_report=on_report)
        printer = EventPrinter(local_timezone())

        def on_event(event: Any) -> None:
            printer(event)
            if isinstance(event, SegmentClosed):
                worker.wake()

        tracking = build_headless_tracker(store, on_event=on_event, clock=clock,
                                          signer=signer_for(store, secrets))
        _print_banner(server.url, accounts, client_dir)
        for warning in tracking.warnings:
            print(f"workdiary demo: warning: {warning}", flush=True)
        guard = DiskGuard(client_dir)
        if (problem := guard.check()) is not None:
            raise CommandError(problem)
        watch_disk(guard, stop, lambda problem: print(f"workdiary demo: {problem}", flush=True))
        worker.start()
        tracker = tracking.tracker
        tracker.clock_in(contract, "Demo work")
        try:
            run_tracker(tracker, clock, stop)
        finally:
            tracker.clock_out()
            tracking.shutdown()
            worker.stop()
            # The last segment just closed: upload it now, without the review wait.
            on_report(build_outbox(store, secrets, clock, settings).run_once(flush=True))
    finally:
        store.close()


def _print_banner(url: str, accounts: Any, client_dir: Path) -> None:
    print(
        "\n".join([
            "",
            "workdiary demo is running.",
            f"  Server:       {url}  (SQLite, temporary)",
            f"  Browser:      {url}/login",
            f"  Client login: {accounts.client_email} / {accounts.password}",
            f"  Freelancer:   {accounts.freelancer_email} / {accounts.password}",
            f"  Contract:     {accounts.contract_id} (1-minute segments)",
            f"  Desktop data: {client_dir} (secrets kept in memory for the demo)",
            "Tracking now; segments upload a few seconds after they close. Ctrl-C stops.",
            "",
        ]),
        flush=True,
    )
    sys.stdout.flush()
