"""The tray app's sync passes, each in a helper process (`workdiary _sync-pass`) that exits.

A pass needs the keyring (the token and the device key), Ed25519 signing and TLS: about
14 MB of libraries (cryptography with its own OpenSSL, keyring and the Secret Service
client, libssl) that the tray app would keep for good once loaded, for a pass of a second
or two every half minute (benchmarks/memory.md). So the tray app keeps the schedule
(``ProcessSyncWorker``, a ``PassLoop``: interval, wake, backoff) and starts the helper for
each pass; segments close unsigned and the helper signs them at upload, as the outbox
always did for a segment closed while its key was unavailable.

The helper opens the same SQLite cache (WAL, busy timeout: the headless CLI commands share
it with the app the same way), runs one outbox pass, fetches the contracts and the
server's desktop release, writes one JSON answer on stdout and exits. What the user reads
is made here, in the app (the contracts' changes in the user's language, the release
notice, the sync line), from that answer.

The app owns the helper: the helper reads its stdin, a pipe from the app, until end of
file; the app closes it to stop a pass (Quit), and so does the system when the app dies,
so a helper never outlives the app by more than ``STOP_GRACE`` seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workdiary.core.model import Contract
from workdiary.desktop.settings import DesktopSettings
from workdiary.sync.api import ContractInfo, Verdict
from workdiary.sync.outbox import SyncReport
from workdiary.sync.release import ReleaseGate
from workdiary.sync.worker import PassLoop

log = logging.getLogger(__name__)

HELPER_COMMAND = "_sync-pass"  # `workdiary _sync-pass`: hidden, for the tray app only
STOP_GRACE = 10.0  # seconds a helper has to end its request once asked to stop
DATA_DIR_ENV = "WORKDIARY_DATA_DIR"
_TUPLE_LISTS = ("quarantined", "screenshot_problems", "memo_refused")


def helper_command() -> list[str]:
    """How to start the helper: this interpreter (or the frozen program) again."""
    if getattr(sys, "frozen", False):
        return [sys.executable, HELPER_COMMAND]
    return [sys.executable, "-m", "workdiary", HELPER_COMMAND]


# -- the answer on the pipe --------------------------------------------------------------------

def report_to_json(report: SyncReport) -> dict[str, Any]:
    return dataclasses.asdict(report)


def report_from_json(data: Mapping[str, Any]) -> SyncReport:
    names = {f.name for f in dataclasses.fields(SyncReport)}
    values = {key: value for key, value in data.items() if key in names}
    values["verdicts"] = [Verdict(**{**v, "reasons": tuple(v["reasons"])})
                          for v in values.get("verdicts", [])]
    for name in _TUPLE_LISTS:
        values[name] = [tuple(pair) for pair in values.get(name, [])]
    return SyncReport(**values)


def contract_to_json(info: ContractInfo) -> dict[str, Any]:
    return {"contract": info.contract.to_dict(), "role": info.role,
            "week_minutes": info.week_minutes, "policy_version": info.policy_version}


def contract_from_json(data: Mapping[str, Any]) -> ContractInfo:
    return ContractInfo(Contract.from_dict(data["contract"]), str(data["role"]),
                        int(data["week_minutes"]), int(data["policy_version"]))


@dataclass(frozen=True, slots=True)
class PassAnswer:
    """What one helper run said."""

    report: SyncReport
    release_answered: bool = False  # the server answered about its desktop release
    release: dict[str, Any] | None = None  # that answer (None: it publishes none)
    contracts: list[ContractInfo] | None = None  # fetched when asked and reachable
    problem: str | None = None  # no pass at all (no keyring, not logged in): why

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PassAnswer:
        contracts = data.get("contracts")
        return cls(report=report_from_json(data.get("report") or {}),
                   release_answered=bool(data.get("release_answered")),
                   release=data.get("release"),
                   contracts=None if contracts is None
                   else [contract_from_json(item) for item in contracts],
                   problem=data.get("problem"))


# -- the app's side ----------------------------------------------------------------------------

class HelperRun:
    """Starts the helper and reads its answer; ``stop()`` (any thread) ends it early."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str]) -> None:
        self._command, self._env = list(command), dict(env)
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._stopped = False

    def run(self, args: Sequence[str]) -> PassAnswer:
        with self._lock:
            if self._stopped:
                return PassAnswer(SyncReport(error="stopped before the pass started"))
            child = subprocess.Popen(self._command + list(args), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=self._env)
            self._child = child
        assert child.stdout is not None
        try:
            out = child.stdout.read()
            code = child.wait()
        finally:
            with self._lock:
                self._child = None
                self._close_stdin(child)
            child.stdout.close()
        try:
            if code != 0:
                raise ValueError(f"exit status {code}")
            return PassAnswer.from_json(json.loads(out))
        except (ValueError, KeyError, TypeError) as exc:
            return PassAnswer(SyncReport(
                error=f"the sync helper process failed ({exc}); everything not yet sent "
                      "stays queued and is retried"))

    def stop(self) -> None:
        """Ask the running helper to stop after its current request (closes its stdin)."""
        with self._lock:
            self._stopped = True
            if self._child is not None:
                self._close_stdin(self._child)

    def kill(self) -> None:
        """The helper did not stop in time: end it now."""
        with self._lock:
            if self._child is not None and self._child.poll() is None:
                self._child.kill()

    @staticmethod
    def _close_stdin(child: subprocess.Popen[bytes]) -> None:
        if child.stdin is not None and not child.stdin.closed:
            with contextlib.suppress(OSError):  # the helper is gone already
                child.stdin.close()


