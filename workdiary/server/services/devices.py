"""Devices: a freelancer's Ed25519 public keys, registered by the desktop and revocable."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core.errors import DomainError
from workdiary.core.signing import check_public_key
from workdiary.server.errors import Conflict, Forbidden, NotFound, Unprocessable
from workdiary.server.models import Device, User, new_id

DEVICE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def register_device(
    session: Session, *, user: User, name: str, public_key: str, now: datetime,
    device_id: str | None = None,
) -> Device:
    """Register a device key for a freelancer.

    ``device_id`` may be proposed by the desktop (a uuid4 hex made locally); registering the
    same id with the same key again returns the existing device (idempotent). The same id
    with another key or owner, or a revoked id, is a conflict.
    """
    if user.role != "freelancer":
        raise Forbidden("only freelancers register devices.", code="not_a_freelancer")
    try:
        check_public_key(public_key)
    except (DomainError, ValueError) as exc:
        raise Unprocessable(f"public_key is not an Ed25519 public key: {exc}",
                            code="invalid_public_key") from exc
    if device_id is not None and not DEVICE_ID_RE.match(device_id):
        raise Unprocessable("device_id must be 8-64 letters, digits, '-' or '_'.",
                            code="invalid_device_id")
    if device_id is not None:
        existing = session.get(Device, device_id)
        if existing is not None:
            if existing.user_id == user.id and existing.public_key == public_key:
                if existing.revoked:
                    raise Conflict("this device was revoked: generate a new device key.",
                                   code="device_revoked")
                return existing
            raise Conflict(f"device id {device_id} is already registered with another key.",
                           code="device_exists")
    device = Device(id=device_id or new_id(), user_id=user.id, name=name.strip()[:200] or "device",
                    public_key=public_key, created_at=now)
    session.add(device)
    session.commit()
    return device


def list_devices(session: Session, *, user: User) -> list[Device]:
    """The caller's own devices, newest first."""
    return list(session.scalars(
        select(Device).where(Device.user_id == user.id).order_by(Device.created_at.desc())
    ))


def revoke_device(session: Session, *, user: User, device_id: str) -> Device:
    """Revoke one of the caller's devices: its later uploads are rejected (unknown_device)."""
    device = session.get(Device, device_id)
    if device is None or device.user_id != user.id:
        raise NotFound(f"you have no device {device_id}.")
    device.revoked = True
    session.commit()
    return device
