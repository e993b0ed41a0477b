"""The desktop, built once: settings and the store in, a ``Runtime`` out (tracker, tick loop,
worker, signer, sync worker, disk guard). The tray app, `workdiary track` and the demo each
call ``build_runtime`` from their composition root, so the three record alike.

Threads: the tracker is driven by its ``TrackerLoop`` (its own thread in the tray app, the
calling thread headless); store writes, capture and encoding run on the single worker
``executor`` (the GUI's reads share it); uploads run on the ``SyncWorker``'s thread. No Qt.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from workdiary.capture import platform
from workdiary.capture.base import (
    CaptureError,
    InputCounter,
    InputCounts,
    ScreenGrabber,
    WindowProbe,
)
from workdiary.capture.encode import encode_screenshot
from workdiary.capture.malloc_tuning import return_large_buffers
from workdiary.core.clock import Clock
from workdiary.core.model import Contract
from workdiary.desktop.contract_sync import (
    ContractsUpdate,
    RefreshSchedule,
    apply_contracts,
    says_stale,
)
from workdiary.desktop.loop import TrackerLoop
from workdiary.desktop.settings import DesktopSettings
from workdiary.desktop.sync_process import ProcessSyncWorker, ReleaseFetcher
from workdiary.store import LocalStore
from workdiary.store.diskguard import DiskGuard, watch_disk
from workdiary.sync.api import DEFAULT_TIMEOUT, ApiClient, ApiError, ContractInfo
from workdiary.sync.client import (
    build_outbox,
    current_account,
    current_account_key,
    signer_for,
)
from workdiary.sync.device import NotLoggedIn
from workdiary.sync.outbox import SyncReport
from workdiary.sync.release import ReleaseGate, ReleaseNotice
from workdiary.sync.secrets import SecretStore, SecretStoreError
from workdiary.sync.worker import PassLoop, SyncWorker
from workdiary.tracker.engine import Tracker
from workdiary.tracker.events import ClockedIn, IdlePeriod, SegmentClosed, TrackerEvent
from workdiary.tracker.idle import discard_idle
from workdiary.tracker.ports import Signer


class TimeOnlyInputCounter:
    """Wraps the real counter; if input cannot be observed (no display, no X RECORD), it
    counts nothing instead of stopping the tracker, so time is still recorded."""

    def __init__(self, inner: InputCounter, on_unavailable: Callable[[str], None]) -> None:
        self._inner = inner
        self._on_unavailable = on_unavailable
        self.available = True

    def start(self) -> None:
        try:
            self._inner.start()
        except CaptureError as exc:
            self.available = False
            self._on_unavailable(str(exc))

    def stop(self) -> None:
        if self.available:
            self._inner.stop()

    def take(self) -> InputCounts:
        return self._inner.take() if self.available else InputCounts()


@dataclass(frozen=True, slots=True)
class Capture:
    """The three capture parts; ``platform_capture()`` picks the real ones for this machine."""

    screen: ScreenGrabber
    input_counter: InputCounter
    window_probe: WindowProbe | None


def platform_capture() -> Capture:
    return Capture(platform.make_screen_grabber(), platform.make_input_counter(),
                   platform.make_window_probe())


class Runtime:
    """One desktop program's recording and syncing parts. ``close()`` after clock-out."""

    def __init__(self, *, settings: DesktopSettings, store: LocalStore, clock: Clock,
                 secrets: SecretStore | None, tracker: Tracker, loop: TrackerLoop,
                 executor: ThreadPoolExecutor, capture: Capture, disk_guard: DiskGuard,
                 sync_enabled: bool, on_report: Callable[[SyncReport], None] | None,
                 notices: list[str], warnings: list[str],
                 on_contracts: Callable[[ContractsUpdate], None] | None = None,
                 sync_process: bool = False,
                 on_sync_problem: Callable[[str], None] | None = None) -> None:
        self.settings, self.store, self.clock, self.secrets = settings, store, clock, secrets
        self.tracker, self.loop, self.executor = tracker, loop, executor
        self.capture, self.disk_guard = capture, disk_guard
        self.notices = notices  # sentences for the user, collected while building
        self.warnings = warnings  # capture limits (no display, input not countable)
        self._sync_enabled, self._on_report = sync_enabled, on_report
        self._on_contracts = on_contracts
        # Sync passes in a helper process (the tray app): no keyring, signing or TLS here.
        self._sync_process, self._on_sync_problem = sync_process, on_sync_problem
        self._release_fetcher = ReleaseFetcher(settings) if sync_process else None
        self.offers: list[Contract] = []  # open offers, as of the last refresh
        self.sync: PassLoop | None = None
        self._sync_lock = threading.Lock()
        # The server's desktop release: refreshed by each sync pass and by check_release().
        self.release = ReleaseGate()
        # When a pass refreshes the contracts; the sync interval sets the pre-boundary window.
        try:
            interval = settings.sync_settings(store).interval
        except ValueError:  # a malformed override: _sync_worker says so, and uses none
            interval = 30.0
        self.contract_refresh = RefreshSchedule(lead=interval + 10.0)

    def start_sync(self) -> PassLoop | None:
        """Start uploading for the logged-in account (None: not logged in or sync off)."""
        with self._sync_lock:
            if self.sync is None:
                self.sync = self._sync_worker(self.notices)
                if self.sync is not None:
                    self.sync.start()
            return self.sync

    def relogin(self) -> PassLoop | None:
        """After a login (any thread): sign with the new key from the next closed segment
        (through the loop's command queue) and upload with the new token."""
        self.loop.set_signer(self._signer([]))
        with self._sync_lock:
            if self.sync is not None:
                self.sync.stop()
            self.sync = self._sync_worker([])
            if self.sync is not None:
                self.sync.start()
            return self.sync

    def upload_now(self) -> SyncReport | None:
        """One upload pass without the review wait (the demo's last segment); None when not
        logged in."""
        if self.secrets is None:
            return None
        try:
            outbox = build_outbox(self.store, self.secrets, self.clock,
                                  self.settings.sync_settings(self.store))
        except (NotLoggedIn, SecretStoreError, ValueError):
            return None
        return outbox.run_once(flush=True)

    def check_release(self, timeout: tuple[float, float] = DEFAULT_TIMEOUT
                      ) -> ReleaseNotice | None:
        """Ask the logged-in server for its desktop release now (network: call it off the
        GUI thread); the last notice stands when the server cannot answer."""
        account = current_account(self.store)
        if account is None:
            return self.release.notice
        if self._release_fetcher is not None:
            answer = self._release_fetcher.fetch(timeout)
            return (self.release.accept(answer.release) if answer.release_answered
                    else self.release.notice)
        try:
            api = ApiClient(account.server_url, timeout=timeout)
        except (ApiError, ValueError):
            return self.release.notice
        return self.release.refresh(api)

    def cancel_release_check(self) -> None:
        """At Quit, before waiting for the network thread: end a release check that is still
        waiting on the server (the app's checks run in a helper process)."""
        if self._release_fetcher is not None:
            self._release_fetcher.cancel()

    def watch_disk(self, stop: threading.Event, on_problem: Callable[[str], None]) -> None:
        """Check the disk once a minute until ``stop``; a problem is reported, then sets it."""
        watch_disk(self.disk_guard, stop, on_problem)

    def close(self) -> None:
        """After clock-out: stop syncing and the loop, finish queued writes, free the screen."""
        with self._sync_lock:
            if self.sync is not None:
                self.sync.stop()
        self.loop.stop()
        self.executor.shutdown(wait=True)
        self.capture.screen.close()

    # -- building parts ------------------------------------------------------------------

    def _signer(self, notices: list[str]) -> Signer | None:
        if self.secrets is None or self._sync_process:
            return None  # segments are signed at upload (by the sync helper process)
        try:
            return signer_for(self.store, self.secrets)
        except SecretStoreError as exc:
            notices.append(f"segments are not signed now ({exc}); they are signed at upload.")
            return None

    def _sync_worker(self, notices: list[str]) -> PassLoop | None:
        if self._sync_enabled and self._sync_process:
            return self._process_sync_worker(notices)
        if not self._sync_enabled or self.secrets is None:
            return None
        try:
            settings = self.settings.sync_settings(self.store)
            outbox = build_outbox(self.store, self.secrets, self.clock, settings)
        except (NotLoggedIn, SecretStoreError, ValueError) as exc:
            if current_account(self.store) is not None:  # logged in, yet no uploads: say why
                notices.append(f"uploads are off: {exc}")
            return None
        return SyncWorker(outbox, interval=settings.interval, on_report=self._on_report,
                          release=self.release, before_pass=self.refresh_contracts)

    def _process_sync_worker(self, notices: list[str]) -> PassLoop | None:
        if current_account(self.store) is None:
            return None
        try:
            interval = self.settings.sync_settings(self.store).interval
        except ValueError as exc:
            notices.append(f"uploads are off: {exc}")
            return None
        return ProcessSyncWorker(self.settings, interval=interval, on_report=self._on_report,
                                 release=self.release, contracts_due=self.contracts_due,
                                 on_contracts=self.contracts_fetched,
                                 uploads_due=self.uploads_due,
                                 on_problem=self._on_sync_problem)

    def uploads_due(self) -> bool:
        """Whether a pass would send anything now (the sync thread): a closed segment past
        its review time (all of them below the server's minimum release), a deletion or a
        memo edit, for the logged-in account."""
        account = current_account_key(self.store)
        try:
            grace = self.settings.sync_settings(self.store).grace_seconds
        except ValueError:
            return True  # the pass reports the malformed setting
        now = self.clock.now()
        due = now + timedelta(seconds=1) if self.release.refusal() else (
            now - timedelta(seconds=grace))
        return bool(self.store.pending_segments(due, 1, account=account)
                    or self.store.delete_pending_segments(account=account)
                    or self.store.memo_edits_pending(account=account))

    def refresh_contracts(self, api: ApiClient, asked: bool = False) -> ContractsUpdate | None:
        """Fetch the contracts when due (the sync thread, before a pass; see RefreshSchedule):
        cache them, hand a new version of the tracked one to the tracker (its policy applies
        from the next segment) and report what changed; None when not due or offline."""
        if not self.contracts_due(asked):
            return None
        try:
            items = api.contracts()
        except ApiError:
            return None  # offline: the cached contracts stand (and the next pass asks again)
        return self.contracts_fetched(items)

    def contracts_due(self, asked: bool = False) -> bool:
        """Whether this pass fetches the contracts (the sync thread; see RefreshSchedule)."""
        last = self.sync.last_report if self.sync is not None else None
        if last is not None and (any(says_stale(v.reasons) for v in last.verdicts)
                                 or last.quarantined):
            asked = True  # the server refused time as off the contract: it may have changed
        contract = self.tracker.contract  # read-only glance from this thread
        return self.contract_refresh.due(
            self.clock.now(), asked=asked,
            segment_minutes=contract.policy.segment_minutes if contract else None)

    def contracts_fetched(self, items: list[ContractInfo]) -> ContractsUpdate:
        """Cache the server's contracts (the sync thread), hand a new version of the tracked
        one to the tracker (its policy applies from the next segment), report what changed."""
        update = apply_contracts(items, self.store)
        self.contract_refresh.refreshed(self.clock.now())
        for contract in update.contracts:
            self.loop.update_contract(contract)
        self.offers = update.offers
        if self._on_contracts is not None:
            self._on_contracts(update)
        return update


