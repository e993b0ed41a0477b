"""Portable evidence: a real week's bundle from the server, checked by the real
`workdiary verify`, and the same bundle tampered with four ways, each caught with its reason.

The week: freelancer A's device records four segments on contract A (real stamped JPEGs,
uploaded and bound), one on contract AB in between (so contract A's chain continues from an
anchor outside the bundle), edits a memo, deletes one segment, leaves one without a memo; the
week is then locked and invoiced, and the client disputes one segment.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World
from sqlalchemy.orm import Session

from tests.server.web.livesite import serve
from workdiary.core.evidence import MANIFEST, MANIFEST_SIG, entry_for, parse_manifest
from workdiary.core.signing import generate_private_key, key_id, public_key_of, sign_bytes
from workdiary.server.services.weeks import close_weeks
from workdiary.sync.serverkeys import PinnedKey, pins_path, save_pin
from workdiary.testing.images import make_jpeg

WEEK = "2026-11-16"
NINE = NOW.replace(hour=9, minute=0)
LOCK = datetime(2026, 11, 23, 12, 0, 1, tzinfo=UTC)


@dataclass
class Week:
    ids: list[str]  # contract A's segments, oldest first
    kept: str  # the segment whose screenshot the tests swap
    shot: str  # its screenshot's SHA-256
    deleted: str
    disputed: str


def record_week(api: TestClient, world: World, session: Session, clock) -> Week:
    device, headers = world.device, world.freelancer_a.headers
    a = [device.segment(world.contract_a, NINE + timedelta(minutes=10 * i)) for i in range(3)]
    ab = device.segment(world.contract_ab, NINE + timedelta(minutes=30))
    a += [device.segment(world.contract_a, NINE + timedelta(minutes=40)),
          device.segment(world.contract_a, NINE + timedelta(minutes=50), memo="")]
    upload = api.post("/segments", headers=headers,
                      json={"segments": [wire(s) for s in [*a[:3], ab, *a[3:]]]})
    assert upload.status_code == 200, upload.text
    statuses = [v["status"] for v in upload.json()["segments"]]
    assert statuses == ["protected"] * 5 + ["unprotected"], upload.text
    edited = device.sign(replace(a[1], memo="a better memo"))
    assert api.put(f"/segments/{a[1].id}", headers=headers,
                   json=wire(edited)).status_code == 200
    assert api.delete(f"/segments/{a[3].id}", headers=headers).status_code == 204
    clock.advance((LOCK - NOW).total_seconds())
    close_weeks(session, LOCK)
    dispute = api.post(f"/contracts/{world.contract_a}/disputes",
                       headers=world.client_a.headers,
                       json={"segment_ids": [a[0].id], "reason": "not my work"})
    assert dispute.status_code == 201, dispute.text
    shot = a[1].screenshots[0].sha256
    assert shot is not None
    return Week([s.id for s in a], a[1].id, shot, a[3].id, a[0].id)


def download(api: TestClient, world: World, tmp_path: Path, name: str = "bundle.zip",
             **params: str) -> Path:
    response = api.get(f"/contracts/{world.contract_a}/weeks/{WEEK}/evidence",
                       headers=world.client_a.headers, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def verify(bundle: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workdiary", "verify", str(bundle), *args],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


def rewrite(bundle: Path, target: Path, *, drop: str = "", change: dict[str, bytes] | None = None
            ) -> Path:
    """A copy of the zip with one member left out or replaced."""
    change = change or {}
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            if info.filename != drop:
                out.writestr(info.filename, change.get(info.filename, src.read(info)))
    return target


def member(bundle: Path, name: str) -> bytes:
    with zipfile.ZipFile(bundle) as archive:
        return archive.read(name)


@pytest.fixture
def week(api: TestClient, world: World, session: Session, clock) -> Week:
    return record_week(api, world, session, clock)


@pytest.fixture
def server_key(api: TestClient) -> str:
    answer = api.get("/server-key")
    assert answer.status_code == 200
    body = answer.json()
    assert body["algorithm"] == "Ed25519" and body["key_id"] == key_id(body["public_key"])
    return str(body["public_key"])


def test_a_real_bundle_verifies(api: TestClient, world: World, week: Week, server_key: str,
                                tmp_path: Path) -> None:
    bundle = download(api, world, tmp_path)
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
    assert {MANIFEST, MANIFEST_SIG, "contract.json", "devices.json", "chain.json",
            "screenshots.json", "verdicts.json", "invoice.json", "README.txt",
            f"tombstones/{week.deleted}.json", f"screenshots/{week.shot}.jpg"} <= names
    assert {f"segments/{i}.json" for i in week.ids if i != week.deleted} <= names
    # The memo edit is the record in the bundle, exactly as the device re-signed it.
    assert json.loads(member(bundle, f"segments/{week.kept}.json"))["memo"] == "a better memo"
    result = verify(bundle, "--server-key", server_key)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(week.kept in line and "protected" in line and line.endswith("OK")
               for line in lines), result.stdout
    assert any(week.ids[4] in line and "unprotected (no_memo)" in line for line in lines)
    assert any(week.deleted in line and "rejected (deleted)" in line for line in lines)
    invoice = json.loads(member(bundle, "invoice.json"))
    assert invoice["invoiced"] is True and invoice["disputed_segment_ids"] == [week.disputed]
    assert ("Invoice: invoiced: 0:40:00 billed, 0:10:00 disputed, at 30.00 USD/h: 15.00 USD"
            in result.stdout), result.stdout
    assert lines[-1].startswith("Result: OK, 5 segment(s) checked")
    # The key as `curl .../server-key > key.json` saves it.
    saved = tmp_path / "key.json"
    saved.write_text(api.get("/server-key").text)
    report = json.loads(verify(bundle, "--server-key", str(saved), "--json").stdout)
    assert report["ok"] is True and report["key_pinned"] is True
    assert [s["status"] for s in report["segments"]] == [
        "protected", "protected", "protected", "rejected", "unprotected"]


def test_a_changed_memo_byte_fails(api: TestClient, world: World, week: Week, server_key: str,
                                   tmp_path: Path) -> None:
    bundle = download(api, world, tmp_path)
    path = f"segments/{week.kept}.json"
    changed = member(bundle, path).replace(b"a better memo", b"a better memO")
    result = verify(rewrite(bundle, tmp_path / "memo.zip", change={path: changed}),
                    "--server-key", server_key)
    assert result.returncode == 1, result.stdout
    assert f"{path} does not match its SHA-256 in the manifest" in result.stdout
    line = next(line for line in result.stdout.splitlines() if line.startswith("2026")
                and week.kept in line)
    assert "MISMATCH: the device's signature does not match the record (bad_signature)" in line


def test_a_swapped_screenshot_fails(api: TestClient, world: World, week: Week,
                                    server_key: str, tmp_path: Path) -> None:
    bundle = download(api, world, tmp_path)
    path = f"screenshots/{week.shot}.jpg"
    result = verify(rewrite(bundle, tmp_path / "shot.zip", change={path: make_jpeg(seed=77)}),
                    "--server-key", server_key)
    assert result.returncode == 1, result.stdout
    assert (f"screenshot {week.shot} of segment {week.kept} does not match its hash"
            in result.stdout)


def test_a_removed_segment_fails(api: TestClient, world: World, week: Week, server_key: str,
                                 tmp_path: Path) -> None:
    bundle = download(api, world, tmp_path)
    # The second segment: the third one's chain points at it.
    result = verify(rewrite(bundle, tmp_path / "gap.zip", drop=f"segments/{week.ids[1]}.json"),
                    "--server-key", server_key)
    assert result.returncode == 1, result.stdout
    assert (f"chain broken after segment {week.ids[0]}: segment {week.ids[1]} is missing"
            in result.stdout)
    assert f"segments/{week.ids[1]}.json is listed in the manifest but missing" in result.stdout


def forge(bundle: Path, target: Path, **manifest_changes: object) -> tuple[Path, str]:
    """A copy whose manifest is re-signed by a new key that it names; and that key."""
    other = generate_private_key()
    manifest = json.loads(member(bundle, MANIFEST))
    manifest["server_key"] = {"algorithm": "Ed25519", "public_key": public_key_of(other),
                              "key_id": key_id(public_key_of(other))}
    manifest.update(manifest_changes)
    data = (json.dumps(manifest, sort_keys=True, indent=1) + "\n").encode()
    forged = rewrite(bundle, target, change={
        MANIFEST: data, MANIFEST_SIG: sign_bytes(data, other).encode()})
    return forged, public_key_of(other)


def signed_by_another(server_key: str, other: str) -> str:
    return (f"manifest is not signed by the server key {key_id(server_key)}: it is signed by "
            f"another key ({key_id(other)})")


def test_a_manifest_signed_by_another_key_fails(api: TestClient, world: World, week: Week,
                                                server_key: str, tmp_path: Path) -> None:
    bundle = download(api, world, tmp_path)
    forged, other = forge(bundle, tmp_path / "forged.zip")
    result = verify(forged, "--server-key", server_key)
    assert result.returncode == 1, result.stdout
    assert signed_by_another(server_key, other) in result.stdout
    # No key at hand (the test client's http://testserver is neither pinned nor fetchable):
    # the manifest is checked against the key it names, and exit code 3 says it proves
    # nothing about who made the bundle.
    unpinned = verify(forged)
    assert unpinned.returncode == 3, unpinned.stdout + unpinned.stderr
    assert "key NOT pinned" in unpinned.stdout
    assert "the bundle names the server http://testserver, which is not an https" in (
        unpinned.stdout)
    assert "NOT proven: who made it" in unpinned.stdout


def test_a_bundle_with_screenshot_hashes_only(api: TestClient, world: World, week: Week,
                                              server_key: str, tmp_path: Path) -> None:
    bundle = download(api, world, tmp_path, "hashes.zip", screenshots="hashes")
    with zipfile.ZipFile(bundle) as archive:
        assert not [n for n in archive.namelist() if n.startswith("screenshots/")]
    assert parse_manifest(member(bundle, MANIFEST)).screenshots == "hashes"
    result = verify(bundle, "--server-key", server_key)
    assert result.returncode == 0, result.stdout
    assert "screenshots are not included (?screenshots=hashes)" in result.stdout


def test_an_unreadable_file_exits_2(tmp_path: Path, server_key: str) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    result = verify(junk, "--server-key", server_key)
    assert result.returncode == 2
    assert "is not a readable zip" in result.stderr and "Traceback" not in result.stderr
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = verify(empty)
    assert result.returncode == 2 and "it has no manifest.json" in result.stderr
    assert verify(empty, "--server-key", "nope").returncode == 2


def test_week_bounds_and_strangers(api: TestClient, world: World) -> None:
    url = f"/contracts/{world.contract_a}/weeks/{{}}/evidence"
    headers = world.freelancer_a.headers
    assert api.get(url.format("2026-11-17"), headers=headers).json()["error"]["code"] == \
        "not_a_week_start"
    assert api.get(url.format("2100-01-04"), headers=headers).status_code == 422
    assert api.get(url.format(WEEK), headers=headers, params={"screenshots": "all"}
                   ).status_code == 422
    assert api.get(url.format(WEEK), headers=world.client_b.headers).status_code == 404
    # An empty week is a valid (small) bundle.
    empty = api.get(url.format("2026-11-09"), headers=headers)
    assert empty.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(empty.content)).namelist()
    assert not [n for n in names if n.startswith("segments/")]


def test_the_bundle_is_the_servers_record(api: TestClient, world: World, week: Week,
                                          tmp_path: Path) -> None:
    """Every file's hash in the manifest, and the signed records are the stored bytes."""
    bundle = download(api, world, tmp_path)
    manifest = parse_manifest(member(bundle, MANIFEST))
    for entry in manifest.files:
        assert hashlib.sha256(member(bundle, entry.path)).hexdigest() == entry.sha256
    assert manifest.contract_id == world.contract_a and manifest.week_start == WEEK


