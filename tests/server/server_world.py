"""The people and contracts of the server tests (imported by conftest and tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from workdiary.server.services import users
from workdiary.testing.devices import DeviceChain

PASSWORD = "a long enough password"
# Wednesday 2026-11-18 12:00 UTC: the week of Monday 2026-11-16.
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


@dataclass
class Person:
    id: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """Client A hired freelancer A on contract A; client B hired freelancer B on contract B.

    Freelancer A also works for client B on contract AB (to test overlaps across contracts).
    Freelancer A's device is registered; ``shot`` is an uploaded JPEG's SHA-256.
    """

    client_a: Person
    freelancer_a: Person
    client_b: Person
    freelancer_b: Person
    contract_a: str
    contract_b: str
    contract_ab: str
    device: DeviceChain
    shot: str


def make_person(session: Session, email: str, role: str) -> Person:
    user = users.create_user(session, email=email, name=email.split("@")[0].title(), role=role,
                             password=PASSWORD, now=NOW)
    token = users.issue_token(session, user=user, device_name="test", now=NOW)
    return Person(user.id, email, token)


