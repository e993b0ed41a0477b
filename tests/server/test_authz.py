"""Authorisation matrix: every API endpoint x {client, freelancer, other client, other
freelancer, admin, anonymous, organisation manager, organisation viewer}. Nobody sees or
changes what is not theirs; an admin reads the admin endpoints and disputes, decides escalated
disputes, and is party to nothing. Contract A belongs to client A's organisation, where the
manager acts like the client and the viewer reads like the client and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from server_factories import sha, wire
from server_world import NOW, PASSWORD, Person, World, make_person
from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core.model import Segment
from workdiary.server.models import Dispute, DisputeSegment
from workdiary.testing.devices import DeviceChain
from workdiary.testing.images import make_jpeg

ACTORS = ("client", "freelancer", "other_client", "other_freelancer", "admin", "anonymous",
          "org_manager", "org_viewer")
WEEK = "2026-11-16"


@dataclass
class Case:
    world: World
    segment_ids: list[str]
    shot: str  # the first segment's own (bound) screenshot
    edited_memo: Segment  # the second segment re-signed with another memo
    admin: Person | None = None
    dispute_id: str = ""  # an open dispute of contract A over the second segment
    escalated_id: str = ""  # an escalated dispute of contract A over the first segment
    org: Org | None = None  # client A's organisation, which contract A belongs to

    def headers(self, actor: str) -> dict[str, str]:
        people = {"client": self.world.client_a, "freelancer": self.world.freelancer_a,
                  "other_client": self.world.client_b,
                  "other_freelancer": self.world.freelancer_b}
        if self.admin is not None:
            people["admin"] = self.admin
        if self.org is not None:
            people["org_manager"], people["org_viewer"] = self.org.manager, self.org.viewer
        return people[actor].headers if actor in people else {}


Call = Callable[[TestClient, Case, dict[str, str]], httpx.Response]


@dataclass
class Org:
    """Client A (owner) with a manager and a viewer; a pending invitation of client B."""

    id: str
    manager: Person
    viewer: Person
    invitation_id: str
    invitation_token: str


def _org(c: Case) -> Org:
    assert c.org is not None
    return c.org


def _contract(case: Case) -> str:
    return case.world.contract_a


def _published_release(api: TestClient) -> TestClient:
    from workdiary.server.services.desktop_release import DesktopRelease, publish

    publish(api.app.state.settings.data_dir, DesktopRelease(latest="9.9.9"))  # type: ignore[attr-defined]
    return api


def _offer(api: TestClient, c: Case) -> str:
    """An open offer from client A to freelancer A; returns its id."""
    response = api.post("/contracts", headers=c.headers("client"), json={
        "freelancer_email": c.world.freelancer_a.email, "title": "Offer", "rate": 20})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _paused(api: TestClient, c: Case) -> str:
    response = api.post(f"/contracts/{c.world.contract_a}/pause", headers=c.headers("client"))
    assert response.status_code == 200, response.text
    return c.world.contract_a


# Contract offers and lifecycle: only the parties act, each on their own side.
PARTIES_ONLY = {"other_client": 404, "other_freelancer": 404, "anonymous": 401}
CONTRACT_ENDPOINTS: dict[str, tuple[Call, dict[str, int]]] = {
    "POST /contracts": (
        lambda api, c, h: api.post("/contracts", headers=h, json={
            "freelancer_email": "someone.new@example.com", "title": "Work", "rate": "25.50"}),
        {"client": 201, "freelancer": 403, "other_client": 201, "other_freelancer": 403,
         "anonymous": 401}),
    "POST /contracts/{id}/accept": (
        lambda api, c, h: api.post(f"/contracts/{_offer(api, c)}/accept", headers=h),
        {"client": 403, "freelancer": 200, **PARTIES_ONLY}),
    "POST /contracts/{id}/decline": (
        lambda api, c, h: api.post(f"/contracts/{_offer(api, c)}/decline", headers=h),
        {"client": 403, "freelancer": 200, **PARTIES_ONLY}),
    "PATCH /contracts/{id}": (
        lambda api, c, h: api.patch(f"/contracts/{_contract(c)}", headers=h,
                                    json={"rate": 31, "policy": {"blur": True}}),
        {"client": 200, "freelancer": 403, **PARTIES_ONLY}),
    "POST /contracts/{id}/pause": (
        lambda api, c, h: api.post(f"/contracts/{_contract(c)}/pause", headers=h),
        {"client": 200, "freelancer": 403, **PARTIES_ONLY}),
    "POST /contracts/{id}/resume": (
        lambda api, c, h: api.post(f"/contracts/{_paused(api, c)}/resume", headers=h),
        {"client": 200, "freelancer": 403, **PARTIES_ONLY}),
    "POST /contracts/{id}/end": (
        lambda api, c, h: api.post(f"/contracts/{_contract(c)}/end", headers=h),
        {"client": 200, "freelancer": 200, **PARTIES_ONLY}),
    "GET /contracts/{id}/history": (
        lambda api, c, h: api.get(f"/contracts/{_contract(c)}/history", headers=h),
        {"client": 200, "freelancer": 200, **PARTIES_ONLY}),
}


ENDPOINTS: dict[str, tuple[Call, dict[str, int]]] = {
    **CONTRACT_ENDPOINTS,
    "GET /me": (lambda api, c, h: api.get("/me", headers=h),
                {"client": 200, "freelancer": 200, "other_client": 200,
                 "other_freelancer": 200, "anonymous": 401}),
    "DELETE /auth/tokens/current": (
        lambda api, c, h: api.delete("/auth/tokens/current", headers=h),
        {"client": 204, "freelancer": 204, "other_client": 204, "other_freelancer": 204,
         "anonymous": 401}),
    "GET /auth/tokens/current": (
        lambda api, c, h: api.get("/auth/tokens/current", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 200, "other_freelancer": 200,
         "anonymous": 401}),
    "POST /auth/tokens/current/renew": (
        lambda api, c, h: api.post("/auth/tokens/current/renew", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 200, "other_freelancer": 200,
         "anonymous": 401}),
    # Self-service accounts: sign-up, verification and reset are public (a token is ignored);
    # the world's accounts are operator-made, so verified (resend: 409).
    "POST /accounts": (
        lambda api, c, h: api.post("/accounts", headers=h, json={
            "email": "new@example.com", "name": "New", "password": PASSWORD,
            "role": "client"}),
        {"client": 201, "freelancer": 201, "other_client": 201, "other_freelancer": 201,
         "anonymous": 201}),
    "POST /auth/verify-email": (
        lambda api, c, h: api.post("/auth/verify-email", headers=h, json={"token": "nope"}),
        {"client": 400, "freelancer": 400, "other_client": 400, "other_freelancer": 400,
         "anonymous": 400}),
    "POST /auth/verify-email/resend": (
        lambda api, c, h: api.post("/auth/verify-email/resend", headers=h),
        {"client": 409, "freelancer": 409, "other_client": 409, "other_freelancer": 409,
         "anonymous": 401}),
    "POST /auth/password-reset": (
        lambda api, c, h: api.post("/auth/password-reset", headers=h,
                                   json={"email": c.world.client_a.email}),
        {"client": 202, "freelancer": 202, "other_client": 202, "other_freelancer": 202,
         "anonymous": 202}),
    "POST /auth/password-reset/confirm": (
        lambda api, c, h: api.post("/auth/password-reset/confirm", headers=h,
                                   json={"token": "nope", "password": "new password 1"}),
        {"client": 400, "freelancer": 400, "other_client": 400, "other_freelancer": 400,
         "anonymous": 400}),
    "POST /auth/password": (
        lambda api, c, h: api.post("/auth/password", headers=h, json={
            "current_password": PASSWORD, "new_password": "new password 1"}),
        {"client": 204, "freelancer": 204, "other_client": 204, "other_freelancer": 204,
         "anonymous": 401}),
    "POST /devices": (
        lambda api, c, h: api.post("/devices", headers=h, json={
            "name": "x", "public_key": DeviceChain(device_id="new").public_key}),
        {"client": 403, "freelancer": 201, "other_client": 403, "other_freelancer": 201,
         "anonymous": 401}),
    "GET /devices": (lambda api, c, h: api.get("/devices", headers=h),
                     {"client": 200, "freelancer": 200, "other_client": 200,
                      "other_freelancer": 200, "anonymous": 401}),
    "DELETE /devices/{id}": (
        lambda api, c, h: api.delete(f"/devices/{c.world.device.device_id}", headers=h),
        {"client": 404, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "GET /contracts": (lambda api, c, h: api.get("/contracts", headers=h),
                       {"client": 200, "freelancer": 200, "other_client": 200,
                        "other_freelancer": 200, "anonymous": 401}),
    "PUT /screenshots/{sha}": (
        lambda api, c, h: api.put(f"/screenshots/{sha(make_jpeg(seed=9))}", headers=h,
                                  content=make_jpeg(seed=9)),
        {"client": 403, "freelancer": 201, "other_client": 403, "other_freelancer": 201,
         "anonymous": 401}),
    "GET /screenshots/{sha}": (
        lambda api, c, h: api.get(f"/screenshots/{c.shot}", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "POST /segments": (
        lambda api, c, h: api.post("/segments", headers=h, json={"segments": [wire(
            c.world.device.segment(c.world.contract_a, NOW.replace(hour=11)))]}),
        {"client": 403, "freelancer": 200, "other_client": 403, "other_freelancer": 200,
         "anonymous": 401}),
    "DELETE /segments/{id}": (
        lambda api, c, h: api.delete(f"/segments/{c.segment_ids[0]}", headers=h),
        {"client": 404, "freelancer": 204, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "PUT /segments/{id} (memo edit)": (
        lambda api, c, h: api.put(f"/segments/{c.segment_ids[1]}", headers=h,
                                  json=wire(c.edited_memo)),
        {"client": 403, "freelancer": 200, "other_client": 403, "other_freelancer": 404,
         "anonymous": 401}),
    "GET diary": (
        lambda api, c, h: api.get(f"/contracts/{_contract(c)}/diary",
                                  params={"date": "2026-11-18"}, headers=h),
        {"client": 200, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "GET timesheet": (
        lambda api, c, h: api.get(f"/contracts/{_contract(c)}/timesheets/{WEEK}", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "POST approve": (
        lambda api, c, h: api.post(f"/contracts/{_contract(c)}/timesheets/{WEEK}/approve",
                                   headers=h),
        {"client": 409, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "POST disputes": (
        lambda api, c, h: api.post(f"/contracts/{_contract(c)}/disputes", headers=h,
                                   json={"segment_ids": c.segment_ids[:1], "reason": "no"}),
        {"client": 409, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "DELETE disputes/{id}": (
        lambda api, c, h: api.delete(f"/contracts/{_contract(c)}/disputes/nope", headers=h),
        {"client": 404, "freelancer": 404, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "GET /invoices": (lambda api, c, h: api.get("/invoices", headers=h),
                      {"client": 200, "freelancer": 200, "other_client": 200,
                       "other_freelancer": 200, "anonymous": 401}),
    "GET /desktop-release": (  # public: an app too old to log in still learns what to get
        lambda api, c, h: _published_release(api).get("/desktop-release", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 200, "other_freelancer": 200,
         "anonymous": 200}),
    "GET /invoices.csv": (lambda api, c, h: api.get("/invoices.csv", headers=h),
                          {"client": 200, "freelancer": 200, "other_client": 200,
                           "other_freelancer": 200, "anonymous": 401}),
    # Mail settings (docs/design.md "Mail"): each caller reads and sets only their own.
    "GET /me/notifications": (lambda api, c, h: api.get("/me/notifications", headers=h),
                              {"client": 200, "freelancer": 200, "other_client": 200,
                               "other_freelancer": 200, "anonymous": 401}),
    "PUT /me/notifications": (
        lambda api, c, h: api.put("/me/notifications", headers=h,
                                  json={"kinds": {"contract_changed": False}}),
        {"client": 200, "freelancer": 200, "other_client": 200, "other_freelancer": 200,
         "anonymous": 401}),
}

# The admin on the parties' endpoints: party to no contract, so it sees no contract's data
# (404 like a stranger), cannot register a device or upload (403 like a client), and reads
# a screenshot only while a dispute over its segment waits for a decision (the case's
# escalated dispute covers the first segment, so 200 here).
ADMIN_ON_PARTY_ENDPOINTS: dict[str, dict[str, int]] = {
    "GET /me": {"admin": 200}, "DELETE /auth/tokens/current": {"admin": 204},
    "GET /auth/tokens/current": {"admin": 200}, "POST /auth/tokens/current/renew": {"admin": 200},
    "POST /devices": {"admin": 403}, "GET /devices": {"admin": 200},
    "DELETE /devices/{id}": {"admin": 404}, "GET /contracts": {"admin": 200},
    "PUT /screenshots/{sha}": {"admin": 403}, "GET /screenshots/{sha}": {"admin": 200},
    "POST /segments": {"admin": 403}, "DELETE /segments/{id}": {"admin": 404},
    "GET diary": {"admin": 404}, "GET timesheet": {"admin": 404}, "POST approve": {"admin": 404},
    "POST disputes": {"admin": 404}, "DELETE disputes/{id}": {"admin": 404},
    "GET /invoices": {"admin": 200}, "GET /desktop-release": {"admin": 200},
    "GET /invoices.csv": {"admin": 200},
    # Issue 9's own endpoints: an admin is never a party to a contract (they see contracts
    # through /admin), has an account like anyone, and edits no segment.
    "GET /contracts/{id}/history": {"admin": 404}, "PATCH /contracts/{id}": {"admin": 404},
    "POST /contracts": {"admin": 403}, "POST /contracts/{id}/accept": {"admin": 404},
    "POST /contracts/{id}/decline": {"admin": 404}, "POST /contracts/{id}/end": {"admin": 404},
    "POST /contracts/{id}/pause": {"admin": 404}, "POST /contracts/{id}/resume": {"admin": 404},
    "PUT /segments/{id} (memo edit)": {"admin": 403},
    # An admin is sent no contract mail, so it has no such kind to turn off (422).
    "GET /me/notifications": {"admin": 200}, "PUT /me/notifications": {"admin": 422},
    "POST /accounts": {"admin": 201}, "POST /auth/password": {"admin": 204},
    "POST /auth/password-reset": {"admin": 202},
    "POST /auth/password-reset/confirm": {"admin": 400},
    "POST /auth/verify-email": {"admin": 400}, "POST /auth/verify-email/resend": {"admin": 409},
}

# Dispute conversations (issue 9): parties act by side, an admin reads and decides; anyone
# else learns nothing (404). Admin endpoints: admins only (403 for everyone signed in).
_PARTIES_ONLY = {"other_client": 404, "other_freelancer": 404, "anonymous": 401}
_ADMINS_ONLY = {"client": 403, "freelancer": 403, "other_client": 403,
                "other_freelancer": 403, "admin": 200, "anonymous": 401}
ENDPOINTS.update({
    "GET /disputes/{id}": (
        lambda api, c, h: api.get(f"/disputes/{c.dispute_id}", headers=h),
        {"client": 200, "freelancer": 200, "admin": 200, **_PARTIES_ONLY}),
    "POST /disputes/{id}/messages": (
        lambda api, c, h: api.post(f"/disputes/{c.dispute_id}/messages", headers=h,
                                   json={"text": "why?"}),
        {"client": 201, "freelancer": 201, "admin": 403, **_PARTIES_ONLY}),
    "POST /disputes/{id}/accept": (
        lambda api, c, h: api.post(f"/disputes/{c.dispute_id}/accept", headers=h),
        {"client": 403, "freelancer": 200, "admin": 403, **_PARTIES_ONLY}),
    "POST /disputes/{id}/contest": (
        lambda api, c, h: api.post(f"/disputes/{c.dispute_id}/contest", headers=h),
        {"client": 403, "freelancer": 200, "admin": 403, **_PARTIES_ONLY}),
    "POST /disputes/{id}/decision": (
        lambda api, c, h: api.post(f"/disputes/{c.escalated_id}/decision", headers=h,
                                   json={"outcome": "refund", "note": "no evidence"}),
        {"client": 403, "freelancer": 403, "admin": 200, **_PARTIES_ONLY}),
    "GET /admin/users": (lambda api, c, h: api.get("/admin/users", headers=h), _ADMINS_ONLY),
    "POST /admin/users/{id}/disable": (
        lambda api, c, h: api.post(f"/admin/users/{c.world.freelancer_b.id}/disable",
                                   headers=h), _ADMINS_ONLY),
    "POST /admin/users/{id}/enable": (
        lambda api, c, h: api.post(f"/admin/users/{c.world.freelancer_b.id}/enable",
                                   headers=h), _ADMINS_ONLY),
    "GET /admin/contracts": (lambda api, c, h: api.get("/admin/contracts", headers=h),
                             _ADMINS_ONLY),
    "GET /admin/disputes": (lambda api, c, h: api.get("/admin/disputes", headers=h),
                            _ADMINS_ONLY),
    "GET /admin/audit": (lambda api, c, h: api.get("/admin/audit", headers=h), _ADMINS_ONLY),
})

# Team dashboard (clients) and a freelancer's own weeks (issue 10): each reads only the
# caller's contracts, so any client or freelancer gets 200 on their own side; the other role
# and the admin (party to nothing) get 403.
ENDPOINTS.update({
    "GET /dashboard": (lambda api, c, h: api.get("/dashboard", headers=h,
                                                 params={"week": WEEK}),
                       {"client": 200, "freelancer": 403, "other_client": 200,
                        "other_freelancer": 403, "admin": 403, "anonymous": 401}),
    "GET /me/weeks": (lambda api, c, h: api.get("/me/weeks", headers=h,
                                                params={"from": WEEK, "to": WEEK}),
                      {"client": 403, "freelancer": 200, "other_client": 403,
                       "other_freelancer": 200, "admin": 403, "anonymous": 401}),
})


# Reports and PDFs (issue 10): a report covers the contracts the caller can see (an admin sees
# none, so an empty report); naming another's contract or invoice is 404 like elsewhere.
def _invoice(api: TestClient, c: Case) -> str:
    """An invoice of contract A for the week before the case's (as the week job writes one)."""
    from workdiary.server.models import Invoice

    with api.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        invoice = Invoice(contract_id=c.world.contract_a, week_start=NOW.date() - timedelta(days=9),
                          billable_seconds=3600, rate_cents=2500, amount_cents=2500,
                          currency="USD", status="in_review", created_at=NOW)
        db.add(invoice)
        db.commit()
        return invoice.id