def test_a_bundle_streams_its_screenshots_from_s3(seaweedfs, s3_bucket: str, clock,
                                                  tmp_path: Path) -> None:
    """The same bundle when the screenshots live in S3 (SeaweedFS on loopback)."""
    from server_factories import device_uploader
    from server_world import make_person

    from workdiary.server.app import create_app
    from workdiary.server.blobs_s3 import S3BlobStore
    from workdiary.server.services import contracts
    from workdiary.server.settings import Settings, StorageSettings
    from workdiary.testing.devices import DeviceChain

    store = S3BlobStore.from_url(f"s3://{s3_bucket}/x", environ=seaweedfs.environ())
    storage = StorageSettings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                              data_dir=tmp_path / "srv", blob_url=f"s3://{s3_bucket}/x")
    app = create_app(Settings(storage=storage, demo=True, close_weeks_interval=0,
                              mail_interval=0), clock=clock, blobs=store)
    with TestClient(app, base_url="http://testserver/api/v1") as api, \
            app.state.sessionmaker() as session:
        client = make_person(session, "c@x.io", "client")
        freelancer = make_person(session, "f@x.io", "freelancer")
        contract = contracts.create_contract(session, client_email=client.email,
                                             freelancer_email=freelancer.email, title="S3",
                                             rate_cents=6000, now=NOW)
        device = DeviceChain()
        assert api.post("/devices", headers=freelancer.headers, json={
            "name": "laptop", "public_key": device.public_key,
            "device_id": device.device_id}).status_code == 201
        device.uploader = device_uploader(api, freelancer.headers, device)
        segments = [device.segment(contract.id, NINE + timedelta(minutes=10 * i))
                    for i in range(2)]
        assert api.post("/segments", headers=freelancer.headers,
                        json={"segments": [wire(s) for s in segments]}).status_code == 200
        response = api.get(f"/contracts/{contract.id}/weeks/{WEEK}/evidence",
                           headers=client.headers)
        assert response.status_code == 200, response.text
        key = api.get("/server-key").json()["public_key"]
    app.state.engine.dispose()
    bundle = tmp_path / "s3.zip"
    bundle.write_bytes(response.content)
    shots = [s.screenshots[0].sha256 for s in segments]
    assert all(member(bundle, f"screenshots/{sha}.jpg") == store.get(str(sha)) for sha in shots)
    result = verify(bundle, "--server-key", key)
    assert result.returncode == 0, result.stdout
    assert "Invoice: not invoiced yet (live figures): 0:20:00 billed" in result.stdout


