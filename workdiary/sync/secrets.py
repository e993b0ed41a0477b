"""Where the desktop keeps its API token and device private key: the OS keyring by default.

``SecretStore`` is the interface; ``KeyringSecretStore`` talks to a keyring through the
``keyring`` library: the OS keyring (Secret Service, KWallet, macOS Keychain, Windows Credential
Locker), or, only when the user chose it, the encrypted file of ``sync.encrypted_file`` for
machines without a desktop session. ``MemorySecretStore`` keeps secrets in memory (tests, the
demo's throwaway data dir). When no usable keyring exists we raise ``KeyringUnavailable`` with
what to do: we never fall back to a file behind the user's back.
"""

from __future__ import annotations

import abc
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workdiary.config import data_dir_location
from workdiary.sync import encrypted_file

SERVICE = "workdiary"
TOKEN = "token"
DEVICE_KEY = "device-key"

NO_KEYRING_HELP = (
    "no usable OS keyring found, so workdiary cannot store your login token and device key "
    "safely: install and unlock a Secret Service keyring (gnome-keyring or KeePassXC) or KWallet "
    "and log in to a desktop session (macOS Keychain and Windows Credential Locker work out of "
    "the box), or select a keyring backend with PYTHON_KEYRING_BACKEND. On a machine without "
    "a desktop session, see docs/quickstart.md (a D-Bus session with gnome-keyring, or the "
    "encrypted file: `workdiary login --keyring file`, less safe). Nothing was written to disk."
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


class DeferredSecretStore(SecretStore):
    """A store built on first use (``SecretStoreError`` from building it is raised then).

    The tray app runs its sync passes in a helper process with a keyring of its own, so it
    loads the keyring (and the Secret Service client and its cryptography) only when the
    window logs in or answers an offer."""

    where = "the OS keyring"

    def __init__(self, build: Callable[[], SecretStore]) -> None:
        self._build = build
        self._store: SecretStore | None = None
        self._lock = threading.Lock()

    def _inner(self) -> SecretStore:
        with self._lock:
            if self._store is None:
                self._store = self._build()
            return self._store

    def get(self, account: Account, name: str) -> str | None:
        return self._inner().get(account, name)

    def put(self, account: Account, name: str, value: str) -> None:
        self._inner().put(account, name, value)

    def delete(self, account: Account, name: str) -> None:
        self._inner().delete(account, name)


class KeyringSecretStore(SecretStore):
    """Secrets in a keyring via ``keyring``; refuses the fail and plaintext backends.

    Without ``backend`` it uses the keyring the user chose (``choice``, else
    ``$WORKDIARY_KEYRING``, else what the last login used): ``os`` (the default) or ``file``,
    the encrypted file in ``directory`` (the data directory), unlocked here, once.
    """

    where = "the OS keyring"

    def __init__(self, backend: Any | None = None, *, choice: str | None = None,
                 directory: Path | None = None) -> None:
        self.choice = "os"
        self._memo: dict[tuple[str, str], str | None] | None = None
        self._lock = threading.Lock()
        if backend is None:
            directory = directory or data_dir_location()
            try:
                self.choice = choice or encrypted_file.keyring_choice(directory)
                if self.choice == "file":
                    backend = encrypted_file.open_encrypted_file(directory)
                    self.where = encrypted_file.describe(directory)
                    self._memo = {}  # each read of the file costs an Argon2 key derivation
                else:
                    backend = _os_keyring()
            except encrypted_file.KeyringChoiceError as exc:
                raise KeyringUnavailable(str(exc)) from exc
        self._backend = backend
        check_backend(self._backend)

    @property
    def backend_name(self) -> str:
        return f"{type(self._backend).__module__}.{type(self._backend).__name__}"

    def get(self, account: Account, name: str) -> str | None:
        key = (SERVICE, account.username(name))
        with self._lock:  # the file backend rewrites its whole file: one call at a time
            if self._memo is not None and key in self._memo:
                return self._memo[key]
            value = self._call(lambda: self._backend.get_password(*key))
            value = None if value is None else str(value)
            if self._memo is not None:
                self._memo[key] = value
            return value

    def put(self, account: Account, name: str, value: str) -> None:
        key = (SERVICE, account.username(name))
        with self._lock:
            self._forget(key)
            self._call(lambda: self._backend.set_password(*key, value))

    def delete(self, account: Account, name: str) -> None:
        import keyring.errors

        key = (SERVICE, account.username(name))
        with self._lock:
            self._forget(key)
            try:
                self._call(lambda: self._backend.delete_password(*key))
            except SecretStoreError as exc:
                if isinstance(exc.__cause__, keyring.errors.PasswordDeleteError):
                    return  # nothing stored: already gone
                raise

    def _forget(self, key: tuple[str, str]) -> None:
        if self._memo is not None:
            self._memo.pop(key, None)

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


def _os_keyring() -> Any:
    """keyring's choice of backend, without the file backends that plugins add to it."""
    import keyring
    import keyring.core
    from keyring.backends import chainer

    try:
        backend = keyring.get_keyring()
        # keyrings.cryptfile registers its file backends with keyring, which then chains them
        # behind (or picks them instead of) the OS keyring and prompts for their password:
        # detect again without them. The file is used only when chosen (WORKDIARY_KEYRING).
        if encrypted_file.is_file_backend(backend) or isinstance(backend, chainer.ChainerBackend):
            keyring.core.init_backend(limit=lambda b: not encrypted_file.is_file_backend(b))
            backend = keyring.get_keyring()
    except Exception as exc:  # e.g. PYTHON_KEYRING_BACKEND names a missing backend
        chosen = os.environ.get("PYTHON_KEYRING_BACKEND")
        where = f" (PYTHON_KEYRING_BACKEND={chosen})" if chosen else ""
        raise KeyringUnavailable(
            f"the OS keyring could not be loaded{where} ({exc}): {NO_KEYRING_HELP}"
        ) from exc
    return backend


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
    if encrypted_file.is_file_backend(backend) and not _is_our_file(backend):
        raise KeyringUnavailable(
            f"the selected keyring backend ({type(backend).__name__}) keeps secrets in a file "
            "of its own choosing and prompts on its own: choose workdiary's encrypted file "
            f"with {encrypted_file.KEYRING_ENV}=file (or `workdiary login --keyring file`) "
            "instead. Nothing was written to disk."
        )


def _is_our_file(backend: Any) -> bool:
    path = getattr(backend, "file_path", "")
    return isinstance(path, str) and Path(path).name == encrypted_file.FILE_NAME
