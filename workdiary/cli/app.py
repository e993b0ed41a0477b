"""`workdiary app` (also plain `workdiary`): the tray application. This module is the desktop's
composition root: it builds the store, capture, tracker, sync and GUI objects once and passes
them in; nothing below looks anything up globally.

Threads: the GUI thread only renders; the tracker ticks on its own thread (TrackerThread);
store writes, capture and encoding run on the tracker's single worker (shared with the GUI's
reads through the TaskManager); sync runs on the SyncWorker's thread. Results come back to
the GUI thread through Qt signals.
"""

from __future__ import annotations

import argparse
import random
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from workdiary.cli.main import CommandError
from workdiary.config import data_dir, database_path, local_timezone
from workdiary.core.clock import Clock, SystemClock
from workdiary.core.model import Contract
from workdiary.store import LocalStore, StoreError
from workdiary.sync.client import SyncSettings

STOP_POLL_MS = 500  # how often the GUI loop looks at the stop flag (Ctrl-C, SIGTERM, demo)


def register(subparsers: Any) -> None:
    app = subparsers.add_parser("app", help="the tray application (the default command)")
    app.add_argument("--show", action="store_true",
                     help="open the main window at start (it always opens when there is no tray)")
    app.add_argument("--clock-in", metavar="CONTRACT_ID", dest="clock_in",
                     help="clock in on this contract at start (e.g. from an autostart entry)")
    app.add_argument("--memo", default="", help="the memo to clock in with (with --clock-in)")
    app.set_defaults(handler=run_app_command)


def run_app_command(args: argparse.Namespace) -> int:
    """Open the user's store and keyring, then run the app until Quit, Ctrl-C or SIGTERM."""
    from workdiary.sync.client import current_account
    from workdiary.sync.secrets import KeyringSecretStore, SecretStore, SecretStoreError
    from workdiary.tracker.lock import TrackerLock

    _check_display()
    directory = data_dir()
    try:
        store = LocalStore(database_path(directory))
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    clock_in = None
    if args.clock_in is not None:
        contract = store.contract(args.clock_in)
        if contract is None:
            store.close()
            raise CommandError(
                f"contract {args.clock_in} is not in the local cache. Run `workdiary login "
                f"SERVER_URL --email EMAIL` (or `workdiary contracts`), then try again."
            )
        clock_in = (contract, args.memo)
    note = problem = None
    secrets: SecretStore | None
    try:
        secrets = KeyringSecretStore()
    except SecretStoreError as exc:
        secrets, problem = None, str(exc)
        if current_account(store) is not None:  # logged out, the sync line says enough
            note = f"Uploads are off: {exc}"
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return run_app(store, secrets=secrets, lock=TrackerLock(directory), stop=stop,
                       clock_in=clock_in, show_window=args.show, note=note,
                       secrets_problem=problem)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        store.close()