def build_runtime(
    settings: DesktopSettings, store: LocalStore, *, clock: Clock,
    secrets: SecretStore | None, on_event: Callable[[TrackerEvent], None],
    idle_decision: Callable[[IdlePeriod], bool | None] = discard_idle,
    on_input_unavailable: Callable[[str], None] | None = None,
    on_tick_error: Callable[[str], None] = lambda message: None,
    sync: bool = True, on_report: Callable[[SyncReport], None] | None = None,
    capture: Capture | None = None, rng: random.Random | None = None,
    on_contracts: Callable[[ContractsUpdate], None] | None = None,
    sync_process: bool = False, on_sync_problem: Callable[[str], None] | None = None,
) -> Runtime:
    """Build the desktop around ``store``; nothing starts yet (``loop.start()`` or
    ``loop.run()``, ``start_sync()``).

    Without a display the tracker still records time: screenshots are stored as failed
    captures and no input is counted (``warnings`` says so). When input cannot be counted,
    minutes are never marked idle: there is nothing to judge idleness by.
    ``on_input_unavailable`` (default: add to ``warnings``) hears about that at clock-in.
    ``sync`` False: no uploads (`workdiary track`); else uploads start with ``start_sync``
    when logged in, and a closed segment wakes them. Each sync pass first refreshes the
    contracts; ``on_contracts`` (the sync thread) hears what changed. ``sync_process``
    True (the tray app): each pass runs in a helper process (desktop/sync_process.py) that
    signs at upload, so this process never loads the keyring, signing or TLS for sync;
    ``on_sync_problem`` hears why passes cannot run (no keyring).
    """
    return_large_buffers()  # screenshots' buffers go back to the system once freed
    warnings: list[str] = []
    notices: list[str] = []
    problem = platform.display_problem()
    if problem is not None:
        warnings.append(
            f"{problem} Tracking time anyway: screenshots are recorded as failed captures "
            f"(capture_failed) and no input is counted.")

    def input_unavailable(reason: str) -> None:
        if on_input_unavailable is not None:
            on_input_unavailable(reason)
        elif problem is None:  # without a display the warning above says it already
            warnings.append(f"input cannot be counted: {reason}")

    capture = capture or platform_capture()
    counter = TimeOnlyInputCounter(capture.input_counter, input_unavailable)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-worker")
    holder: list[Runtime] = []

    def event(happened: TrackerEvent) -> None:  # the worker thread
        # A closed segment is bound to the account logged in now (it signed it): another
        # account logged in later never uploads it (docs/design.md, "Uploads wait for their
        # account").
        if isinstance(happened, SegmentClosed) and (
                account := current_account_key(store)) is not None:
            store.bind_account(happened.segment.id, account)
        on_event(happened)
        if isinstance(happened, SegmentClosed) and holder and holder[0].sync is not None:
            holder[0].sync.wake()
        if isinstance(happened, ClockedIn) and holder and holder[0].sync is not None:
            holder[0].sync.wake(refresh=True)  # the contract's policy as of now

    tracker = Tracker(
        store=store, clock=clock, screen=capture.screen, input_counter=counter,
        encode=encode_screenshot, executor=executor, rng=rng or random.SystemRandom(),
        window_probe=capture.window_probe, on_event=event, idle_decision=idle_decision,
        input_observed=lambda: counter.available,
    )
    runtime = Runtime(
        settings=settings, store=store, clock=clock, secrets=secrets, tracker=tracker,
        loop=TrackerLoop(tracker, clock, on_error=on_tick_error), executor=executor,
        capture=capture, disk_guard=DiskGuard(settings.data_dir, settings.disk_limits),
        sync_enabled=sync, on_report=on_report, notices=notices, warnings=warnings,
        on_contracts=on_contracts, sync_process=sync_process, on_sync_problem=on_sync_problem)
    holder.append(runtime)
    tracker.signer = runtime._signer(notices)
    return runtime