def test_a_false_verdict_signed_by_the_server_itself_fails(api: TestClient, world: World,
                                                           week: Week, server_key: str, app,
                                                           tmp_path: Path) -> None:
    """The verdicts are recomputed, not believed: a bundle the server signed that calls the
    memo-less segment protected (and bills a deleted one) is caught."""
    bundle = download(api, world, tmp_path)
    verdicts = json.loads(member(bundle, "verdicts.json"))
    for item in verdicts["segments"]:
        if item["id"] == week.ids[4]:
            item.update(status="protected", reasons=[])
    changed = {"verdicts.json": (json.dumps(verdicts, indent=1) + "\n").encode()}
    invoice = json.loads(member(bundle, "invoice.json"))
    invoice["billable_seconds"] += 600
    changed["invoice.json"] = json.dumps(invoice).encode()
    old = parse_manifest(member(bundle, MANIFEST))
    entries = tuple(entry_for(e.path, changed[e.path]) if e.path in changed else e
                    for e in old.files)
    data = replace(old, files=entries).to_bytes()
    changed[MANIFEST] = data
    changed[MANIFEST_SIG] = app.state.server_key.sign(data).encode()
    result = verify(rewrite(bundle, tmp_path / "lie.zip", change=changed),
                    "--server-key", server_key)
    assert result.returncode == 1, result.stdout
    line = next(line for line in result.stdout.splitlines() if week.ids[4] in line)
    assert ("MISMATCH: the bundle shows no_memo, the server's verdict does not. the server "
            "says protected, the bundle shows unprotected." in line)
    assert "the invoice says 3000 s billed, 600 s disputed" in result.stdout


