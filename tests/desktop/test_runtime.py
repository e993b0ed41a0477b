"""The one desktop runtime, built as `workdiary track` builds it (fakes for capture, a fake
clock, a real LocalStore): input that cannot be counted keeps time instead of idling it, a
login re-arms the signer through the loop, close() finishes every write."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from workdiary.capture.base import CaptureError, EncodedScreenshot, InputCounts
from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract
from workdiary.desktop.runtime import Capture, Runtime, build_runtime
from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore
from workdiary.sync.client import SERVER_URL, USER_EMAIL
from workdiary.sync.device import ensure_device_key
from workdiary.sync.secrets import Account, MemorySecretStore
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber
from workdiary.tracker.events import IdleStarted, TrackerEvent


class UncountableInput:
    def start(self) -> None:
        raise CaptureError("the X server has no RECORD extension")

    def stop(self) -> None:
        pass

    def take(self) -> InputCounts:
        raise AssertionError("never asked once start failed")


def runtime_for(tmp_path: Path, clock: FakeClock, input_counter: object,
                events: list[TrackerEvent], **options: object) -> tuple[Runtime, LocalStore]:
    store = LocalStore(tmp_path / "workdiary.sqlite3", clock=clock)
    settings = DesktopSettings(tmp_path, ZoneInfo("UTC"))
    capture = Capture(FakeScreenGrabber(64, 36), input_counter, None)  # type: ignore[arg-type]
    options.setdefault("secrets", None)
    runtime = build_runtime(settings, store, clock=clock, on_event=events.append,
                            capture=capture, sync=False, **options)  # type: ignore[arg-type]
    return runtime, store


def run_minutes(runtime: Runtime, contract: Contract, minutes: int) -> None:
    runtime.tracker.clock_in(contract, "memo")
    runtime.loop.run(threading.Event(), duration=minutes * 60)
    runtime.tracker.clock_out()
    runtime.close()


def test_without_countable_input_minutes_are_kept_not_idle(
    tmp_path: Path, fake_clock: FakeClock, make_contract: Callable[..., Contract],
    small_encode: Callable[..., EncodedScreenshot],
) -> None:
    events: list[TrackerEvent] = []
    runtime, store = runtime_for(tmp_path, fake_clock, UncountableInput(), events)
    contract = make_contract("c-1", segment_minutes=10, idle_minutes=1)
    store.replace_contracts([contract])
    run_minutes(runtime, contract, 4)
    [segment] = store.segments_between(fake_clock.now().replace(year=2000), fake_clock.now())
    store.close()
    assert len(segment.minutes) >= 4 and not any(m.idle for m in segment.minutes)
    assert not any(isinstance(event, IdleStarted) for event in events)
    assert any("input cannot be counted" in w for w in runtime.warnings)


def test_with_countable_input_a_quiet_minute_is_idle(
    tmp_path: Path, fake_clock: FakeClock, make_contract: Callable[..., Contract],
) -> None:
    """The other side of the rule above: the same run with a working counter idles."""
    events: list[TrackerEvent] = []
    runtime, store = runtime_for(tmp_path, fake_clock, FakeInputCounter(), events)
    contract = make_contract("c-1", segment_minutes=10, idle_minutes=1)
    store.replace_contracts([contract])
    run_minutes(runtime, contract, 4)
    [segment] = store.segments_between(fake_clock.now().replace(year=2000), fake_clock.now())
    store.close()
    assert any(isinstance(event, IdleStarted) for event in events)
    assert len(segment.minutes) < 4  # `track` discards idle time (tracker.idle.discard_idle)
    assert runtime.warnings == []


def test_relogin_signs_from_the_next_segment_through_the_loop(
    tmp_path: Path, fake_clock: FakeClock, make_contract: Callable[..., Contract],
) -> None:
    secrets = MemorySecretStore()
    events: list[TrackerEvent] = []
    runtime, store = runtime_for(tmp_path, fake_clock, FakeInputCounter(), events,
                                 secrets=secrets)
    assert runtime.tracker.signer is None  # not logged in: segments are signed at upload
    # What a login from the window leaves behind: the account in the store, a device key.
    account = Account("https://diary.example.org", "fred@example.org")
    store.set_setting(SERVER_URL, account.server_url)
    store.set_setting(USER_EMAIL, account.email)
    ensure_device_key(secrets, account)
    assert runtime.relogin() is None  # no uploads in this runtime (as in `track`)
    assert runtime.tracker.signer is None  # assigned by the loop, not by this thread
    contract = make_contract("c-1", segment_minutes=1)
    store.replace_contracts([contract])
    run_minutes(runtime, contract, 2)
    segments = store.segments_between(fake_clock.now().replace(year=2000), fake_clock.now())
    queued = store.queued_records()
    store.close()
    assert runtime.tracker.signer is not None
    assert segments and all(segment.signature for segment in segments)
    # Each closed segment is bound to the account that signed it (uploads wait for it).
    assert queued and {r.account for r in queued} == \
        {"fred@example.org on https://diary.example.org"}


class CountingApi:
    """GET /contracts as the server answers it, counted."""

    def __init__(self, contracts: list[Contract]) -> None:
        self.items = contracts
        self.calls = 0

    def contracts(self) -> list[object]:
        from workdiary.sync.api import ContractInfo

        self.calls += 1
        return [ContractInfo(c, "freelancer", 0) for c in self.items]


def test_passes_refresh_contracts_when_due_not_every_time(
    tmp_path: Path, fake_clock: FakeClock, make_contract: Callable[..., Contract],
) -> None:
    """The runtime's before-pass hook: the first pass and a pass asked for (clock-in, "Sync
    now") fetch; the passes between do not; the pass in the window before the tracked
    segment's end fetches, so the tracker gets a new policy for the segment that starts next."""
    from dataclasses import replace

    from workdiary.core.model import Policy
    from workdiary.desktop.contract_sync import next_boundary

    events: list[TrackerEvent] = []
    runtime, store = runtime_for(tmp_path, fake_clock, FakeInputCounter(), events)
    contract = make_contract("c-1", segment_minutes=10)
    store.replace_contracts([contract])
    api = CountingApi([contract])
    assert runtime.refresh_contracts(api) is not None and api.calls == 1  # type: ignore[arg-type]
    fake_clock.advance(30)
    assert runtime.refresh_contracts(api) is None and api.calls == 1  # type: ignore[arg-type]
    assert runtime.refresh_contracts(api, True) is not None  # type: ignore[arg-type]
    assert api.calls == 2
    fake_clock.advance((next_boundary(fake_clock.now(), 10) - fake_clock.now()).total_seconds())
    runtime.tracker.clock_in(contract, "memo")  # at a boundary; clock-in asks for a refresh
    assert runtime.refresh_contracts(api, True) is not None  # type: ignore[arg-type]
    runtime.contract_refresh.max_age = timedelta(hours=1)  # only the boundary rule below
    api.items = [replace(contract, policy=Policy(segment_minutes=5))]  # the client changes it
    fake_clock.advance(9 * 60 - 1)  # 61 s before the segment ends: outside the window
    assert runtime.refresh_contracts(api) is None and api.calls == 3  # type: ignore[arg-type]
    fake_clock.advance(25)  # within one interval + 10 s of the boundary
    update = runtime.refresh_contracts(api)  # type: ignore[arg-type]
    assert update is not None and update.messages and api.calls == 4
    assert update.messages[0].startswith("The client changed the tracking policy")
    runtime.tracker.clock_out()
    runtime.close()
    store.close()