_SIGNED_IN = {"client": 200, "freelancer": 200, "other_client": 200, "other_freelancer": 200,
              "admin": 200, "anonymous": 401}
_PARTIES = {"client": 200, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
            "admin": 404, "anonymous": 401}
ENDPOINTS.update({
    "GET /reports/hours": (lambda api, c, h: api.get("/reports/hours", headers=h), _SIGNED_IN),
    "GET /reports/hours?contract=A": (
        lambda api, c, h: api.get(f"/reports/hours?contract={c.world.contract_a}"
                                  "&from=2026-11-01&to=2026-11-30", headers=h), _PARTIES),
    "GET /reports/hours?contract=A&format=csv": (
        lambda api, c, h: api.get(f"/reports/hours?contract={c.world.contract_a}&format=csv",
                                  headers=h), _PARTIES),
    "GET /reports/hours?contract=A&format=pdf": (
        lambda api, c, h: api.get(f"/reports/hours?contract={c.world.contract_a}&format=pdf",
                                  headers=h), _PARTIES),
    "GET /invoices/{id}.pdf": (
        lambda api, c, h: api.get(f"/invoices/{_invoice(api, c)}.pdf", headers=h), _PARTIES),
})

# Organisations (issue 10). Contract A belongs to client A's organisation: its manager acts
# like the client, its viewer reads like the client and gets 403 read_only_member for every
# change; neither sees anything else of client A's (an offer outside the organisation: 404).
# Both are client accounts of their own, so what any client may do for themselves they may.
_MANAGER_LIKE_CLIENT = ("PATCH /contracts/{id}", "POST /contracts/{id}/pause",
                        "POST /contracts/{id}/resume", "POST /contracts/{id}/end",
                        "POST approve", "POST disputes", "POST /disputes/{id}/messages")
