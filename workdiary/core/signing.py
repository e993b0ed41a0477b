"""Ed25519 signatures over a segment's canonical bytes.

Keys travel as base64 of their raw 32 bytes. The private key lives in the OS keyring
(see ``workdiary.sync``); this module only does the arithmetic.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from dataclasses import replace

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from workdiary.core.canonical import canonical_bytes
from workdiary.core.errors import DomainError
from workdiary.core.model import Segment


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise DomainError(f"{what} is not valid base64") from exc


def generate_private_key() -> str:
    """A new device key: base64 of the 32 raw private bytes."""
    return _b64(Ed25519PrivateKey.generate().private_bytes_raw())


def public_key_of(private_key: str) -> str:
    key = Ed25519PrivateKey.from_private_bytes(_unb64(private_key, "private key"))
    return _b64(key.public_key().public_bytes_raw())


def check_public_key(public_key: str) -> str:
    """Return the key if it is a well-formed Ed25519 public key, else raise DomainError."""
    raw = _unb64(public_key, "public key")
    if len(raw) != 32:
        raise DomainError("an Ed25519 public key is 32 bytes")
    Ed25519PublicKey.from_public_bytes(raw)
    return public_key


def sign_segment(segment: Segment, private_key: str) -> Segment:
    key = Ed25519PrivateKey.from_private_bytes(_unb64(private_key, "private key"))
    signature = key.sign(canonical_bytes(segment))
    return replace(segment, signature=_b64(signature))


def signature_is_valid(segment: Segment, public_key: str) -> bool:
    """True when ``segment.signature`` is the key's signature over its canonical bytes."""
    return signature_over_bytes_is_valid(canonical_bytes(segment), segment.signature, public_key)


def signature_over_bytes_is_valid(signed_bytes: bytes, signature: str, public_key: str) -> bool:
    """True when ``signature`` (base64) is the key's signature over ``signed_bytes``.

    For callers that already hold a segment's canonical bytes and should not encode it again.
    """
    try:
        _public_key(public_key).verify(_unb64(signature, "signature"), signed_bytes)
    except (InvalidSignature, DomainError, ValueError):
        return False
    return True


def sign_bytes(data: bytes, private_key: str) -> str:
    """The key's Ed25519 signature over ``data``, base64 (the server signs evidence manifests)."""
    key = Ed25519PrivateKey.from_private_bytes(_unb64(private_key, "private key"))
    return _b64(key.sign(data))


def key_id(public_key: str) -> str:
    """A public key's fingerprint: the first 16 hex digits of SHA-256 over its raw 32 bytes."""
    return hashlib.sha256(_unb64(public_key, "public key")).hexdigest()[:16]


@functools.lru_cache(maxsize=1024)
def _public_key(public_key: str) -> Ed25519PublicKey:
    """The key object of a base64 public key: a batch's segments share a few device keys, and
    decoding one costs as much as a tenth of a verification. Raises DomainError or ValueError
    (not cached) for a malformed key."""
    return Ed25519PublicKey.from_public_bytes(_unb64(public_key, "public key"))
