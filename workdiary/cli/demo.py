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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from workdiary.cli.main import CommandError

if TYPE_CHECKING:
    from argparse import _SubParsersAction

    from workdiary.cli.embedded import DemoAccounts, EmbeddedServer
    from workdiary.core.clock import Clock
    from workdiary.demo.stage import Stage
    from workdiary.desktop.settings import DesktopSettings
    from workdiary.store import LocalStore
    from workdiary.sync.outbox import SyncReport
    from workdiary.sync.secrets import SecretStore

DEMO_GRACE_SECONDS = 3.0  # short review window so the diary fills while you watch
DEMO_SYNC_INTERVAL = 5.0


def register(subparsers: _SubParsersAction[argparse.ArgumentParser]) -> None:
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
    stage = _open_stage()
    try:
        with EmbeddedServer(root / "server", port=args.port) as server:
            _run_loop(server, root, stop, headless,
                      app_display=stage.previous_display if stage else None)
    finally:
        if stage is not None:
            stage.close()
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

    if display_problem() is not None:
        # Not the capture paragraph itself: the demo records its own virtual screen anyway.
        print("workdiary demo: the tray app's window needs a graphical session and there is "
              "none here; running headless in this terminal instead.", flush=True)
        return False
    return True


def _open_stage() -> Stage | None:
    """The demo's virtual screen, workspace and labelled input; None (said once) without Xvfb."""
    from workdiary.demo.stage import XvfbUnavailable, open_stage

    try:
        return open_stage(lambda line: print(line, flush=True))
    except XvfbUnavailable as exc:
        print(f"workdiary demo: {exc}", flush=True)
        return None


def _run_loop(server: EmbeddedServer, root: Path, stop: threading.Event, headless: bool,
              app_display: str | None) -> None:
    from workdiary.cli.embedded import seed_demo
    from workdiary.config import local_timezone
    from workdiary.core.clock import SystemClock
    from workdiary.desktop.account import AccountError, log_in
    from workdiary.desktop.runtime import build_runtime
    from workdiary.desktop.settings import DesktopSettings
    from workdiary.store import LocalStore
    from workdiary.sync.api import ApiClient
    from workdiary.sync.client import SyncSettings
    from workdiary.sync.report import format_report
    from workdiary.sync.secrets import MemorySecretStore
    from workdiary.tracker.console import EventPrinter

    client_dir = root / "client"
    client_dir.mkdir()
    # The demo's own settings, passed to everything it starts: its folder, short sync waits.
    settings = DesktopSettings(
        data_dir=client_dir, tz=local_timezone(),
        sync=SyncSettings(grace_seconds=DEMO_GRACE_SECONDS, interval=DEMO_SYNC_INTERVAL))
    accounts = seed_demo(server)
    clock = SystemClock()
    # The demo's folder is deleted at the end, so its secrets live in memory: the OS
    # keyring is left untouched.
    secrets = MemorySecretStore()
    store = LocalStore(settings.database_path, clock)
    try:
        try:
            log_in(ApiClient(server.url), store, secrets, accounts.freelancer_email,
                   accounts.password)
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        contract = store.contract(accounts.contract_id)
        if contract is None:
            raise CommandError("the demo contract did not reach the desktop; see the log above")

        def on_report(report: SyncReport | None) -> None:
            for line in format_report(report) if report is not None else ():
                print(f"sync: {line}", flush=True)

        if not headless:
            _print_banner(server.url, accounts, client_dir, server.settings.mail_dir)
            from workdiary.cli.app import run_app

            # Capture goes to the demo's virtual screen; the windows stay on the user's.
            argv = ("workdiary", "-display", app_display) if app_display else ("workdiary",)
            try:
                run_app(store, settings=settings, secrets=secrets, clock=clock, stop=stop,
                        clock_in=(contract, "Demo work"), show_window=True, argv=argv)
            finally:
                _upload_last(settings, store, secrets, clock, on_report)
            return
        runtime = build_runtime(settings, store, clock=clock, secrets=secrets,
                                on_event=EventPrinter(settings.tz), on_report=on_report)
        _print_banner(server.url, accounts, client_dir, server.settings.mail_dir)
        for warning in runtime.warnings:
            print(f"workdiary demo: warning: {warning}", flush=True)
        try:
            if (problem := runtime.disk_guard.check()) is not None:
                raise CommandError(problem)
            runtime.watch_disk(stop, lambda problem: print(f"workdiary demo: {problem}",
                                                           flush=True))
            runtime.start_sync()
            tracker = runtime.tracker
            tracker.clock_in(contract, "Demo work")  # this thread drives the loop below
            try:
                runtime.loop.run(stop)
            finally:
                tracker.clock_out()
        finally:
            runtime.close()
            # The last segment just closed: upload it now, without the review wait.
            on_report(runtime.upload_now())
    finally:
        store.close()


def _upload_last(settings: DesktopSettings, store: LocalStore, secrets: SecretStore,
                 clock: Clock, on_report: Callable[[SyncReport | None], None]) -> None:
    """After the tray app quit: upload the last segment now, without the review wait."""
    from workdiary.sync.client import build_outbox

    on_report(build_outbox(store, secrets, clock, settings.sync_settings(store))
              .run_once(flush=True))


def _print_banner(url: str, accounts: DemoAccounts, client_dir: Path, mail_dir: Path) -> None:
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
            f"  Mail:         written as .eml files to {mail_dir} (no SMTP server in the demo)",
            "Tracking now; segments upload a few seconds after they close. Ctrl-C stops.",
            "",
        ]),
        flush=True,
    )
    sys.stdout.flush()