def run_app(store: LocalStore, *, secrets: Any | None, clock: Clock | None = None,
            lock: Any | None = None, sync_settings: SyncSettings | None = None,
            stop: threading.Event | None = None,
            clock_in: tuple[Contract, str] | None = None, show_window: bool = False,
            note: str | None = None, argv: Sequence[str] = ("workdiary",),
            on_ready: Callable[[Any], None] | None = None,
            secrets_problem: str | None = None) -> int:
    """Build the desktop app around ``store`` and run it until Quit or until ``stop`` is set.

    ``secrets`` (a SecretStore, or None when there is no keyring: ``secrets_problem`` says
    why) gives the login, signing and uploads; ``clock_in`` clocks in at start (the demo);
    ``on_ready(desktop)`` runs once the windows are up (tests, screenshots). On the way out
    the tracker clocks out and everything recorded is written before this returns. The
    caller closes ``store``.
    """
    _check_display()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    from workdiary.capture.encode import encode_screenshot
    from workdiary.capture.platform import (
        make_input_counter,
        make_screen_grabber,
        make_window_probe,
    )
    from workdiary.sync.diskguard import DiskGuard
    from workdiary.tracker.engine import Tracker
    from workdiary.tracker.events import TrackerEvent
    from workdiary.tracker.headless import TimeOnlyInputCounter
    from workdiary.ui.desktop import Desktop
    from workdiary.ui.review import ScreenshotReview
    from workdiary.ui.session import DesktopSession
    from workdiary.ui.style import load_stylesheet
    from workdiary.ui.taskman import TaskManager
    from workdiary.ui.tracker_thread import TrackerThread

    clock = clock or SystemClock()
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("workdiary")
    app.setQuitOnLastWindowClosed(False)  # the tray keeps running with every window closed
    app.setStyleSheet(load_stylesheet())

    notices: list[str] = []
    if lock is None or not lock.held_elsewhere():
        for segment in store.recover_interrupted():
            notices.append(f"A segment interrupted by a crash was closed at its last recorded "
                           f"minute ({segment.tracked_minutes} min kept).")
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-worker")
    screen = make_screen_grabber()
    session: DesktopSession | None = None

    def on_event(event: TrackerEvent) -> None:  # the tracker's worker thread
        review.on_event(event)
        if session is not None:
            session.post_event(event)

    def input_unavailable(reason: str) -> None:
        tell(f"Keyboard and mouse input cannot be counted ({reason}); time is still recorded.")

    tracker = Tracker(
        store=store, clock=clock, screen=screen,
        input_counter=TimeOnlyInputCounter(make_input_counter(), input_unavailable),
        encode=encode_screenshot, executor=executor, rng=random.SystemRandom(),
        window_probe=make_window_probe(), on_event=on_event,
        idle_decision=lambda period: None,  # the idle prompt decides (Tracker.resolve_idle)
        signer=_signer(store, secrets, notices),
    )
    review = ScreenshotReview(store, clock.now)
    def tell(message: str) -> None:  # any thread: Qt queues the signal to the GUI thread
        if session is not None:
            session.notice.emit(message)

    def on_report(report: Any) -> None:  # the sync worker's thread
        if session is not None:
            session.post_sync_report(report)

    control = TrackerThread(tracker, clock, on_error=tell)
    worker = _sync_worker(store, secrets, clock, sync_settings, notices, on_report)
    workers = [worker]  # the current one last: a login from the window replaces it
    network = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workdiary-login")

    def login(url: str, email: str, password: str) -> tuple[str, Any]:  # the login thread
        message = _log_in(store, secrets, secrets_problem, url, email, password)
        tracker.signer = _signer(store, secrets, [])
        if workers[-1] is not None:
            workers[-1].stop()
        workers.append(_sync_worker(store, secrets, clock, sync_settings, [], on_report))
        if workers[-1] is not None:
            workers[-1].start()
        return message, workers[-1]

    session = DesktopSession(store=store, control=control, taskman=TaskManager(executor),
                             review=review, clock=clock, tz=local_timezone(), lock=lock,
                             sync=worker, disk_guard=DiskGuard(store.path.parent))
    desktop = Desktop(session, tray_available=QSystemTrayIcon.isSystemTrayAvailable(),
                      on_quit=app.quit, note=note, login=login,
                      login_tasks=TaskManager(network))
    control.start()
    if worker is not None:
        worker.start()
    desktop.start(show_window=show_window)
    for text in notices:
        session.notice.emit(text)
    if clock_in is not None:
        session.clock_in(*clock_in)
    if on_ready is not None:
        on_ready(desktop)
    poll = QTimer()
    poll.setInterval(STOP_POLL_MS)  # also lets Python run its signal handlers
    def check_stop() -> None:
        if stop is not None and stop.is_set():
            desktop.quit()

    poll.timeout.connect(check_stop)
    poll.start()
    try:
        code = app.exec()
    finally:
        poll.stop()
        desktop.quit()  # no-op if Quit already ran: clock out, stop sync
        network.shutdown(wait=True)
        executor.shutdown(wait=True)
        screen.close()
    return int(code)


def _log_in(store: LocalStore, secrets: Any | None, secrets_problem: str | None, url: str,
            email: str, password: str) -> str:
    """`workdiary login` from the window; returns the sentence to show."""
    from workdiary.cli.account import log_in
    from workdiary.sync.api import ApiClient, InsecureServerUrl

    if secrets is None:
        raise CommandError(secrets_problem or "there is no system keyring to keep the login in")
    try:
        api = ApiClient(url)
    except InsecureServerUrl as exc:
        raise CommandError(str(exc)) from exc
    outcome = log_in(api, store, secrets, email, password)  # CommandError says what failed
    return (f"Logged in to {api.server_url} as {outcome.user_name}: {outcome.contracts} "
            f"contract(s) on this computer; uploads start now.")


def _check_display() -> None:
    from workdiary.capture.platform import display_problem

    problem = display_problem()
    if problem is not None:
        raise CommandError(
            f"the tray app needs a graphical session. {problem} To record without a window, "
            f"run `workdiary track CONTRACT_ID`.")


def _signer(store: LocalStore, secrets: Any | None, notices: list[str]) -> Any:
    from workdiary.sync.client import signer_for
    from workdiary.sync.secrets import SecretStoreError

    if secrets is None:
        return None
    try:
        return signer_for(store, secrets)
    except SecretStoreError as exc:
        notices.append(f"Segments are not signed now ({exc}); they are signed at upload.")
        return None


def _sync_worker(store: LocalStore, secrets: Any | None, clock: Clock,
                 settings: SyncSettings | None, notices: list[str], on_report: Any) -> Any:
    """The sync worker for the logged-in account, or None (the window says how to log in)."""
    from workdiary.sync.client import build_outbox, current_account, load_sync_settings
    from workdiary.sync.device import NotLoggedIn
    from workdiary.sync.secrets import SecretStoreError
    from workdiary.sync.worker import SyncWorker

    if secrets is None:
        return None
    try:
        settings = settings or load_sync_settings(store)
        outbox = build_outbox(store, secrets, clock, settings)
    except (NotLoggedIn, SecretStoreError, ValueError) as exc:
        if current_account(store) is not None:  # logged in, yet uploads cannot run: say why
            notices.append(f"Uploads are off: {exc}")
        return None
    return SyncWorker(outbox, interval=settings.interval, on_report=on_report)
