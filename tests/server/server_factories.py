"""Wire bodies of signed segments for the server tests (the device chain is the kit's)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from workdiary.core.canonical import segment_to_dict
from workdiary.core.model import Segment
from workdiary.testing.devices import DeviceChain, stamped_jpeg  # noqa: F401 (re-exported)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wire(segment: Segment, **changes: Any) -> dict[str, Any]:
    """The JSON body of a segment, with optional field changes after signing."""
    data = segment_to_dict(segment)
    data.update(changes)
    return data


def resigned(chain: DeviceChain, segment: Segment, **changes: Any) -> Segment:
    return chain.sign(replace(segment, **changes))


def device_uploader(api: Any, headers: dict[str, str], device: DeviceChain
                    ) -> Callable[[bytes], str]:
    """Uploads an image as ``device`` (PUT /screenshots with the device header), with the
    owner's ``headers``; returns its SHA-256."""

    def upload(image: bytes) -> str:
        digest = sha(image)
        response = api.put(f"/screenshots/{digest}", content=image,
                           headers={**headers, "X-Workdiary-Device": device.device_id})
        if response.status_code == 422 and response.json()["error"]["code"] == "unknown_device":
            # A revoked or unregistered device (tests of those verdicts): its picture goes
            # unbound, as the real desktop's would be refused and its segment rejected anyway.
            response = api.put(f"/screenshots/{digest}", content=image, headers=headers)
        assert response.status_code in (200, 201), response.text
        return digest

    return upload


def set_weekly_limit(session: Any, contract_id: str, minutes: int | None) -> None:
    """Set a contract's weekly limit for every week, as if it had been so from the start
    (the contract row and its terms rows: each week is judged by its terms)."""
    from sqlalchemy import update

    from workdiary.server.models import Contract, ContractTerms

    session.get(Contract, contract_id).weekly_limit_minutes = minutes
    session.execute(update(ContractTerms).where(ContractTerms.contract_id == contract_id)
                    .values(weekly_limit_minutes=minutes))
    session.commit()