_VIEWER_READ_ONLY = {e: 403 for e in _MANAGER_LIKE_CLIENT}
ORG_MEMBERS_ON_PARTY_ENDPOINTS: dict[str, dict[str, int]] = {
    endpoint: {"org_manager": expected["client"], "org_viewer": expected["client"]}
    for endpoint, (_call, expected) in ENDPOINTS.items()}
for _endpoint in _MANAGER_LIKE_CLIENT:
    ORG_MEMBERS_ON_PARTY_ENDPOINTS[_endpoint]["org_viewer"] = 403
ORG_MEMBERS_ON_PARTY_ENDPOINTS.update({
    # client A's offer outside the organisation: the members learn nothing of it
    "POST /contracts/{id}/accept": {"org_manager": 404, "org_viewer": 404},
    "POST /contracts/{id}/decline": {"org_manager": 404, "org_viewer": 404},
    # withdrawing an unknown dispute: the dispute is looked up first (404 for everyone)
    "DELETE disputes/{id}": {"org_manager": 404, "org_viewer": 404},
})


_MEMBERS_ONLY = {"other_client": 404, "other_freelancer": 404, "freelancer": 404,
                 "admin": 404, "anonymous": 401}
_OWNERS_ONLY = {"client": 403, "org_manager": 403, "org_viewer": 403}  # client A is the owner
_ORG_ENDPOINTS: dict[str, tuple[Call, dict[str, int]]] = {
    "POST /organisations": (
        lambda api, c, h: api.post("/organisations", headers=h, json={"name": "Acme"}),
        {"client": 201, "freelancer": 403, "other_client": 201, "other_freelancer": 403,
         "admin": 403, "anonymous": 401, "org_manager": 201, "org_viewer": 201}),
    "GET /organisations": (
        lambda api, c, h: api.get("/organisations", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 200, "other_freelancer": 200,
         "admin": 200, "anonymous": 401, "org_manager": 200, "org_viewer": 200}),
    "GET /organisations/{id}": (
        lambda api, c, h: api.get(f"/organisations/{_org(c).id}", headers=h),
        {**_MEMBERS_ONLY, "client": 200, "org_manager": 200, "org_viewer": 200}),
    "POST /organisations/{id}/invitations": (
        lambda api, c, h: api.post(f"/organisations/{_org(c).id}/invitations", headers=h,
                                   json={"email": "new.member@example.com", "role": "viewer"}),
        {**_MEMBERS_ONLY, **_OWNERS_ONLY, "client": 201}),
    "DELETE /organisations/{id}/invitations/{id}": (
        lambda api, c, h: api.delete(
            f"/organisations/{_org(c).id}/invitations/{_org(c).invitation_id}", headers=h),
        {**_MEMBERS_ONLY, **_OWNERS_ONLY, "client": 204}),
    "POST /organisation-invitations/accept": (  # the invitation is client B's
        lambda api, c, h: api.post("/organisation-invitations/accept", headers=h,
                                   json={"token": _org(c).invitation_token}),
        {"client": 403, "freelancer": 403, "other_client": 200, "other_freelancer": 403,
         "admin": 403, "anonymous": 401, "org_manager": 403, "org_viewer": 403}),
    "PATCH /organisations/{id}/members/{id}": (
        lambda api, c, h: api.patch(f"/organisations/{_org(c).id}/members/{_org(c).viewer.id}",
                                    headers=h, json={"role": "manager"}),
        {**_MEMBERS_ONLY, **_OWNERS_ONLY, "client": 200}),
    "DELETE /organisations/{id}/members/{id}": (  # the viewer may leave
        lambda api, c, h: api.delete(f"/organisations/{_org(c).id}/members/{_org(c).viewer.id}",
                                     headers=h),
        {**_MEMBERS_ONLY, **_OWNERS_ONLY, "client": 204, "org_viewer": 204}),
    "POST /contracts/{id}/organisation": (
        lambda api, c, h: api.post(f"/contracts/{_offer(api, c)}/organisation", headers=h,
                                   json={"organisation_id": _org(c).id}),
        {"client": 200, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "admin": 404, "anonymous": 401, "org_manager": 404, "org_viewer": 404}),
}
ENDPOINTS.update(_ORG_ENDPOINTS)