def helper_env(settings: DesktopSettings, environ: Mapping[str, str] | None = None
               ) -> dict[str, str]:
    """The app's environment, with the data folder and sync overrides it runs with."""
    env = dict(os.environ if environ is None else environ)
    env[DATA_DIR_ENV] = str(settings.data_dir)
    env.update(settings.sync_overrides)
    return env


class ProcessSyncWorker(PassLoop):
    """The ``PassLoop`` schedule, each pass run by a helper process.

    A helper costs about 0.2 s of CPU (an interpreter and its imports), so it starts only
    when something is due: ``uploads_due()`` (records past their review time), the
    contracts (``contracts_due(asked)``: at least every 5 minutes, so the release notice and
    the login's renewal are as fresh), or a pass asked for (clock-in, "Sync now").
    ``contracts_due(asked)`` says whether this pass fetches the contracts;
    ``on_contracts(items)`` gets them when it did (this thread); ``release`` gets the
    server's desktop release; ``on_problem(sentence)`` hears why no pass could run (no
    keyring, logged out), each time it changes.
    """

    def __init__(self, settings: DesktopSettings, *, interval: float = 30.0,
                 on_report: Callable[[SyncReport], None] | None = None,
                 release: ReleaseGate, contracts_due: Callable[[bool], bool],
                 on_contracts: Callable[[list[ContractInfo]], object],
                 uploads_due: Callable[[], bool] = lambda: True,
                 on_problem: Callable[[str], None] | None = None,
                 command: Sequence[str] | None = None) -> None:
        super().__init__(interval=interval, on_report=on_report)
        self._uploads_due = uploads_due
        self.release = release
        self._contracts_due = contracts_due
        self._on_contracts = on_contracts
        self._on_problem = on_problem
        self._problem: str | None = None
        self._helper = HelperRun(command or helper_command(), helper_env(settings))

    def run_pass(self, asked: bool) -> SyncReport | None:
        contracts = self._contracts_due(asked)
        failed = self.last_report is not None and not self.last_report.ok
        if not (asked or contracts or failed or self._uploads_due()):
            return None  # nothing to send or fetch: no helper this time
        answer = self._helper.run(["--contracts"] if contracts else [])
        if answer.release_answered:
            self.release.accept(answer.release)
        if answer.contracts is not None:
            try:
                self._on_contracts(answer.contracts)
            except Exception:  # a refresh problem must not stop uploads
                log.exception("applying the contracts fetched by the sync helper failed")
        if answer.problem != self._problem:
            self._problem = answer.problem
            if answer.problem is not None and self._on_problem is not None:
                self._on_problem(answer.problem)
        if answer.problem is not None:
            return SyncReport(paused=answer.problem)  # not ok: passes back off
        return answer.report

    def stop(self, timeout: float = 30.0) -> None:
        self._helper.stop()
        super().stop(min(timeout, STOP_GRACE + 5.0))
        if self._thread.is_alive():
            self._helper.kill()
            self._thread.join(5.0)


class ReleaseFetcher:
    """Asks for only the server's desktop release, through a helper (no keyring needed).

    ``cancel()`` (any thread, at Quit) ends a check still waiting on a server that does not
    answer, at once: it only reads, so nothing is lost, and Quit does not wait out its
    connect and read timeouts. Checks asked for after it return without a helper.
    """

    def __init__(self, settings: DesktopSettings, command: Sequence[str] | None = None) -> None:
        self._command, self._env = list(command or helper_command()), helper_env(settings)
        self._lock = threading.Lock()
        self._running: HelperRun | None = None
        self._cancelled = False

    def fetch(self, timeout: tuple[float, float]) -> PassAnswer:
        helper = HelperRun(self._command, self._env)
        with self._lock:
            if self._cancelled:
                return PassAnswer(SyncReport(error="the app is quitting"))
            self._running = helper
        try:
            return helper.run(["--release-only", "--timeout", f"{timeout[0]},{timeout[1]}"])
        finally:
            with self._lock:
                self._running = None

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            helper = self._running
        if helper is not None:
            helper.stop()  # not started yet: it never starts
            helper.kill()


