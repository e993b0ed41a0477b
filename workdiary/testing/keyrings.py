"""``MemoryKeyring``: an OS keyring in a dict, to install with ``keyring.set_keyring()``.

It lets tests run ``KeyringSecretStore`` (the product's keyring path, with its error handling)
without a Secret Service. ``MemorySecretStore`` is another thing: the product's own secret store
for the demo, which never touches a keyring.
"""

from __future__ import annotations

import keyring.errors
from jaraco.classes import properties
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring backend; never chosen by keyring's automatic selection."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("only installed explicitly, never chosen automatically")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves it untyped
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.values:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.values[(service, username)]