# One organisation's dashboard (issue 10): its members read it (the viewer too); anyone else
# learns nothing (404), a freelancer or admin is refused the dashboard itself (403).
ENDPOINTS.update({
    "GET /dashboard?org={id}": (
        lambda api, c, h: api.get("/dashboard", headers=h,
                                  params={"week": WEEK, "org": _org(c).id}),
        {"client": 200, "freelancer": 403, "other_client": 404, "other_freelancer": 403,
         "admin": 403, "anonymous": 401, "org_manager": 200, "org_viewer": 200}),
    # The hours report of all an organisation's contracts: the same members-only rule.
    "GET /reports/hours?org={id}": (
        lambda api, c, h: api.get("/reports/hours", headers=h, params={"org": _org(c).id}),
        {"client": 200, "freelancer": 404, "other_client": 404, "other_freelancer": 404,
         "admin": 404, "anonymous": 401, "org_manager": 200, "org_viewer": 200}),
})


def _organisation(session: Session, world: World) -> Org:
    """Client A's organisation owning contract A, with a manager and a viewer (rows written
    directly; test_organisations.py goes through the mailed invitations), and client B's
    pending invitation (its token read from the queued mail)."""
    from workdiary.server.models import Contract, MailRow, OrganisationMember, User
    from workdiary.server.services import organisation_invitations, organisations

    owner = session.get(User, world.client_a.id)
    assert owner is not None
    org = organisations.create_organisation(session, user=owner, name="Client A Ltd", now=NOW)
    manager = make_person(session, "manager@example.com", "client")
    viewer = make_person(session, "viewer@example.com", "client")
    for person, role in ((manager, "manager"), (viewer, "viewer")):
        session.add(OrganisationMember(organisation_id=org.id, user_id=person.id, role=role,
                                       added_at=NOW, added_by=owner.id))
    contract = session.get(Contract, world.contract_a)
    assert contract is not None
    contract.organisation_id = org.id
    session.commit()
    invitation = organisation_invitations.invite(
        session, user=owner, organisation_id=org.id, email=world.client_b.email,
        role="viewer", now=NOW)
    row = session.scalars(select(MailRow).where(MailRow.kind == "organisation_invitation")
                          ).one()
    token = json.loads(row.context)["link"].split("token=")[1]
    return Org(org.id, manager, viewer, invitation.id, token)


