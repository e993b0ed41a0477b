"""The encrypted-file keyring: for machines without a desktop session (servers, VMs, SSH).

Secrets go to one owner-only file in the data directory, encrypted by ``keyrings.cryptfile``
(AES-GCM under an Argon2id key from a passphrase). It is LESS SAFE than the OS keyring: anyone
who gets the file and the passphrase has the login token and the device key, and on such
machines the passphrase often sits in an environment variable or a service file. So it is
never chosen automatically: ``WORKDIARY_KEYRING=file`` or ``workdiary login --keyring file``.
The passphrase comes from ``WORKDIARY_KEYRING_PASSPHRASE`` or a prompt on the terminal.

``keyring_choice`` says which keyring to use; ``open_encrypted_file`` unlocks (or creates) the file.
"""

from __future__ import annotations

import configparser
import getpass
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

KEYRING_ENV = "WORKDIARY_KEYRING"
PASSPHRASE_ENV = "WORKDIARY_KEYRING_PASSPHRASE"
CHOICES = ("os", "file")
FILE_NAME = "secrets.cryptfile"
CHOICE_FILE = "keyring-choice"  # what the last login used, so later commands find its secrets
MIN_NEW_PASSPHRASE = 8
LESS_SAFE = "less safe than the OS keyring"

# ask(prompt, creating) -> the passphrase; raises EOFError when nobody can answer.
Ask = Callable[[Path, bool], str]


class KeyringChoiceError(Exception):
    """The keyring choice or the encrypted file cannot be used; the message says what to do."""


def keyring_choice(directory: Path) -> str:
    """``os`` or ``file``: ``$WORKDIARY_KEYRING`` first, else what the last login used."""
    value = os.environ.get(KEYRING_ENV, "").strip().lower()
    if value:
        if value not in CHOICES:
            raise KeyringChoiceError(
                f"{KEYRING_ENV}={value!r} is not a keyring choice: use 'os' (the OS keyring, "
                f"the default) or 'file' (an encrypted file, {LESS_SAFE})")
        return value
    try:
        remembered = (directory / CHOICE_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return "os"
    return remembered if remembered in CHOICES else "os"


def remember_keyring_choice(directory: Path, choice: str) -> None:
    """Record the keyring a login used (owner-only file), for the commands that follow."""
    if choice not in CHOICES:
        raise ValueError(f"unknown keyring choice {choice!r}")
    path = directory / CHOICE_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(choice + "\n")


def encrypted_file_path(directory: Path) -> Path:
    return directory / FILE_NAME


def open_encrypted_file(directory: Path, *, ask: Ask | None = None) -> Any:
    """The unlocked ``CryptFileKeyring`` in ``directory`` (created, owner-only, if missing).

    Raises KeyringChoiceError for a wrong or missing passphrase or an unreadable file; the file
    is then left exactly as it was.
    """
    try:
        from keyrings.cryptfile.cryptfile import CryptFileKeyring
    except ImportError as exc:
        raise KeyringChoiceError(
            f"the encrypted-file keyring needs the keyrings.cryptfile package ({exc}): "
            "pip install keyrings.cryptfile") from exc
    path = encrypted_file_path(directory)
    creating = not _has_content(path)
    passphrase = _passphrase(path, creating, ask or ask_on_terminal)
    directory.mkdir(parents=True, exist_ok=True)
    _make_owner_only(path)
    backend = CryptFileKeyring()
    backend.file_path = str(path)
    try:
        backend.keyring_key = passphrase  # unlocks now, or writes the new file's reference
    except ValueError as exc:  # "MAC check failed" / "Incorrect Password"
        raise KeyringChoiceError(
            f"wrong passphrase for the encrypted keyring file {path}: nothing was read or "
            f"changed. Give the passphrase it was created with ({PASSPHRASE_ENV} or the "
            "prompt).") from exc
    except (configparser.Error, UnicodeDecodeError, KeyError) as exc:
        raise KeyringChoiceError(
            f"the encrypted keyring file {path} is damaged ({exc}); it was left as it is. "
            f"Move it away and log in again to make a new one.") from exc
    return backend


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def _make_owner_only(path: Path) -> None:
    """Create the file owner-only before the library writes it; tighten an existing one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _passphrase(path: Path, creating: bool, ask: Ask) -> str:
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        try:
            passphrase = ask(path, creating)
        except EOFError as exc:
            raise KeyringChoiceError(
                f"the encrypted keyring file {path} needs its passphrase: set {PASSPHRASE_ENV}, "
                "or run the command in a terminal to be asked for it") from exc
    if not passphrase.strip():
        raise KeyringChoiceError(f"the passphrase for {path} is empty ({PASSPHRASE_ENV} or the "
                                 "prompt): nothing was read or written")
    if creating and len(passphrase) < MIN_NEW_PASSPHRASE:
        raise KeyringChoiceError(
            f"a new encrypted keyring file needs a passphrase of at least {MIN_NEW_PASSPHRASE} "
            "characters: nothing was written")
    return passphrase


def ask_on_terminal(path: Path, creating: bool) -> str:
    """Prompt on the controlling terminal (twice for a new file); EOFError without one."""
    try:
        with open("/dev/tty"):
            pass
    except OSError as exc:
        raise EOFError("no terminal") from exc
    if not creating:
        return getpass.getpass(f"Passphrase for workdiary's encrypted keyring file {path}: ")
    print(f"workdiary keeps your login token and device key in the encrypted file {path} "
          f"({LESS_SAFE}).")
    first = getpass.getpass("Choose its passphrase: ")
    if getpass.getpass("The same passphrase again: ") != first:
        raise KeyringChoiceError("the two passphrases differ: nothing was written")
    return first


def describe(directory: Path) -> str:
    """Where the secrets are, for messages."""
    return f"the encrypted file {encrypted_file_path(directory)} ({LESS_SAFE})"


def is_file_backend(backend: Any) -> bool:
    """A keyring backend that keeps secrets in a file (keyrings.cryptfile, keyrings.alt)."""
    module = type(backend).__module__ or ""
    return module.startswith(("keyrings.cryptfile", "keyrings.alt")) or type(
        backend).__name__ in ("PlaintextKeyring", "EncryptedKeyring", "CryptFileKeyring")

