"""`workdiary track`'s background uploads in the terminal: what each pass did, why uploads are
off, and what still waits at clock-out. The uploads themselves are the runtime's (as in the
tray app); this module only says what happens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore
from workdiary.sync.client import current_account_key
from workdiary.sync.report import format_report
from workdiary.sync.waiting import format_waiting, waiting_uploads

if TYPE_CHECKING:
    from workdiary.desktop.runtime import Runtime
    from workdiary.sync.outbox import SyncReport


class SyncPrinter:
    """The background uploads of `track`, in the terminal: what each pass did; a failure
    once per cause (it is retried on its own), and when it recovers."""

    def __init__(self) -> None:
        self._last_problem: str | None = None

    def __call__(self, report: SyncReport) -> None:  # the sync thread
        problem = report.error or report.refused or report.paused
        lines = [line for line in format_report(report)
                 if problem is None or problem not in line]
        if problem != self._last_problem:
            if problem is not None:
                lines.append(f"uploads stopped: {problem}")
            elif self._last_problem is not None:
                lines.append("uploads work again")
            self._last_problem = problem
        for line in lines:
            print(f"sync: {line}", flush=True)


def start_sync(runtime: Runtime, no_sync: bool) -> None:
    if no_sync:
        print("sync: off (--no-sync): segments stay on this computer until `workdiary sync`",
              flush=True)
        return
    said = len(runtime.notices)
    if runtime.start_sync() is not None:
        print(f"sync: uploading in the background to {runtime.store.get_setting('server_url')}"
              " a short while after each segment closes (its review window)", flush=True)
    elif runtime.notices[said:]:  # logged in, yet no uploads: why
        for text in runtime.notices[said:]:
            print(f"sync: off: {text}", flush=True)
    else:
        print("sync: off: not logged in; segments stay on this computer until `workdiary "
              "login SERVER_URL --email EMAIL`", flush=True)


def print_waiting(settings: DesktopSettings, store: LocalStore) -> None:
    """After clock-out: what still waits for upload, and why."""

    waiting = waiting_uploads(store.queued_records(), current_account_key(store),
                              datetime.now(UTC), grace_seconds(settings, store))
    for line in format_waiting(waiting, settings.tz):
        print(f"sync: {line}", flush=True)
    if waiting.ready:
        print(f"sync: {waiting.ready} segment(s) ready to upload: `workdiary sync` sends them",
              flush=True)


def grace_seconds(settings: DesktopSettings, store: LocalStore) -> float:
    try:
        return settings.sync_settings(store).grace_seconds
    except ValueError:  # a malformed override: `sync` reports it; status shows the default
        return 120.0
