"""One contract suite for every blob store: the file store and S3 on a real SeaweedFS.

Also: the store chosen by URL, clear errors for a missing bucket and refused credentials (at
start and in /readyz), and `workdiary server migrate-blobs` from a file store into S3.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from server_factories import sha
from server_s3 import SeaweedFS

from workdiary.cli.main import main
from workdiary.server.app import create_app
from workdiary.server.blobs import (
    CHUNK_BYTES,
    BlobStore,
    BlobStoreUnavailable,
    FileBlobStore,
    open_blob_store,
)
from workdiary.server.blobs_s3 import S3BlobStore
from workdiary.server.settings import Settings, StorageSettings
from workdiary.testing.images import make_jpeg


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "file":
        return open_blob_store((tmp_path / "blobs").as_uri())
    seaweed: SeaweedFS = request.getfixturevalue("seaweedfs")
    bucket = request.getfixturevalue("s3_bucket")
    return open_blob_store(f"s3://{bucket}/shots", environ=seaweed.environ())


def blob(n: int, size: int = 1000) -> tuple[str, bytes]:
    data = os.urandom(size - 8) + n.to_bytes(8, "big")
    return hashlib.sha256(data).hexdigest(), data


def test_put_get_exists_delete(store: BlobStore) -> None:
    key, data = blob(1)
    assert not store.exists(key) and store.get(key) is None and store.stream(key) is None
    store.put(key, data)
    store.put(key, data)  # idempotent
    assert store.exists(key) and store.get(key) == data
    store.delete(key)
    store.delete(key)  # absent is fine
    assert not store.exists(key) and store.get(key) is None


def test_puts_are_content_addressed(store: BlobStore) -> None:
    key, data = blob(2)
    store.put(key, data)
    store.put(key, b"other bytes under the same name are never written over")
    assert store.get(key) == data


def test_a_large_blob_streams_in_chunks(store: BlobStore) -> None:
    key, data = blob(3, size=5 * CHUNK_BYTES + 123)
    store.put(key, data)
    chunks = store.stream(key)
    assert chunks is not None
    parts = list(chunks)
    assert len(parts) > 1 and max(len(p) for p in parts) <= CHUNK_BYTES
    assert b"".join(parts) == data


def test_hashes_lists_every_blob_once(store: BlobStore) -> None:
    keys = set()
    for n in range(5):
        key, data = blob(10 + n)
        store.put(key, data)
        keys.add(key)
    listed = list(store.hashes())
    assert sorted(listed) == sorted(keys)


def test_bad_names_are_refused(store: BlobStore) -> None:
    for name in ("../../etc/passwd", "A" * 64, "ab"):
        with pytest.raises(ValueError):
            store.put(name, b"x")
        with pytest.raises(ValueError):
            store.exists(name)


def test_check_passes_on_a_usable_store(store: BlobStore) -> None:
    store.check()
    assert store.describe()


def test_a_file_url_names_a_file_store(tmp_path: Path) -> None:
    chosen = open_blob_store((tmp_path / "b").as_uri())
    assert isinstance(chosen, FileBlobStore) and chosen.root == tmp_path / "b"
    for bad in ("file://host/x", "ftp://x/y", "blobs"):
        with pytest.raises(ValueError):
            open_blob_store(bad)


@pytest.mark.parametrize("url", ["s3:/nobucket", "http://x/y", "relative/path"])
def test_blob_urls_are_checked_in_the_settings(tmp_path: Path, url: str) -> None:
    with pytest.raises(ValueError, match="WORKDIARY_BLOB_URL"):
        StorageSettings.from_env(data_dir=tmp_path, environ={"WORKDIARY_BLOB_URL": url})


def s3_settings(tmp_path: Path, url: str) -> Settings:
    storage = StorageSettings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                              data_dir=tmp_path, blob_url=url)
    return Settings(storage=storage, demo=True, close_weeks_interval=0)


def test_a_missing_bucket_is_a_clear_error(seaweedfs: SeaweedFS, tmp_path: Path) -> None:
    store = S3BlobStore.from_url("s3://no-such-bucket-here/x", environ=seaweedfs.environ())
    with pytest.raises(BlobStoreUnavailable, match="bucket 'no-such-bucket-here' does not exist"):
        store.check()
    with pytest.raises(BlobStoreUnavailable, match="does not exist"):
        store.put(*blob(4))
    with pytest.raises(BlobStoreUnavailable, match="does not exist"):  # refused at start
        create_app(s3_settings(tmp_path, "s3://no-such-bucket-here/x"), blobs=store)


def test_wrong_credentials_are_a_clear_error(seaweedfs: SeaweedFS, s3_bucket: str,
                                             tmp_path: Path) -> None:
    env = seaweedfs.environ(secret_key="not-the-secret")
    store = S3BlobStore.from_url(f"s3://{s3_bucket}/x", environ=env)
    with pytest.raises(BlobStoreUnavailable, match="refused the credentials"):
        store.check()
    with pytest.raises(BlobStoreUnavailable, match="AWS_SECRET_ACCESS_KEY"):
        store.get(blob(5)[0])


def test_readyz_names_an_unusable_store(seaweedfs: SeaweedFS, s3_bucket: str,
                                        tmp_path: Path) -> None:
    good = S3BlobStore.from_url(f"s3://{s3_bucket}/x", environ=seaweedfs.environ())
    app = create_app(s3_settings(tmp_path, f"s3://{s3_bucket}/x"), blobs=good)
    with TestClient(app) as client:
        assert client.get("/readyz").json() == {
            "status": "ready", "checks": {"database": "ok", "blobs": "ok"}}
        app.state.blobs = S3BlobStore.from_url(f"s3://{s3_bucket}/x", environ=seaweedfs.environ(
            secret_key="revoked-in-the-meantime"))
        answer = client.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"] == {"database": "ok", "blobs": "unavailable"}
    app.state.engine.dispose()


def test_the_api_streams_screenshots_from_s3(seaweedfs: SeaweedFS, s3_bucket: str,
                                             tmp_path: Path) -> None:
    from server_world import make_person

    store = S3BlobStore.from_url(f"s3://{s3_bucket}/x", environ=seaweedfs.environ())
    app = create_app(s3_settings(tmp_path, f"s3://{s3_bucket}/x"), blobs=store)
    image = make_jpeg(800, 600, seed=3)
    with TestClient(app, base_url="http://testserver/api/v1") as api, \
            app.state.sessionmaker() as session:
        person = make_person(session, "f@x.io", "freelancer")
        assert api.put(f"/screenshots/{sha(image)}", headers=person.headers,
                       content=image).status_code == 201
        assert api.put(f"/screenshots/{sha(image)}", headers=person.headers,
                       content=image).status_code == 200
        got = api.get(f"/screenshots/{sha(image)}", headers=person.headers)
        assert got.status_code == 200 and got.content == image
        assert got.headers["content-length"] == str(len(image))
    assert store.get(sha(image)) == image
    app.state.engine.dispose()


@pytest.fixture
def server_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "srv"
    monkeypatch.setenv("WORKDIARY_SERVER_DATA_DIR", str(folder))
    for name in ("WORKDIARY_DATABASE_URL", "WORKDIARY_BLOB_URL"):
        monkeypatch.delenv(name, raising=False)
    yield folder


def test_migrate_blobs_copies_a_file_store_into_s3(
        seaweedfs: SeaweedFS, s3_bucket: str, server_dir: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in seaweedfs.environ().items():
        monkeypatch.setenv(name, value)
    assert main(["server", "migrate"]) == 0
    source = FileBlobStore(server_dir / "blobs")
    stored = dict(blob(20 + n) for n in range(4))
    for key, data in stored.items():
        source.put(key, data)
    target_url = f"s3://{s3_bucket}/moved"
    capsys.readouterr()
    assert main(["server", "migrate-blobs", "--to", target_url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {"copied": 4, "already_there": 0, "damaged_in_source": [],
                      "failed_verification": [], "missing_in_target": [], "ok": True}
    target = open_blob_store(target_url, environ=seaweedfs.environ())
    assert {key: target.get(key) for key in target.hashes()} == stored
    # A second run resumes: everything is there already. A damaged source file is reported.
    bad_key = next(iter(stored))
    target.delete(bad_key)
    (server_dir / "blobs" / bad_key[:2] / bad_key).write_bytes(b"bit rot")
    assert main(["server", "migrate-blobs", "--to", target_url, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["already_there"], report["damaged_in_source"], report["ok"]) == (
        3, [bad_key], False)


def test_server_run_names_a_missing_bucket_and_does_not_start(
        seaweedfs: SeaweedFS, server_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in seaweedfs.environ().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WORKDIARY_SECRET_KEY", "k" * 40)
    code = main(["server", "run", "--port", "1", "--blob-url", "s3://never-created-bucket/x"])
    err = capsys.readouterr().err
    assert code == 1
    assert "the bucket 'never-created-bucket' does not exist" in err and err.startswith(
        "workdiary: ")


def test_an_unusable_store_answers_503_not_500(seaweedfs: SeaweedFS, s3_bucket: str,
                                               tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    from server_world import make_person

    store = S3BlobStore.from_url(f"s3://{s3_bucket}/x", environ=seaweedfs.environ())
    app = create_app(s3_settings(tmp_path, f"s3://{s3_bucket}/x"), blobs=store)
    image = make_jpeg(seed=8)
    with TestClient(app, base_url="http://testserver/api/v1") as api, \
            app.state.sessionmaker() as session:
        person = make_person(session, "f@x.io", "freelancer")
        app.state.blobs = S3BlobStore.from_url(f"s3://{s3_bucket}/x", environ=seaweedfs.environ(
            secret_key="rotated-without-telling-the-workers"))
        answer = api.put(f"/screenshots/{sha(image)}", headers=person.headers, content=image)
        assert answer.status_code == 503
        assert answer.json()["error"]["code"] == "blob_store_unavailable"
        assert answer.headers["retry-after"] == "30"
        message = answer.json()["error"]["message"]
        assert "unavailable" in message  # the cause is the operator's business, not the caller's
        assert "AWS" not in message and s3_bucket not in message and "127.0.0.1" not in message
        assert "refused the credentials" in caplog.text  # the operator learns the cause
        app.state.blobs = store  # fixed: the same upload goes through
        assert api.put(f"/screenshots/{sha(image)}", headers=person.headers,
                       content=image).status_code == 201
    app.state.engine.dispose()
