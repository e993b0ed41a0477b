"""GET /api/v1/desktop-release: what the operator publishes, and how a bad file is reported."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from workdiary.cli.main import main
from workdiary.server.services.desktop_release import (
    DesktopRelease,
    publish,
    release_file,
    withdraw,
)
from workdiary.server.settings import Settings

RELEASE = DesktopRelease(
    latest="0.3.0", minimum="0.2.0", notes_url="https://example.com/notes/0.3.0",
    download_urls={"windows": "https://example.com/Workdiary-0.3.0-setup.exe",
                   "macos": "https://example.com/Workdiary-0.3.0.dmg",
                   "linux-deb": "https://example.com/workdiary_0.3.0_amd64.deb"})


def test_nothing_published_is_a_clear_404(api: TestClient) -> None:
    response = api.get("/desktop-release")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_release"


def test_the_published_release_is_served_and_follows_the_file(api: TestClient,
                                                              settings: Settings) -> None:
    path = publish(settings.data_dir, RELEASE)
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    response = api.get("/desktop-release")
    assert response.status_code == 200
    assert response.json() == {
        "latest": "0.3.0", "minimum": "0.2.0", "notes_url": "https://example.com/notes/0.3.0",
        "download_urls": RELEASE.download_urls}
    publish(settings.data_dir, DesktopRelease(latest="0.3.1"))  # no restart needed
    assert api.get("/desktop-release").json() == {
        "latest": "0.3.1", "minimum": None, "notes_url": None, "download_urls": {}}
    assert withdraw(settings.data_dir) and not withdraw(settings.data_dir)
    assert api.get("/desktop-release").status_code == 404


@pytest.mark.parametrize("content", [
    "{not json", json.dumps({"latest": "banana"}), json.dumps({"latest": "1.0", "extra": 1}),
    json.dumps({"latest": "1.0", "minimum": "2.0"}), "x" * 70_000, "\udcff",
])
def test_a_damaged_file_is_a_503_in_the_one_error_shape(api: TestClient, settings: Settings,
                                                        content: str) -> None:
    path = release_file(settings.data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    response = api.get("/desktop-release")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "release_unavailable"
    publish(settings.data_dir, RELEASE)  # mended: served again
    assert api.get("/desktop-release").status_code == 200


@pytest.mark.parametrize("fields", [
    {"latest": "1.0", "minimum": "1.1"},
    {"latest": "not a version"},
    {"latest": "1.0", "notes_url": "javascript:alert(1)"},
    {"latest": "1.0", "download_urls": {"Windows Store": "https://example.com"}},
    {"latest": "1.0", "download_urls": {"windows": "ftp://example.com/x.exe"}},
    {"latest": "1.0", "download_urls": {f"p{i}": "https://e.com" for i in range(17)}},
    {"latest": "1" * 65},
])
def test_the_operator_cannot_publish_nonsense(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DesktopRelease.model_validate(fields)


def test_the_operator_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(tmp_path / "server")
    assert main(["desktop-release", "show", "--data-dir", folder]) == 1
    assert "No desktop release is published" in capsys.readouterr().err
    assert main(["desktop-release", "publish", "--data-dir", folder, "--latest", "0.3.0",
                 "--minimum", "0.2.0", "--notes-url", "https://example.com/n",
                 "--download", "windows=https://example.com/setup.exe"]) == 0
    assert "published desktop release 0.3.0 (minimum 0.2.0)" in capsys.readouterr().out
    assert main(["desktop-release", "show", "--data-dir", folder]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["download_urls"] == {"windows": "https://example.com/setup.exe"}
    assert main(["desktop-release", "publish", "--data-dir", folder, "--latest", "0.1",
                 "--minimum", "0.2"]) == 1
    assert "not published: " in capsys.readouterr().err
    assert main(["desktop-release", "publish", "--data-dir", folder, "--latest", "0.4",
                 "--download", "windows"]) == 1
    assert "PLATFORM=URL" in capsys.readouterr().err
    assert main(["desktop-release", "withdraw", "--data-dir", folder]) == 0
    assert capsys.readouterr().out.strip() == "withdrawn"