# -- the helper's side -------------------------------------------------------------------------

def helper_main(argv: Sequence[str]) -> int:
    """`workdiary _sync-pass [--contracts] [--release-only --timeout C,R]`: one pass, one
    JSON answer on stdout. Stops when its stdin (the app's pipe) closes."""
    parser = argparse.ArgumentParser(prog=f"workdiary {HELPER_COMMAND}")
    parser.add_argument("--contracts", action="store_true", help="fetch the contracts too")
    parser.add_argument("--release-only", action="store_true",
                        help="only ask for the server's desktop release")
    parser.add_argument("--timeout", default=None, help="connect,read seconds")
    args = parser.parse_args(argv)
    stop = threading.Event()
    threading.Thread(target=_watch_parent, args=(stop,), name="parent-pipe",
                     daemon=True).start()
    from workdiary.store import LocalStore, StoreError

    settings = DesktopSettings.from_environment()
    try:
        store = LocalStore(settings.database_path)
    except StoreError as exc:
        answer: dict[str, Any] = {"problem": f"uploads are off: {exc}"}
    else:
        try:
            timeout = (tuple(float(part) for part in args.timeout.split(","))
                       if args.timeout else None)
            answer = (_release_only(store, timeout) if args.release_only
                      else _one_pass(store, settings, stop, contracts=args.contracts))
        finally:
            store.close()
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
    return 0


def _watch_parent(stop: threading.Event) -> None:
    """Until the app's pipe closes (Quit, or the app died); then stop, and exit if the
    pass has not ended within ``STOP_GRACE``."""
    # The raw descriptor: a read blocked in sys.stdin's buffer would hold its lock, and the
    # interpreter's shutdown would then abort on it.
    while os.read(0, 4096):
        pass
    stop.set()
    time.sleep(STOP_GRACE)  # a pass normally ends within its current request, before this
    os._exit(3)


def _release(api: Any) -> dict[str, Any]:
    from workdiary.sync.api import ApiError

    try:
        return {"release_answered": True, "release": api.desktop_release()}
    except ApiError:
        return {"release_answered": False}


def _release_only(store: Any, timeout: Any) -> dict[str, Any]:
    from workdiary.sync.api import DEFAULT_TIMEOUT, ApiClient, ApiError
    from workdiary.sync.client import current_account

    account = current_account(store)
    if account is None:
        return {"release_answered": False}
    try:
        api = ApiClient(account.server_url, timeout=timeout or DEFAULT_TIMEOUT)
    except (ApiError, ValueError):
        return {"release_answered": False}
    return _release(api)


def _one_pass(store: Any, settings: DesktopSettings, stop: threading.Event, *,
              contracts: bool) -> dict[str, Any]:
    from workdiary.core.clock import SystemClock
    from workdiary.sync.api import ApiError
    from workdiary.sync.client import build_outbox
    from workdiary.sync.device import NotLoggedIn
    from workdiary.sync.secrets import KeyringSecretStore, SecretStoreError

    try:
        secrets = KeyringSecretStore()
        outbox = build_outbox(store, secrets, SystemClock(), settings.sync_settings(store))
    except (NotLoggedIn, SecretStoreError, ValueError) as exc:
        return {"problem": f"uploads are off: {exc}"}
    outbox.stop_event = stop  # the app's pipe closed: end after the current request
    answer: dict[str, Any] = {}
    if contracts:
        try:
            answer["contracts"] = [contract_to_json(item) for item in outbox.api.contracts()]
        except ApiError:
            answer["contracts"] = None  # offline: the cached contracts stand
    answer.update(_release(outbox.api))
    gate = ReleaseGate()
    below = (answer["release_answered"] and gate.accept(answer.get("release")) is not None
             and gate.refusal() is not None)
    try:  # below the minimum: upload all that is pending now (finish, then refuse)
        report = outbox.run_once(flush=below)
    except Exception as exc:  # a bug must not look like success
        log.exception("sync pass failed")
        report = SyncReport(error=f"internal error during sync: {exc!r}")
    answer["report"] = report_to_json(report)
    return answer
