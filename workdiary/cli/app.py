"""`workdiary app` (also plain `workdiary`): the tray application. This module is the tray
app's composition root: settings from the environment, the store and keyring, the desktop
runtime (workdiary.desktop.runtime, shared with `track` and the demo) and the GUI objects,
built once and passed in; nothing below looks anything up globally.

Threads: the GUI thread only renders; the tracker ticks on its own thread (TrackerLoop);
store writes, capture and encoding run on the tracker's single worker (shared with the GUI's
reads through the TaskManager); sync runs on the SyncWorker's thread; a login from the window
on its own. Results come back to the GUI thread through Qt signals.
"""

from __future__ import annotations

import argparse
import platform as _platform
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from workdiary.cli.main import CommandError
from workdiary.core.clock import Clock, SystemClock
from workdiary.core.model import Contract
from workdiary.desktop.notify import DBusNotifier
from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore, StoreError
from workdiary.sync.secrets import SecretStore
from workdiary.tracker.lock import TrackerLock

if TYPE_CHECKING:  # Qt is imported only once a display is known to exist
    from argparse import _SubParsersAction

    from workdiary.autostart.base import Autostart
    from workdiary.ui.desktop import Desktop

RELEASE_CHECK_TIMEOUT = (3.0, 5.0)  # before --clock-in: offline must not delay it long
STOP_POLL_MS = 500  # how often the GUI loop looks at the stop flag (Ctrl-C, SIGTERM, demo)


def register(subparsers: _SubParsersAction[argparse.ArgumentParser]) -> None:
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
    from workdiary.sync.encrypted_file import KeyringChoiceError, keyring_choice
    from workdiary.sync.secrets import DeferredSecretStore, KeyringSecretStore, SecretStoreError

    _check_display()
    settings = DesktopSettings.from_environment()
    try:
        store = LocalStore(settings.database_path)
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
    try:  # the OS keyring: sync passes run in a helper process, which opens it each pass
        sync_process = keyring_choice(settings.data_dir) == "os"
    except KeyringChoiceError:
        sync_process = False  # KeyringSecretStore below says what is wrong
    try:
        # The encrypted file is unlocked once, here (its passphrase may be asked for on the
        # terminal), and this process then signs and uploads itself.
        secrets = (DeferredSecretStore(KeyringSecretStore) if sync_process
                   else KeyringSecretStore())
    except SecretStoreError as exc:
        secrets, problem = None, str(exc)
        if current_account(store) is not None:  # logged out, the sync line says enough
            note = f"Uploads are off: {exc}"
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return run_app(store, settings=settings, secrets=secrets,
                       lock=TrackerLock(settings.data_dir), stop=stop, clock_in=clock_in,
                       show_window=args.show, note=note, secrets_problem=problem,
                       sync_process=sync_process)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        store.close()


