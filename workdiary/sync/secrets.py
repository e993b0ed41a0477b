"""Where the desktop keeps its API token and device private key: the OS keyring, never a file.

``SecretStore`` is the interface; ``KeyringSecretStore`` talks to the OS keyring through the
``keyring`` library (Secret Service, KWallet, macOS Keychain, Windows Credential Locker) and
``MemorySecretStore`` keeps secrets in memory (tests, the demo's throwaway data dir).
When no usable keyring exists we raise ``KeyringUnavailable`` with what to install: we never
fall back to writing secrets in plain text behind the user's back.
"""

from __future__ import annotations

import abc
import os
import threading
from dataclasses import dataclass
from typing import Any

SERVICE = "workdiary"
TOKEN = "token"
DEVICE_KEY = "device-key"

NO_KEYRING_HELP = (
    "no usable OS keyring found, so workdiary cannot store your login token and device key "
    "safely: install and unlock a Secret Service keyring (gnome-keyring or KeePassXC) or KWallet "
    "and log in to a desktop session (macOS Keychain and Windows Credential Locker work out of "
    "the box), or select a keyring backend with PYTHON_KEYRING_BACKEND. "
    "Nothing was written to disk."
)

# Backends that would store secrets in a readable file: refused unless chosen explicitly.
_PLAINTEXT_BACKENDS = ("PlaintextKeyring",)


class SecretStoreError(Exception):
    """The secret store failed; the message says what to do."""


class KeyringUnavailable(SecretStoreError):
    """No OS keyring can be used (none installed, locked, or unreachable)."""


@dataclass(frozen=True, slots=True)
class Account:
    """Whose secrets: one server and one user on it."""

    server_url: str
    email: str

    def username(self, name: str) -> str:
        return f"{name}:{self.email}@{self.server_url.rstrip('/')}"


class SecretStore(abc.ABC):
    """Token and device private key per account."""

    where = "a secret store"  # for messages: where the secrets are kept

    @abc.abstractmethod
    def get(self, account: Account, name: str) -> str | None:
        """The secret, or None when none is stored."""

    @abc.abstractmethod
    def put(self, account: Account, name: str, value: str) -> None:
        """Store (or replace) a secret."""

    @abc.abstractmethod
    def delete(self, account: Account, name: str) -> None:
        """Remove a secret; removing a missing one is not an error."""

    def token(self, account: Account) -> str | None:
        return self.get(account, TOKEN)

    def private_key(self, account: Account) -> str | None:
        return self.get(account, DEVICE_KEY)

    def clear(self, account: Account) -> None:
        """Forget the account's token and device key."""
        self.delete(account, TOKEN)
        self.delete(account, DEVICE_KEY)


class MemorySecretStore(SecretStore):
    """Secrets in a dict: for tests and the demo (whose data dir is thrown away anyway)."""

    where = "memory (for this process only)"

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get(self, account: Account, name: str) -> str | None:
        with self._lock:
            return self._values.get((account.username(name), name))

    def put(self, account: Account, name: str, value: str) -> None:
        with self._lock:
            self._values[(account.username(name), name)] = value

    def delete(self, account: Account, name: str) -> None:
        with self._lock:
            self._values.pop((account.username(name), name), None)


class KeyringSecretStore(SecretStore):
    """Secrets in the OS keyring via ``keyring``; refuses the fail and plaintext backends."""

    where = "the OS keyring"

    def __init__(self, backend: Any | None = None) -> None:
        import keyring

        if backend is None:
            try:
                backend = keyring.get_keyring()
            except Exception as exc:  # e.g. PYTHON_KEYRING_BACKEND names a missing backend
                chosen = os.environ.get("PYTHON_KEYRING_BACKEND")
                where = f" (PYTHON_KEYRING_BACKEND={chosen})" if chosen else ""
                raise KeyringUnavailable(
                    f"the OS keyring could not be loaded{where} ({exc}): {NO_KEYRING_HELP}"
                ) from exc
        self._backend = backend
        check_backend(self._backend)

    @property
    def backend_name(self) -> str:
        return f"{type(self._backend).__module__}.{type(self._backend).__name__}"

    def get(self, account: Account, name: str) -> str | None:
        value = self._call(lambda: self._backend.get_password(SERVICE, account.username(name)))
        return None if value is None else str(value)

    def put(self, account: Account, name: str, value: str) -> None:
        self._call(lambda: self._backend.set_password(SERVICE, account.username(name), value))

    def delete(self, account: Account, name: str) -> None:
        import keyring.errors

        try:
            self._call(lambda: self._backend.delete_password(SERVICE, account.username(name)))
        except SecretStoreError as exc:
            if isinstance(exc.__cause__, keyring.errors.PasswordDeleteError):
                return  # nothing stored: already gone
            raise

    def _call(self, action: Any) -> Any:
        import keyring.errors

        try:
            return action()
        except keyring.errors.PasswordDeleteError as exc:
            raise SecretStoreError(str(exc)) from exc
        except (keyring.errors.NoKeyringError, keyring.errors.InitError) as exc:
            raise KeyringUnavailable(NO_KEYRING_HELP) from exc
        except keyring.errors.KeyringLocked as exc:
            raise KeyringUnavailable(
                f"the OS keyring is locked ({exc}): unlock it (log in to your desktop session "
                "or open your keyring manager) and try again. Nothing was written to disk."
            ) from exc
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(
                f"the OS keyring failed ({exc or type(exc).__name__}): {NO_KEYRING_HELP}"
            ) from exc
        except Exception as exc:
            # Secret Service over D-Bus raises its own errors (no bus, service not running,
            # prompt dismissed): all mean "no usable keyring", which the user can fix.
            if _is_dbus_error(exc):
                raise KeyringUnavailable(
                    f"the Secret Service keyring is unreachable ({exc}): {NO_KEYRING_HELP}"
                ) from exc
            raise


def _is_dbus_error(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith(("secretstorage", "jeepney", "dbus")) or isinstance(
        exc, ConnectionError
    )


def check_backend(backend: Any) -> None:
    """Raise ``KeyringUnavailable`` when ``backend`` cannot keep a secret safely."""
    from keyring.backends import chainer, fail

    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable(NO_KEYRING_HELP)
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise KeyringUnavailable(NO_KEYRING_HELP)
    if type(backend).__name__ in _PLAINTEXT_BACKENDS:
        raise KeyringUnavailable(
            f"the selected keyring backend ({type(backend).__name__}) stores secrets in a plain "
            f"file; workdiary refuses it. {NO_KEYRING_HELP}"
        )