# Portable evidence (issue 10): the server key is public; a week's bundle is either party's
# (an admin is party to nothing: 404 like a stranger).
ENDPOINTS.update({
    "GET /server-key": (lambda api, c, h: api.get("/server-key", headers=h),
                        {"client": 200, "freelancer": 200, "other_client": 200,
                         "other_freelancer": 200, "admin": 200, "anonymous": 200,
                         "org_manager": 200, "org_viewer": 200}),
    "GET /contracts/{id}/weeks/{w}/evidence": (
        lambda api, c, h: api.get(f"/contracts/{_contract(c)}/weeks/{WEEK}/evidence",
                                  headers=h),
        {"client": 200, "freelancer": 200, "admin": 404, **_PARTIES_ONLY,
         "org_manager": 200, "org_viewer": 200}),  # members read like the client
})


def _dispute(session: Session, world: World, segment_id: str, state: str) -> str:
    """A dispute of contract A in ``state``, written directly (the matrix probes who may act
    on one; the API tests build them through the week's real steps)."""
    dispute = Dispute(contract_id=world.contract_a, week_start=NOW.date() - timedelta(days=2),
                      reason="probe", created_by=world.client_a.id, created_at=NOW,
                      state=state, escalated_at=NOW if state == "escalated" else None)
    session.add(dispute)
    session.flush()
    session.add(DisputeSegment(dispute_id=dispute.id, segment_id=segment_id))
    session.commit()
    return dispute.id