def test_an_image_the_server_lost_is_said_not_hidden(api: TestClient, world: World, week: Week,
                                                     server_key: str, app,
                                                     tmp_path: Path) -> None:
    app.state.blobs.delete(week.shot)
    bundle = download(api, world, tmp_path)
    listed = json.loads(member(bundle, "screenshots.json"))["screenshots"]
    assert [s["file"] for s in listed if s["sha256"] == week.shot] == [None]
    result = verify(bundle, "--server-key", server_key)
    assert result.returncode == 0, result.stdout
    assert (f"note: screenshot {week.shot} is not in the bundle (the server no longer holds "
            "its image)" in result.stdout)


def test_malformed_parts_are_sentences_not_tracebacks(api: TestClient, world: World,
                                                      week: Week, server_key: str,
                                                      tmp_path: Path) -> None:
    bundle = download(api, world, tmp_path)
    garbage = {"verdicts.json": b'{"segments": [{"id": 1}]}', "invoice.json": b"[]",
               "devices.json": b"not json"}
    result = verify(rewrite(bundle, tmp_path / "bad.zip", change=garbage),
                    "--server-key", server_key)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "devices.json is not valid JSON" in result.stdout
    twice = tmp_path / "twice.zip"
    rewrite(bundle, twice)
    with zipfile.ZipFile(twice, "a") as archive, pytest.warns(UserWarning):
        archive.writestr("verdicts.json", b"{}")  # a second member of that name
    result = verify(twice, "--server-key", server_key)
    assert result.returncode == 2 and "two members of one name" in result.stderr


