"""The servers' evidence keys this desktop pinned at login, the trust anchor of
``workdiary verify``.

``server-keys.json`` in the data dir maps each server's base URL (as ``check_server_url``
normalises it) to the Ed25519 public key its ``GET /api/v1/server-key`` gave at the first
login, and when. Owner-only (0600) and replaced atomically (a temporary file in the same
folder, then ``os.replace``), so a crash leaves the old pins or the new ones, never half.

A pin is never replaced silently: a later login that sees another key stops with
``ServerKeyChanged`` (the key changed: the server was reset or moved, or someone pretends to
be it) unless the user accepts the new key explicitly.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workdiary.core.errors import DomainError
from workdiary.core.signing import check_public_key, key_id
from workdiary.privatefiles import PRIVATE_FILE
from workdiary.sync.api import ApiClient, InsecureServerUrl, check_server_url

PINS_NAME = "server-keys.json"
MAX_PINS_BYTES = 1024 * 1024  # thousands of servers; anything larger is not ours


class PinsUnreadable(Exception):
    """The pins file exists but cannot be read or is not ours: a sentence for the user."""


@dataclass(frozen=True, slots=True)
class PinnedKey:
    server_url: str
    public_key: str
    key_id: str
    pinned_at: str  # ISO 8601 UTC, when the login pinned it

    @property
    def pinned_on(self) -> str:
        return self.pinned_at[:10]


def pins_path(data_dir: Path) -> Path:
    return data_dir / PINS_NAME


def normalise_url(url: str) -> str | None:
    """The pin's key for ``url``, or None when it is not an address a login would accept."""
    try:
        return check_server_url(url)
    except InsecureServerUrl:
        return None


def read_pins(path: Path) -> dict[str, PinnedKey]:
    """Every pin in ``path`` by server URL; none when the file does not exist."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PINS_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise PinsUnreadable(f"the pinned server keys in {path} cannot be read "
                             f"({exc.strerror}).") from exc
    try:
        if len(data) > MAX_PINS_BYTES:
            raise ValueError("too large")
        servers = json.loads(data.decode("utf-8"))["servers"]
        pins = {}
        for url, item in servers.items():
            public = check_public_key(str(item["public_key"]))
            pins[str(url)] = PinnedKey(str(url), public, key_id(public), str(item["pinned_at"]))
        return pins
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError,
            DomainError) as exc:
        raise PinsUnreadable(f"the pinned server keys in {path} are damaged ({exc}); move the "
                             "file away and log in again to pin the key anew.") from exc


def pinned_key(path: Path, server_url: str) -> PinnedKey | None:
    url = normalise_url(server_url)
    return read_pins(path).get(url) if url else None


def save_pin(path: Path, pin: PinnedKey) -> None:
    """Add or replace ``pin`` (its URL normalised by the caller), atomically, owner-only."""
    pins = read_pins(path)
    pins[pin.server_url] = pin
    body = {"servers": {url: {"public_key": p.public_key, "key_id": p.key_id,
                              "pinned_at": p.pinned_at} for url, p in sorted(pins.items())}}
    data = (json.dumps(body, indent=1, sort_keys=True) + "\n").encode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".server-keys-")  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, PRIVATE_FILE)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def fetch_key(api: ApiClient) -> str:
    """The server's evidence key as GET /server-key gives it now (base64). Raises the
    client's ApiError when it does not answer, DomainError when the answer is not a key."""
    return check_public_key(str(api.server_key().get("public_key", "")))


class ServerKeyChanged(Exception):
    """A login saw another key than the one pinned for this server; a sentence for the user."""


def key_changed_message(pinned: PinnedKey, seen: str) -> str:
    return (f"WARNING: the server at {pinned.server_url} now signs evidence with key "
            f"{key_id(seen)}, but this computer pinned its key {pinned.key_id} at login on "
            f"{pinned.pinned_on}. Either the server was reset or moved to new keys (its "
            "operator can confirm it), or someone is pretending to be that server. This "
            "login stopped before sending your password and changed nothing. Once the "
            "operator confirms the new key, run `workdiary login` again with "
            "--accept-new-server-key; bundles signed before "
            f"stay verifiable with `workdiary verify --server-key {pinned.public_key}`.")