@pytest.fixture
def case(api: TestClient, world: World, session: Session) -> Case:
    nine = NOW.replace(hour=9, minute=0)
    segs = [world.device.segment(world.contract_a, nine + timedelta(minutes=10 * i))
            for i in range(2)]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segs]})
    assert response.status_code == 200
    shot = segs[0].screenshots[0].sha256
    assert shot is not None
    edited = world.device.sign(replace(segs[1], memo="a better memo"))
    admin = make_person(session, "admin@example.com", "admin")
    return Case(world, [s.id for s in segs], shot, edited, admin,
                _dispute(session, world, segs[1].id, "open"),
                _dispute(session, world, segs[0].id, "escalated"),
                _organisation(session, world))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_matrix(api: TestClient, case: Case, endpoint: str, actor: str) -> None:
    call, expected = ENDPOINTS[endpoint]
    expected = {**expected, **ADMIN_ON_PARTY_ENDPOINTS.get(endpoint, {}),
                **ORG_MEMBERS_ON_PARTY_ENDPOINTS.get(endpoint, {})}
    response = call(api, case, case.headers(actor))
    assert response.status_code == expected[actor], response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message"}
    if actor == "org_viewer" and endpoint in _MANAGER_LIKE_CLIENT:
        assert response.json()["error"]["code"] == "read_only_member", response.text
    if endpoint == "POST /segments" and actor == "other_freelancer":
        # Accepted as a request, but nothing of it is billed: not their device or contract.
        verdict = response.json()["segments"][0]
        assert verdict["status"] == "rejected"
        assert (verdict["billable_seconds"], verdict["billable_minutes"]) == (0, 0)