def test_a_chain_across_contracts_and_a_signed_deletion(api: TestClient, world: World,
                                                        server_key: str,
                                                        tmp_path: Path) -> None:
    """Contract AB's bundle: its first record follows one of contract A (an anchor from
    chain.json), and the device deleted its second with a signed tombstone."""
    device, headers = world.device, world.freelancer_a.headers
    first_a = device.segment(world.contract_a, NINE)
    ab = [device.segment(world.contract_ab, NINE + timedelta(minutes=10 * i)) for i in (1, 2)]
    assert api.post("/segments", headers=headers, json={
        "segments": [wire(s) for s in [first_a, *ab]]}).status_code == 200
    gone = api.post("/segments", headers=headers,
                    json={"segments": [wire(device.tombstone(ab[1]))]})
    assert gone.json()["segments"][0]["reasons"] == ["deleted"], gone.text
    response = api.get(f"/contracts/{world.contract_ab}/weeks/{WEEK}/evidence",
                       headers=world.client_b.headers)
    assert response.status_code == 200
    bundle = tmp_path / "ab.zip"
    bundle.write_bytes(response.content)
    anchors = json.loads(member(bundle, "chain.json"))["anchors"]
    assert [(a["device_id"], a["seq"]) for a in anchors] == [(device.device_id, 1)]
    assert f"segments/{first_a.id}.json" not in zipfile.ZipFile(bundle).namelist()
    result = verify(bundle, "--server-key", server_key)
    assert result.returncode == 0, result.stdout
    assert "deleted by the freelancer's device (signed tombstone)" in result.stdout
    # The anchor is what links the chain: without it the first record's link is broken.
    chain = json.dumps({"anchors": []}).encode()
    broken = verify(rewrite(bundle, tmp_path / "noanchor.zip", change={"chain.json": chain}),
                    "--server-key", server_key)
    assert broken.returncode == 1
    assert (f"chain broken before segment {ab[0].id}: the record with seq 1 of device "
            f"{device.device_id} is missing" in broken.stdout)


def test_an_overlap_with_another_contract_is_attested(api: TestClient, world: World,
                                                      server_key: str, tmp_path: Path) -> None:
    """Contract A's bundle holds a segment refused for overlapping time on contract AB, which
    the bundle does not hold: the check takes the server's word for the overlap, and says so."""
    device, headers = world.device, world.freelancer_a.headers
    on_ab = device.segment(world.contract_ab, NINE)
    on_a = device.segment(world.contract_a, NINE)
    later = device.segment(world.contract_a, NINE + timedelta(minutes=10))
    verdicts = api.post("/segments", headers=headers,
                        json={"segments": [wire(s) for s in (on_ab, on_a, later)]}).json()
    assert [v["reasons"] for v in verdicts["segments"]][1] == ["overlap"], verdicts
    result = verify(download(api, world, tmp_path), "--server-key", server_key, "--json")
    assert result.returncode == 0, result.stdout
    checked = {s["id"]: s for s in json.loads(result.stdout)["segments"]}
    assert checked[on_a.id]["reasons"] == ["overlap"]
    assert any("attested by the server" in note for note in checked[on_a.id]["notes"])
    assert checked[later.id]["status"] == "protected"  # the refused time blocks nothing


