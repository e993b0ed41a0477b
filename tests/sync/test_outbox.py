"""The outbox against a scripted API: order, grace, re-signing, quarantine, auth pause, purge.

Each test runs on the SQLite store and on its memory twin."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workdiary.core.canonical import segment_from_dict
from workdiary.core.clock import FakeClock
from workdiary.core.signing import public_key_of, signature_is_valid
from workdiary.store import LocalStore
from workdiary.store.protocols import DesktopStore
from workdiary.sync.api import AuthExpired, Rejected, Transient
from workdiary.sync.device import make_signer
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.sync.retry import RetryPolicy
from workdiary.sync.secrets import Account, MemorySecretStore
from workdiary.testing.devices import DeviceChain
from workdiary.testing.fake_api import FakeApi
from workdiary.testing.images import noisy_jpeg
from workdiary.testing.memory_store import MemoryStore
from workdiary.testing.recording import record_segment

START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday
ACCOUNT = Account("http://127.0.0.1:1", "fl@example.com")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> DesktopStore:
    """The real SQLite store, and its memory twin: the outbox works the same on both."""
    if request.param == "memory":
        return MemoryStore(clock)
    return LocalStore(tmp_path / "workdiary.sqlite3", clock)


@pytest.fixture
def secrets() -> MemorySecretStore:
    secrets = MemorySecretStore()
    secrets.put(ACCOUNT, "device-key", DeviceChain().private_key)  # logged in on this device
    return secrets


def make_outbox(store: DesktopStore, api: FakeApi, secrets: MemorySecretStore, clock: FakeClock,
                grace: float = 0.0, batch: int = 50) -> Outbox:
    config = OutboxConfig(grace_seconds=grace, batch_size=batch,
                          retry=RetryPolicy(attempts=3, base=0.01, cap=0.01))
    return Outbox(store, api, make_signer(secrets, ACCOUNT), clock, config,  # type: ignore[arg-type]
                  rng=random.Random(0))


def record(store: DesktopStore, clock: FakeClock, count: int, *, shots: bool = True,
           signer: Any = None) -> list[str]:
    ids = []
    rng = random.Random(1)
    for _n in range(count):
        jpeg = noisy_jpeg(rng, 5_000) if shots else None
        start = clock.now()
        clock.advance(600)  # the segment closes at its end, as when tracking
        seg = record_segment(store, "c1", start, 10, jpeg=jpeg, signer=signer)
        ids.append(seg.id)
    clock.advance(60)
    return ids


def test_uploads_screenshots_then_segments_in_seq_order_in_batches(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids = record(store, clock, 7)
    api = FakeApi()
    report = make_outbox(store, api, secrets, clock, batch=3).run_once()
    assert report.ok and [v.id for v in report.verdicts] == ids
    assert api.posts == [ids[0:3], ids[3:6], ids[6:7]]
    assert len(api.screenshots) == 7 == report.screenshots_uploaded
    # Each picture is sent as coming from the device that recorded (and signs) its segment.
    assert set(api.screenshot_devices.values()) == {store.device_id()}
    assert store.pending_count() == 0
    info = store.sync_info(ids[0])
    assert (info.sync_state, info.server_status, info.billable_seconds) == (
        "uploaded", "protected", 600)
    assert store.get_setting("last_sync_at") is not None


def test_unsigned_segments_are_signed_before_upload_and_valid(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids = record(store, clock, 2)
    store.set_memo(ids[1], "edited after close")  # clears the signature
    api = FakeApi()
    make_outbox(store, api, secrets, clock).run_once()
    public = public_key_of(secrets.private_key(ACCOUNT) or "")
    for segment_id in ids:
        uploaded = segment_from_dict(api.segments[segment_id])
        assert signature_is_valid(uploaded, public)
    assert api.segments[ids[1]]["memo"] == "edited after close"


def test_grace_period_holds_fresh_segments_back(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    record(store, clock, 1)  # closed 60 s ago
    api = FakeApi()
    outbox = make_outbox(store, api, secrets, clock, grace=120)
    assert outbox.run_once().verdicts == []
    clock.advance(61)
    assert len(outbox.run_once().verdicts) == 1


def test_a_refused_record_is_quarantined_and_the_rest_goes_on(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids = record(store, clock, 5, shots=False)
    api = FakeApi()
    api.refuse_ids = {ids[2]}
    report = make_outbox(store, api, secrets, clock).run_once()
    assert [q[0] for q in report.quarantined] == [ids[2]]
    assert "invalid_segment" in report.quarantined[0][1]
    assert sorted(api.segments) == sorted(ids[:2] + ids[3:])
    info = store.sync_info(ids[2])
    assert info.sync_state == "quarantined" and "malformed" in (info.quarantine_reason or "")
    assert make_outbox(store, api, secrets, clock).run_once().verdicts == []  # not retried


def test_transient_failures_are_retried_then_left_queued(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids = record(store, clock, 2, shots=False)
    api = FakeApi()
    api.fail["post"] = [Transient("down"), Transient("down")]
    report = make_outbox(store, api, secrets, clock).run_once()
    assert report.ok and len(api.segments) == 2  # third attempt went through
    more = record(store, clock, 1, shots=False)
    api.fail["post"] = [Transient("down")] * 3
    report = make_outbox(store, api, secrets, clock).run_once()
    assert report.error is not None and "retried" in report.error
    assert store.sync_info(more[0]).sync_state == "pending"
    assert ids[0] in api.segments


class DownAfterOnePicture(FakeApi):
    """The server takes one screenshot, then stays unreachable."""

    def put_screenshot(self, sha256: str, body: bytes, device_id: str | None = None) -> None:
        if self.screenshots:
            raise Transient("down")
        super().put_screenshot(sha256, body, device_id)


def test_a_pass_stopped_midway_keeps_the_marks_of_the_pictures_sent(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids = record(store, clock, 3)
    flaky = DownAfterOnePicture()
    report = make_outbox(store, flaky, secrets, clock).run_once()
    assert report.error is not None and flaky.segments == {}
    (sent,) = flaky.screenshots
    assert store.screenshot_uploaded(sent)  # marked although the pass ended early
    api = FakeApi()
    report = make_outbox(store, api, secrets, clock).run_once()
    assert report.ok and sent not in api.screenshots and len(api.screenshots) == 2
    assert sorted(api.segments) == sorted(ids) and store.pending_count() == 0


def test_expired_login_pauses_and_loses_nothing(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids = record(store, clock, 3, shots=False)
    api = FakeApi()
    api.fail["post"] = [AuthExpired("401")]
    outbox = make_outbox(store, api, secrets, clock)
    report = outbox.run_once()
    assert report.paused is not None and "workdiary login" in report.paused
    assert store.get_setting("auth_state") == "expired"
    assert outbox.run_once().paused is not None  # stays paused, no requests
    assert store.pending_count() == 3
    store.set_setting("auth_state", "ok")  # what `workdiary login` does
    assert [v.id for v in outbox.run_once().verdicts] == ids


def uploaded_then_deleted(store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore
                          ) -> tuple[list[str], FakeApi, Outbox]:
    """Two segments uploaded, then the first deleted locally: its deletion is still to send."""
    ids = record(store, clock, 2, shots=False)
    api = FakeApi()
    outbox = make_outbox(store, api, secrets, clock)
    outbox.run_once()
    store.delete_segment(ids[0])
    return ids, api, outbox


def test_deleted_after_upload_sends_delete_and_tombstones_upload(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids, api, outbox = uploaded_then_deleted(store, clock, secrets)
    report = outbox.run_once()
    assert report.deleted == [ids[0]] and api.deleted == [ids[0]]
    assert store.pending_count() == 0
    more = record(store, clock, 1, shots=False)
    store.delete_segment(more[0])  # never uploaded: its signed tombstone goes instead
    outbox.run_once()
    assert api.segments[more[0]]["kind"] == "tombstone" and api.segments[more[0]]["signature"]


def test_a_present_signature_is_never_replaced(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids = record(store, clock, 1, shots=False, signer=make_signer(secrets, ACCOUNT))
    store.set_signature(ids[0], "AAAA")  # tampered: the server must see the bad signature
    api = FakeApi()
    make_outbox(store, api, secrets, clock).run_once()
    assert api.segments[ids[0]]["signature"] == "AAAA"


def test_screenshots_are_purged_days_after_acceptance(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    record(store, clock, 2)
    api = FakeApi()
    outbox = make_outbox(store, api, secrets, clock)
    assert outbox.run_once().purged == 0
    sha = next(iter(api.screenshots))
    assert store.screenshot_path(sha) is not None
    clock.advance(8 * 86400)
    assert outbox.run_once().purged == 2
    assert store.screenshot_path(sha) is None


def test_a_refused_screenshot_does_not_block_its_segment(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids = record(store, clock, 1)
    api = FakeApi()
    api.fail["put"] = [Rejected(422, "undecodable", "not a JPEG")]
    report = make_outbox(store, api, secrets, clock).run_once()
    assert report.screenshot_problems and "undecodable" in report.screenshot_problems[0][1]
    assert [v.id for v in report.verdicts] == ids


@pytest.mark.parametrize("status", [403, 404, 405])
def test_a_refusal_of_the_whole_upload_quarantines_nothing(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore, status: int) -> None:
    ids = record(store, clock, 3, shots=False)
    api = FakeApi()
    api.fail["post"] = [Rejected(status, f"http_{status}", "no")] * 10
    report = make_outbox(store, api, secrets, clock).run_once()
    assert report.refused is not None and "stays queued" in report.refused
    assert not report.offline and not report.ok  # the server answered: not "offline"
    assert report.quarantined == []
    assert all(store.sync_info(i).sync_state == "pending" for i in ids)
    assert make_outbox(store, FakeApi(), secrets, clock).run_once().ok


def test_a_screenshot_refused_for_the_account_stops_the_pass(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    record(store, clock, 1)
    api = FakeApi()
    api.fail["put"] = [Rejected(403, "forbidden", "not yours")]
    report = make_outbox(store, api, secrets, clock).run_once()
    assert report.refused is not None and report.verdicts == [] and store.pending_count() == 1


def test_a_deletion_refused_for_good_is_asked_once_and_shown(
        store: DesktopStore, clock: FakeClock, secrets: MemorySecretStore) -> None:
    ids, api, outbox = uploaded_then_deleted(store, clock, secrets)
    api.fail["delete"] = [Rejected(409, "week_locked", "the week of this segment is locked")]
    report = outbox.run_once()
    assert report.quarantined == [(ids[0], "delete refused: week_locked")]
    info = store.sync_info(ids[0])
    assert info.sync_state == "quarantined" and not info.delete_pending
    assert info.quarantine_reason is not None and "locked" in info.quarantine_reason
    again = outbox.run_once()  # not asked again
    assert again.quarantined == [] and api.deleted == []
