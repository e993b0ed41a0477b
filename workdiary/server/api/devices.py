"""POST /devices, GET /devices, DELETE /devices/{id}."""

from __future__ import annotations

from fastapi import APIRouter

from workdiary.server.api.schemas import DeviceCreate, DevicePublic
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.models import Device
from workdiary.server.services import devices

router = APIRouter(tags=["devices"])


def device_public(device: Device) -> DevicePublic:
    return DevicePublic(device_id=device.id, name=device.name, public_key=device.public_key,
                        revoked=device.revoked, created_at=device.created_at)


@router.post("/devices", response_model=DevicePublic, status_code=201)
def register_device(body: DeviceCreate, session: DbSession, user: CurrentUser,
                    clock: AppClock) -> DevicePublic:
    """Register this device's Ed25519 public key (idempotent for the same id and key)."""
    device = devices.register_device(session, user=user, name=body.name,
                                     public_key=body.public_key, device_id=body.device_id,
                                     now=clock.now())
    return device_public(device)


@router.get("/devices", response_model=list[DevicePublic])
def list_devices(session: DbSession, user: CurrentUser) -> list[DevicePublic]:
    """The caller's devices."""
    return [device_public(d) for d in devices.list_devices(session, user=user)]


@router.delete("/devices/{device_id}", response_model=DevicePublic)
def revoke_device(device_id: str, session: DbSession, user: CurrentUser) -> DevicePublic:
    """Revoke one of the caller's devices."""
    return device_public(devices.revoke_device(session, user=user, device_id=device_id))
