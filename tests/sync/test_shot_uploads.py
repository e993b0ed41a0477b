"""Screenshot PUTs a few at a time (``sync/shotuploads.py``), through the outbox, against a
scripted API that is slow enough for requests to overlap. Each test runs on the SQLite store
and on its memory twin. The real client and server are in test_live_sync (an offline week,
an injected-fault network) and benchmarks/bench_sync.py."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workdiary.core.clock import FakeClock
from workdiary.store import LocalStore
from workdiary.store.protocols import DesktopStore
from workdiary.sync.api import Rejected, Transient
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.sync.retry import RetryPolicy
from workdiary.testing.devices import DeviceChain
from workdiary.testing.fake_api import FakeApi
from workdiary.testing.images import noisy_jpeg
from workdiary.testing.memory_store import MemoryStore
from workdiary.testing.recording import record_segment

START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


class SlowApi(FakeApi):
    """Each PUT takes ``seconds``; keeps the order of events and how many PUTs overlapped.

    ``fail_shas``: the PUT of these pictures raises the exception given (every try), after
    ``fail_seconds`` (default: ``seconds``)."""

    def __init__(self, seconds: float = 0.02, fail_seconds: float | None = None) -> None:
        super().__init__()
        self.seconds = seconds
        self.fail_seconds = seconds if fail_seconds is None else fail_seconds
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.events: list[tuple[str, str]] = []  # ("put" | "post", sha or first segment id)
        self.tries: dict[str, int] = {}
        self.fail_shas: dict[str, Exception] = {}
        self.siblings = 0
        self.posted_after: dict[str, set[str]] = {}  # first id of a batch -> pictures up
        self.posts_in_flight_puts: list[int] = []  # PUTs in flight as each POST began

    def sibling(self) -> FakeApi:
        with self.lock:
            self.siblings += 1
        return self

    def put_screenshot(self, sha256: str, body: bytes, device_id: str | None = None) -> None:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.tries[sha256] = self.tries.get(sha256, 0) + 1
        try:
            if sha256 in self.fail_shas:
                time.sleep(self.fail_seconds)
                raise self.fail_shas[sha256]
            time.sleep(self.seconds)
            with self.lock:
                super().put_screenshot(sha256, body, device_id)
                self.events.append(("put", sha256))
        finally:
            with self.lock:
                self.in_flight -= 1

    def post_segments(self, segments):  # type: ignore[no-untyped-def]
        with self.lock:
            self.events.append(("post", segments[0]["id"]))
            self.posted_after[segments[0]["id"]] = set(self.screenshots)
            self.posts_in_flight_puts.append(self.in_flight)
        time.sleep(self.seconds)
        return super().post_segments(segments)


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> DesktopStore:
    clock = FakeClock(START)
    if request.param == "memory":
        return MemoryStore(clock)
    return LocalStore(tmp_path / "workdiary.sqlite3", clock)


def record(store: DesktopStore, count: int) -> list[tuple[str, str]]:
    """``count`` closed, signed segments of one picture each: [(segment id, picture sha)]."""
    clock = FakeClock(START)
    device = DeviceChain(device_id=store.device_id())
    rng = random.Random(3)
    made = []
    for _ in range(count):
        segment = record_segment(store, "c1", clock.now(), 10, jpeg=noisy_jpeg(rng, 3_000),
                                 signer=device.sign, clock=clock)
        made.append((segment.id, segment.screenshots[0].sha256 or ""))
    return made


def outbox(store: DesktopStore, api: FakeApi, *, connections: int = 3, batch: int = 50,
           attempts: int = 3) -> Outbox:
    clock = FakeClock(datetime(2026, 11, 30, tzinfo=UTC))  # everything recorded is due
    config = OutboxConfig(grace_seconds=0, batch_size=batch, upload_connections=connections,
                          retry=RetryPolicy(attempts=attempts, base=0.01, cap=0.01))
    return Outbox(store, api, None, clock, config,  # type: ignore[arg-type]
                  rng=random.Random(0))


def test_pictures_overlap_and_each_batch_follows_its_own(store: DesktopStore) -> None:
    made = record(store, 12)
    api = SlowApi()
    report = outbox(store, api, batch=4).run_once()
    assert report.ok and report.screenshots_uploaded == 12 and len(report.verdicts) == 12
    assert 1 < api.most_in_flight <= 3  # bounded by the connections
    assert api.siblings == 3  # opened once for the pass, not per batch
    assert api.posts == [[i for i, _ in made[n:n + 4]] for n in (0, 4, 8)]  # in order
    for n in (0, 4, 8):  # each batch is posted after all its pictures are up
        assert {sha for _, sha in made[n:n + 4]} <= api.posted_after[made[n][0]]
    # The next batch's pictures go up while a batch is posted; after the last, none.
    assert api.posts_in_flight_puts[-1] == 0 and max(api.posts_in_flight_puts) > 0
    assert all(store.screenshot_uploaded(sha) for _, sha in made)
    assert all(tries == 1 for tries in api.tries.values())


def test_one_connection_sends_one_at_a_time(store: DesktopStore) -> None:
    made = record(store, 4)
    api = SlowApi()
    assert outbox(store, api, connections=1).run_once().ok
    assert api.most_in_flight == 1 and api.siblings == 0
    assert [sha for kind, sha in api.events if kind == "put"] == [sha for _, sha in made]


def test_a_pass_with_one_picture_opens_no_other_connection(store: DesktopStore) -> None:
    record(store, 1)
    api = SlowApi()
    assert outbox(store, api).run_once().ok
    assert api.siblings == 0 and api.most_in_flight == 1


def test_a_server_that_is_down_is_asked_as_often_as_before(store: DesktopStore) -> None:
    """The first picture goes alone: its retries end the pass, no other picture is tried."""
    made = record(store, 6)
    api = SlowApi(seconds=0)
    api.fail_shas = {sha: Transient("down") for _, sha in made}
    report = outbox(store, api, attempts=3).run_once()
    assert report.error is not None and "stays queued" in report.error
    assert api.tries == {made[0][1]: 3} and api.siblings == 0
    assert store.pending_count() == 6


def test_a_failure_in_flight_ends_the_pass_and_keeps_what_went(store: DesktopStore) -> None:
    made = record(store, 12)
    # Picture 3 fails its three tries in ~20 ms (the retry waits) while pictures 1 and 2 take
    # 100 ms each: the failure ends the pass with them in flight. Were pictures still started
    # after it, the other two connections would send all of 4-11. (With equal times, a loaded
    # machine let them send nearly all before the third try failed.)
    api = SlowApi(seconds=0.1, fail_seconds=0)
    api.fail_shas = {made[3][1]: Transient("down")}
    report = outbox(store, api, attempts=3).run_once()
    assert report.error is not None and api.posts == []
    assert api.tries[made[3][1]] == 3
    sent = set(api.screenshots)
    assert made[0][1] in sent and made[3][1] not in sent
    assert len(sent) < 11  # no new picture starts once one failed for good
    # Those that went are marked (not sent again), the rest stays queued.
    assert all(store.screenshot_uploaded(sha) == (sha in sent) for _, sha in made)
    assert store.pending_count() == 12
    again = SlowApi()
    assert outbox(store, again).run_once().ok
    assert set(again.screenshots) == {sha for _, sha in made} - sent
    assert store.pending_count() == 0


def test_a_post_that_fails_while_pictures_go_up_keeps_their_marks(store: DesktopStore) -> None:
    made = record(store, 8)
    api = SlowApi()
    api.fail["post"] = [Transient("down")] * 3  # every try of the first batch's POST
    report = outbox(store, api, batch=4, attempts=3).run_once()
    assert report.error is not None and "stays queued" in report.error
    assert api.posts == [] and store.pending_count() == 8
    sent = set(api.screenshots)
    assert {sha for _, sha in made[:4]} <= sent  # all of the first batch's, before its POST
    assert all(store.screenshot_uploaded(sha) == (sha in sent) for _, sha in made)
    again = SlowApi()
    assert outbox(store, again, batch=4).run_once().ok
    assert set(again.screenshots) == {sha for _, sha in made} - sent
    assert [len(batch) for batch in again.posts] == [4, 4] and store.pending_count() == 0


def test_a_picture_refused_for_itself_does_not_stop_the_others(store: DesktopStore) -> None:
    made = record(store, 6)
    api = SlowApi()
    api.fail_shas = {made[2][1]: Rejected(422, "not_an_image", "cannot be decoded")}
    report = outbox(store, api).run_once()
    assert report.ok and len(report.verdicts) == 6 and report.screenshots_uploaded == 5
    assert report.screenshot_problems == [(made[2][1], "not_an_image: cannot be decoded")]
    assert api.tries[made[2][1]] == 1  # a refusal is final: not retried


def test_a_refusal_for_the_account_in_flight_refuses_the_pass(store: DesktopStore) -> None:
    made = record(store, 6)
    api = SlowApi()
    api.fail_shas = {made[4][1]: Rejected(403, "forbidden", "not yours")}
    report = outbox(store, api).run_once()
    assert report.refused is not None and "403 forbidden" in report.refused
    assert report.quarantined == [] and api.posts == [] and store.pending_count() == 6


def test_a_stop_during_retries_ends_the_pass_at_once(store: DesktopStore) -> None:
    made = record(store, 6)
    api = SlowApi()
    api.fail_shas = {sha: Transient("down") for _, sha in made[2:]}
    box = outbox(store, api, attempts=5)
    box.config = OutboxConfig(grace_seconds=0, upload_connections=3,
                              retry=RetryPolicy(attempts=5, base=30.0, cap=30.0))
    threading.Timer(0.5, box.stop_event.set).start()
    started = time.monotonic()
    report = box.run_once()
    assert time.monotonic() - started < 5  # not the 30 s backoff
    assert report.error is not None and "stopped" in report.error
    assert store.pending_count() == 6


@pytest.mark.parametrize("connections", [0, 9])
def test_the_number_of_connections_is_bounded(connections: int) -> None:
    with pytest.raises(ValueError, match="1-8"):
        OutboxConfig(upload_connections=connections)