def test_the_weekly_limit_cut_is_recomputed(api: TestClient, world: World, session: Session,
                                            server_key: str, tmp_path: Path) -> None:
    from server_factories import set_weekly_limit

    set_weekly_limit(session, world.contract_a, 15)
    device = world.device
    segments = [device.segment(world.contract_a, NINE + timedelta(minutes=10 * i))
                for i in range(2)]
    first = api.post("/segments", headers=world.freelancer_a.headers,
                     json={"segments": [wire(segments[0])]})
    later = api.post("/segments", headers=world.freelancer_a.headers,
                     json={"segments": [wire(segments[1])]})
    assert (first.status_code, later.json()["segments"][0]["over_limit_seconds"]) == (200, 300)
    bundle = download(api, world, tmp_path)
    result = verify(bundle, "--server-key", server_key, "--json")
    assert result.returncode == 0, result.stdout
    checked = {s["id"]: s for s in json.loads(result.stdout)["segments"]}
    assert checked[segments[1].id]["reasons"] == ["over_weekly_limit"]
    assert checked[segments[1].id]["billable_seconds"] == 300


def test_plain_verify_trusts_the_servers_key_fetched_then_pinned(
        app: FastAPI, world: World, week: Week, data_dir: Path, tmp_path: Path) -> None:
    """`workdiary verify week.zip` with no flag: the key the live server gives, then (server
    stopped) the key pinned at login, then neither; a re-signed manifest fails every time."""
    with serve(app) as base, httpx.Client(base_url=f"{base}/api/v1", timeout=30) as live:
        answer = live.get(f"/contracts/{world.contract_a}/weeks/{WEEK}/evidence",
                          headers=world.client_a.headers)
        assert answer.status_code == 200, answer.text
        bundle = tmp_path / "live.zip"
        bundle.write_bytes(answer.content)
        key = str(live.get("/server-key").json()["public_key"])
        assert parse_manifest(member(bundle, MANIFEST)).server_url == base
        assert f"logged in to {base}" in member(bundle, "README.txt").decode()
        fetched = verify(bundle)
        assert fetched.returncode == 0, fetched.stdout + fetched.stderr
        assert (f"server key {key_id(key)} (key {key_id(key)} fetched from {base} now; pin it "
                "with --server-key next time)") in fetched.stdout
        assert f"NOT proven: that {base} is your marketplace" in fetched.stdout
        forged, other = forge(bundle, tmp_path / "forged.zip")
        refused = verify(forged)
        assert refused.returncode == 1 and signed_by_another(key, other) in refused.stdout
        assert "Result: MISMATCH" in refused.stdout
        assert not pins_path(data_dir).exists()  # a fetch pins nothing
    # The server is gone; the key as `workdiary login` pinned it.
    save_pin(pins_path(data_dir), PinnedKey(base, key, key_id(key), "2026-11-20T08:00:00Z"))
    pinned = verify(bundle)
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    assert f"(key {key_id(key)} pinned at login on 2026-11-20)" in pinned.stdout
    assert f"Proven: the server key {key_id(key)} signed this bundle" in pinned.stdout
    assert "NOT proven" not in pinned.stdout
    refused = verify(forged)
    assert refused.returncode == 1 and signed_by_another(key, other) in refused.stdout
    report = json.loads(verify(bundle, "--json").stdout)
    assert report["ok"] is True and report["key_source"] == "pinned"
    assert report["trusted_key_id"] == key_id(key) and report["server_url"] == base
    # Nothing pinned and nobody answers: only the bundle's own key, exit code 3.
    pins_path(data_dir).unlink()
    alone = verify(bundle)
    assert alone.returncode == 3, alone.stdout + alone.stderr
    assert "key NOT pinned" in alone.stdout
    assert f"the server's key could not be fetched from {base}" in alone.stdout
    assert "Proven: the bundle is consistent with itself" in alone.stdout
    assert "NOT proven: who made it" in alone.stdout
    # Given explicitly, the key needs neither.
    given = verify(bundle, "--server-key", key)
    assert given.returncode == 0 and f"key {key_id(key)} given with --server-key" in (
        given.stdout)
