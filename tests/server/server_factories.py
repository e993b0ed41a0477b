"""Wire bodies of signed segments for the server tests (the device chain is the kit's)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from workdiary.core.canonical import segment_to_dict
from workdiary.core.model import Segment
from workdiary.testing.devices import DeviceChain


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wire(segment: Segment, **changes: Any) -> dict[str, Any]:
    """The JSON body of a segment, with optional field changes after signing."""
    data = segment_to_dict(segment)
    data.update(changes)
    return data


def resigned(chain: DeviceChain, segment: Segment, **changes: Any) -> Segment:
    return chain.sign(replace(segment, **changes))
