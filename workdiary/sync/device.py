"""This device's Ed25519 key: created at login, registered on the server, used to sign segments.

The private key lives only in the secret store (the OS keyring). ``make_signer`` gives the
tracker a ``Callable[[Segment], Segment]`` that returns the segment with its signature; the
outbox re-signs, just before upload, any closed segment whose signature was cleared (memo edit,
redaction, idle decision, deletion into a tombstone).
"""

from __future__ import annotations

import platform
import uuid
from collections.abc import Callable
from typing import Protocol

from workdiary.core.model import Segment
from workdiary.sync.api import ApiClient, Rejected
from workdiary.sync.secrets import Account, SecretStore

Signer = Callable[[Segment], Segment]


class NotLoggedIn(Exception):
    """There is no device key for this account: the user must run ``workdiary login``."""


class DeviceStore(Protocol):
    """What device registration needs from the local store."""

    def device_id(self) -> str: ...

    def set_setting(self, key: str, value: str) -> None: ...


def default_device_name() -> str:
    return f"{platform.node() or 'desktop'} ({platform.system() or 'unknown OS'})"


def ensure_device_key(secrets: SecretStore, account: Account) -> str:
    """The account's private key, created (and stored) on first use; returns the public key."""
    # Imported here: the tray app imports this module but signs in its sync helper process.
    from workdiary.core.signing import generate_private_key, public_key_of

    private_key = secrets.private_key(account)
    if private_key is None:
        private_key = generate_private_key()
        secrets.put(account, "device-key", private_key)
    return public_key_of(private_key)


def register_device(api: ApiClient, store: DeviceStore, secrets: SecretStore, account: Account,
                    name: str | None = None) -> str:
    """Create the device key if needed and register its public part (POST /devices).

    Returns the device id the server knows us by (the store's local id, which segments carry;
    a new one when the server holds the old id under another key or revoked it).
    """
    public_key = ensure_device_key(secrets, account)
    device_id = store.device_id()
    try:
        server_id = api.register_device(name or default_device_name(), public_key, device_id)
    except Rejected as exc:
        if exc.code not in ("device_exists", "device_revoked"):
            raise
        # The id is bound on the server to another key (keyring lost, another account) or
        # revoked: continue under a fresh id, which starts a new chain. Records closed under
        # the old id keep it; the server judges them against the old key.
        device_id = uuid.uuid4().hex
        store.set_setting("device_id", device_id)
        server_id = api.register_device(name or default_device_name(), public_key, device_id)
    store.set_setting("server_device_id", server_id)
    return device_id


def make_signer(secrets: SecretStore, account: Account) -> Signer:
    """A signer for the tracker; the key is read from the secret store once, here."""
    from workdiary.core.signing import sign_segment

    private_key = secrets.private_key(account)
    if private_key is None:
        raise NotLoggedIn(
            f"no device key for {account.email} on {account.server_url}: run `workdiary login`"
        )

    def sign(segment: Segment) -> Segment:
        return sign_segment(segment, private_key)

    return sign