def test_lists_show_only_the_callers_own(api: TestClient, case: Case) -> None:
    w = case.world
    seen = {actor: {c["id"] for c in api.get("/contracts", headers=case.headers(actor)).json()}
            for actor in ACTORS[:4]}
    assert seen == {"client": {w.contract_a}, "freelancer": {w.contract_a, w.contract_ab},
                    "other_client": {w.contract_b, w.contract_ab},
                    "other_freelancer": {w.contract_b}}
    devices = api.get("/devices", headers=case.headers("other_freelancer")).json()
    assert devices == []
    for actor, role in (("org_manager", "client"), ("org_viewer", "viewer"),
                        ("client", "client")):
        [contract] = api.get("/contracts", headers=case.headers(actor)).json()
        assert (contract["id"], contract["role"]) == (w.contract_a, role)
        assert contract["organisation"]["name"] == "Client A Ltd"


def test_login_and_logout(api: TestClient, world: World) -> None:
    ok = api.post("/auth/tokens", json={"email": world.client_a.email, "password": PASSWORD,
                                        "device_name": "cli"})
    assert ok.status_code == 201 and ok.json()["user"]["role"] == "client"
    headers = {"Authorization": f"Bearer {ok.json()['token']}"}
    assert api.get("/me", headers=headers).status_code == 200
    assert api.delete("/auth/tokens/current", headers=headers).status_code == 204
    again = api.get("/me", headers=headers)
    assert again.status_code == 401 and again.json()["error"]["code"] == "invalid_token"


