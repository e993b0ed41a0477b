"""The server's own Ed25519 key: it signs the manifests of evidence bundles.

Kept as an owner-only (0600) PKCS#8 PEM file, ``server-key.pem`` in the data dir or the path
in ``$WORKDIARY_SERVER_KEY_FILE`` (set it to one shared file when workers run on several
hosts). Made on the first start that finds none: written to a temporary file, then hard-linked
to its name, so two workers starting at once on one data dir cannot both make a key (the
second link fails and that worker reads the first one's key). A file that exists but cannot be
read, or is not an Ed25519 key, stops the server with a sentence; it is never replaced
silently, since every bundle signed before names that key.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workdiary.core.evidence import ALGORITHM
from workdiary.core.signing import key_id, public_key_of, sign_bytes
from workdiary.privatefiles import PRIVATE_FILE
from workdiary.server.settings import SettingsError


class ServerKeyError(SettingsError):
    """The key file exists but is unusable: the server does not start."""


@dataclass(frozen=True, slots=True)
class ServerKey:
    path: Path
    private_key: str  # base64 of the 32 raw bytes (core.signing's form)
    public_key: str
    key_id: str

    def sign(self, data: bytes) -> str:
        return sign_bytes(data, self.private_key)

    def public(self) -> dict[str, str]:
        """What GET /api/v1/server-key answers."""
        return {"algorithm": ALGORITHM, "public_key": self.public_key, "key_id": self.key_id}


def load_or_create(path: Path) -> ServerKey:
    """The key in ``path``, made first if there is none (atomically: see the module)."""
    if not path.exists():
        _create(path)
    return _load(path)


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".server-key-")  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails if another worker's key got there first
        except FileExistsError:
            pass
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):
                raise
            _create_exclusive(path, pem)  # a file system without hard links
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _create_exclusive(path: Path, pem: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())


def _load(path: Path) -> ServerKey:
    advice = (f"restore {path} from a backup, or move it away to make a new key (bundles "
              "signed before stay verifiable with the old public key).")
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise ServerKeyError(f"the server key {path} cannot be read ({exc.strerror}): "
                             f"{advice}") from exc
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ServerKeyError(f"the server key {path} is damaged (not a PEM private key): "
                             f"{advice}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ServerKeyError(f"the server key {path} is not an Ed25519 key: {advice}")
    private = base64.b64encode(key.private_bytes_raw()).decode("ascii")
    public = public_key_of(private)
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_FILE)
    return ServerKey(path, private, public, key_id(public))