def run_app(store: LocalStore, *, settings: DesktopSettings, secrets: SecretStore | None,
            clock: Clock | None = None, lock: TrackerLock | None = None,
            stop: threading.Event | None = None,
            clock_in: tuple[Contract, str] | None = None, show_window: bool = False,
            note: str | None = None, argv: Sequence[str] = ("workdiary",),
            on_ready: Callable[[Desktop], None] | None = None,
            secrets_problem: str | None = None, autostart: Autostart | None = None,
            sync_process: bool = False) -> int:
    """Build the desktop app around ``store`` and run it until Quit or until ``stop`` is set.

    ``secrets`` (a SecretStore, or None when there is no keyring: ``secrets_problem`` says
    why) gives the login, signing and uploads; ``clock_in`` clocks in at start (the demo);
    ``on_ready(desktop)`` runs once the windows are up (tests, screenshots); ``autostart``
    (default: this system's) backs the tray's "Start at login". ``sync_process``: each sync
    pass runs in a helper process (desktop/sync_process.py), which signs and uploads with
    the OS keyring, so this process never loads it for sync. On the way out
    the tracker clocks out and everything recorded is written before this returns. The
    caller closes ``store``.
    """
    _check_display()
    from workdiary.ui.source_cache import forget_module_sources

    forget_module_sources()  # before PySide6 starts reading every module's source
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    from workdiary.autostart import autostart_for_this_system
    from workdiary.capture import platform
    from workdiary.desktop.account import NO_KEYRING, log_in_to
    from workdiary.desktop.contract_sync import ContractsUpdate
    from workdiary.desktop.offers import OfferError
    from workdiary.desktop.offers import answer_offer as answer_offer_on_server
    from workdiary.desktop.review import ScreenshotReview
    from workdiary.desktop.runtime import build_runtime
    from workdiary.sync.outbox import SyncReport
    from workdiary.sync.worker import PassLoop
    from workdiary.tracker.events import TrackerEvent
    from workdiary.ui.desktop import Desktop
    from workdiary.ui.session import DesktopSession
    from workdiary.ui.style import load_stylesheet
    from workdiary.ui.taskman import TaskManager
    from workdiary.ui.translations import SETTING, LanguageSwitch, chosen_language

    clock = clock or SystemClock()
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("workdiary")
    app.setQuitOnLastWindowClosed(False)  # the tray keeps running with every window closed
    app.setStyleSheet(load_stylesheet())
    language = LanguageSwitch(app)  # the stored choice, else the system's language
    language.use(chosen_language(store.get_setting(SETTING), language.languages))

    notices: list[str] = []
    if lock is None or not lock.held_elsewhere():
        for segment in store.recover_interrupted():
            notices.append(f"A segment interrupted by a crash was closed at its last recorded "
                           f"minute ({segment.tracked_seconds} s kept).")
    session: DesktopSession | None = None
    review = ScreenshotReview(store, clock.now)

    def on_event(event: TrackerEvent) -> None:  # the tracker's worker thread
        review.on_event(event)
        if session is not None:
            session.post_event(event)

    def tell(message: str) -> None:  # any thread: Qt queues the signal to the GUI thread
        if session is not None:
            session.notice.emit(message)

    def on_report(report: SyncReport) -> None:  # the sync worker's thread
        if session is not None:
            session.post_sync_report(report)

    def on_contracts(update: ContractsUpdate) -> None:  # the sync worker's thread
        if session is not None:
            session.post_contracts(update)

    runtime = build_runtime(
        settings, store, clock=clock, secrets=secrets, on_event=on_event,
        idle_decision=lambda period: None,  # the idle prompt decides (Tracker.resolve_idle)
        on_input_unavailable=lambda reason: tell(
            f"Keyboard and mouse input cannot be counted ({reason}); time is still recorded."),
        on_tick_error=tell, on_report=on_report, on_contracts=on_contracts,
        sync_process=sync_process, on_sync_problem=lambda text: tell(_sentence(text)))
    network = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workdiary-login")

    def login(url: str, email: str, password: str) -> tuple[str, PassLoop | None]:
        # The login thread. AccountError's sentence is shown in the dialog.
        outcome = log_in_to(url, store, secrets, email, password,
                            secrets_problem=secrets_problem)
        message = (f"Logged in to {outcome.server_url} as {outcome.user_name}: "
                   f"{outcome.contracts} contract(s) on this computer; uploads start now.")
        if outcome.device_note is not None:
            message += f" Note: {outcome.device_note}"
        if outcome.server_key_note is not None:
            message += f" Note: {outcome.server_key_note}"
        return message, runtime.relogin()

    session = DesktopSession(store=store, control=runtime.loop,
                             taskman=TaskManager(runtime.executor), review=review, clock=clock,
                             tz=settings.tz, lock=lock, disk_guard=runtime.disk_guard,
                             release=runtime.release)
    login_tasks = TaskManager(network)
    session.offer_tasks = login_tasks  # answers to offers go over the network too

    def answer_offer(contract_id: str, accept: bool) -> Contract:  # the login thread
        if secrets is None:
            raise OfferError(secrets_problem or NO_KEYRING)
        keyring = secrets
        return answer_offer_on_server(store, lambda: keyring, contract_id, accept=accept)

    session.answer_offer_with = answer_offer
    tray_available = QSystemTrayIcon.isSystemTrayAvailable()
    notifier = None if tray_available else DBusNotifier(
        on_unavailable=lambda reason: desktop.notifications_unavailable.emit(reason))
    desktop = Desktop(session, tray_available=tray_available, notifier=notifier,
                      on_quit=app.quit, note=note, login=login, login_tasks=login_tasks,
                      backends=platform.session_report(), limits=platform.capture_limits(),
                      autostart=autostart or autostart_for_this_system(),
                      permissions=platform.make_permission_checklist(),
                      template_icon=_platform.system() == "Darwin", language=language)
    runtime.loop.start()
    session.sync = runtime.start_sync()  # its reports reach the session from the first pass
    notices += [_sentence(text) for text in runtime.notices]
    if language.problem:
        notices.append(_sentence(language.problem))
    desktop.start(show_window=show_window)
    for text in notices:
        session.notice.emit(text)
    if clock_in is not None:  # ask the server for its minimum version first (login thread)
        contract, memo = clock_in

        def clock_in_if_allowed(_checked: object) -> None:
            session.release_checked()
            session.clock_in(contract, memo)  # refused, with the reason, below the minimum

        login_tasks.run(lambda: runtime.check_release(timeout=RELEASE_CHECK_TIMEOUT),
                        clock_in_if_allowed)
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
        runtime.cancel_release_check()  # a silent server would hold Quit for its timeouts
        network.shutdown(wait=True)
        runtime.close()
        # The runtime's callbacks reach the session through this name: rebinding it ends the
        # session <-> tracker cycle, so the session and its timer are freed with this frame, on
        # this (the GUI) thread, not later by the cycle collector on any thread.
        session = None
    return int(code)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _check_display() -> None:
    from workdiary.capture.platform import display_problem

    problem = display_problem()
    if problem is not None:
        raise CommandError(
            f"the tray app needs a graphical session. {problem} To record without a window, "
            f"run `workdiary track CONTRACT_ID`.")