def test_login_is_rate_limited(api: TestClient, world: World, clock) -> None:
    body = {"email": world.client_a.email, "password": "wrong password"}
    codes = [api.post("/auth/tokens", json=body).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    right = {"email": world.client_a.email, "password": PASSWORD}
    assert api.post("/auth/tokens", json=right).status_code == 429
    clock.advance(15 * 60)
    assert api.post("/auth/tokens", json=right).status_code == 201


METRICS_TOKEN = "operator-metrics-token-0123456789"
# Operator endpoints beside the API: health for anyone (load balancers ask without a login),
# metrics only for the operator's token; no user token opens them.
OPS_ENDPOINTS: dict[str, dict[str, int]] = {
    "GET /healthz": {"client": 200, "freelancer": 200, "other_client": 200,
                     "other_freelancer": 200, "anonymous": 200, "operator": 200},
    "GET /readyz": {"client": 200, "freelancer": 200, "other_client": 200,
                    "other_freelancer": 200, "anonymous": 200, "operator": 200},
    "GET /metrics": {"client": 401, "freelancer": 401, "other_client": 401,
                     "other_freelancer": 401, "anonymous": 401, "operator": 200},
}


@pytest.mark.parametrize("endpoint", sorted(OPS_ENDPOINTS))
def test_ops_matrix(settings, clock, world: World, endpoint: str) -> None:
    import dataclasses

    from workdiary.server.app import create_app

    app = create_app(dataclasses.replace(settings, metrics_token=METRICS_TOKEN), clock=clock)
    case = Case(world, [], "", world.device.segment(world.contract_a, NOW))
    with TestClient(app) as client:
        for actor, expected in OPS_ENDPOINTS[endpoint].items():
            headers = ({"Authorization": f"Bearer {METRICS_TOKEN}"} if actor == "operator"
                       else case.headers(actor))
            method, path = endpoint.split(" ")
            response = client.request(method, path, headers=headers)
            assert response.status_code == expected, (actor, response.text)
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message"}
    app.state.engine.dispose()


def test_metrics_are_off_without_a_token(api: TestClient, world: World) -> None:
    for headers in ({}, world.client_a.headers, {"Authorization": "Bearer anything"}):
        response = api.get("http://testserver/metrics", headers=headers)
        assert response.status_code == 404
        assert "WORKDIARY_METRICS_TOKEN" in response.json()["error"]["message"]
