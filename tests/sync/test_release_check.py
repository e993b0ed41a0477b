"""Update notices against a real server on loopback, and the below-minimum rule: finish,
upload, then refuse to clock in."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from workdiary.capture.base import InputCounts
from workdiary.capture.encode import encode_screenshot
from workdiary.core.clock import FakeClock
from workdiary.server.services.desktop_release import DesktopRelease, publish, withdraw
from workdiary.sync.api import ApiClient
from workdiary.sync.release import (
    ReleaseGate,
    ReleaseState,
    check_release,
    finish_below_minimum,
    notice_for,
)
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber
from workdiary.tracker.engine import Tracker

if TYPE_CHECKING:
    from tests.sync.conftest import Live

DOWNLOADS = {"windows": "https://example.com/setup.exe", "macos": "https://example.com/w.dmg",
             "linux": "https://example.com/workdiary.tar.gz"}


def server_dir(live: Live) -> Path:
    return live.server_db.parent


@pytest.mark.parametrize(("current", "state"), [
    ("0.3.0", ReleaseState.CURRENT), ("0.4.0.dev1", ReleaseState.CURRENT),
    ("0.2.9", ReleaseState.UPDATE_AVAILABLE), ("0.2.0", ReleaseState.UPDATE_AVAILABLE),
    ("0.1.9", ReleaseState.BELOW_MINIMUM), ("0.2.0rc1", ReleaseState.BELOW_MINIMUM),
])
def test_versions_compare_as_versions_not_strings(current: str, state: ReleaseState) -> None:
    release = {"latest": "0.3.0", "minimum": "0.2.0", "download_urls": DOWNLOADS}
    assert notice_for(current, release, "Windows").state is state


def test_the_notice_says_what_and_where_for_this_system() -> None:
    release = {"latest": "0.10.0", "minimum": None, "notes_url": "https://example.com/n",
               "download_urls": DOWNLOADS}
    notice = notice_for("0.9.0", release, "Darwin")
    assert notice.download_url == "https://example.com/w.dmg"
    assert notice.message == ("workdiary 0.10.0 is available (you have 0.9.0): download it from "
                              "https://example.com/w.dmg. What is new: https://example.com/n")
    linux = notice_for("0.9.0", release, "Linux")
    assert linux.download_url == "https://example.com/workdiary.tar.gz"
    bare = notice_for("0.9.0", {"latest": "0.10.0"}, "Windows")
    assert bare.download_url is None and "your usual download page" in bare.message
    with pytest.raises(ValueError):
        notice_for("0.9.0", {"latest": "soon"}, "Windows")
    with pytest.raises(ValueError):
        notice_for("0.9.0", {}, "Windows")


def test_the_update_notice_comes_from_the_real_server(live: Live) -> None:
    api = ApiClient(live.server_url)  # no token: the release is public
    assert check_release(api, "0.1.0", "Windows") is None  # nothing published
    publish(server_dir(live), DesktopRelease(latest="0.2.0", download_urls=DOWNLOADS))
    notice = check_release(api, "0.1.0", "Windows")
    assert notice is not None and notice.state is ReleaseState.UPDATE_AVAILABLE
    assert notice.download_url == "https://example.com/setup.exe"
    assert not notice.blocks_clock_in
    assert check_release(api, "0.2.0", "Windows").state is ReleaseState.CURRENT  # type: ignore[union-attr]


def test_offline_the_last_notice_stands(live: Live) -> None:
    gate = ReleaseGate("0.1.0", "Linux")
    publish(server_dir(live), DesktopRelease(latest="0.5.0", minimum="0.4.0"))
    assert gate.refresh(ApiClient(live.server_url)) is not None
    assert gate.refusal() is not None
    unreachable = ApiClient("http://127.0.0.1:9", timeout=(0.5, 0.5))  # discard port: refused
    assert gate.refresh(unreachable) is not None and gate.refusal() is not None
    withdraw(server_dir(live))  # the operator lifts the minimum by withdrawing the release
    assert gate.refresh(ApiClient(live.server_url)) is None and gate.refusal() is None


def test_below_minimum_the_app_finishes_uploads_and_refuses_to_clock_in(live: Live) -> None:
    assert isinstance(live.clock, FakeClock)
    contract = live.store.contract(live.contract_id)
    assert contract is not None
    executor = ThreadPoolExecutor(max_workers=1)
    keyboard = FakeInputCounter()
    tracker = Tracker(store=live.store, clock=live.clock, screen=FakeScreenGrabber(320, 180),
                      input_counter=keyboard, encode=encode_screenshot, executor=executor,
                      rng=random.Random(5), signer=live.signer())
    gate = ReleaseGate("0.1.0", "Windows")
    api = ApiClient(live.server_url)
    assert gate.refresh(api) is None and gate.refusal() is None  # nothing published: allowed
    tracker.clock_in(contract, "before the minimum rose")
    for _ in range(25 * 2):  # 25 minutes with input: two whole segments and an open one
        keyboard.feed(InputCounts(keys=4, moves=2, active_seconds=20,
                                  last_input_monotonic=live.clock.monotonic()))
        live.clock.advance(30)
        tracker.tick()

    publish(server_dir(live), DesktopRelease(latest="0.3.0", minimum="0.2.0",
                                             download_urls=DOWNLOADS))
    notice = gate.refresh(api)
    assert notice is not None and notice.state is ReleaseState.BELOW_MINIMUM
    outbox = live.outbox()
    reports = []
    message = finish_below_minimum(
        notice, clocked_in=tracker.clocked_in, clock_out=tracker.clock_out,
        upload=lambda: reports.append(outbox.run_once(flush=True)))
    executor.shutdown(wait=True)

    assert not tracker.clocked_in
    assert message == gate.refusal()
    assert message is not None and "older than the server accepts (at least 0.2.0)" in message
    assert "https://example.com/setup.exe" in message
    assert reports and reports[0].ok and live.store.pending_count() == 0
    stored = live.server_rows()
    assert len(stored) == 3  # the two closed segments and the one closed by finishing
    assert sum(row[3] for row in stored.values()) == 25  # every recorded minute arrived
    assert finish_below_minimum(notice_for("0.3.0", {"latest": "0.3.0"}), clocked_in=False,
                                clock_out=pytest.fail, upload=pytest.fail) is None
