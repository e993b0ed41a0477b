"""The OpenAPI document lists exactly the JSON API of DESIGN.md (no web pages)."""

from __future__ import annotations

from fastapi.testclient import TestClient

DESIGN = {
    ("post", "/api/v1/auth/tokens"), ("delete", "/api/v1/auth/tokens/current"),
    ("get", "/api/v1/auth/tokens/current"), ("post", "/api/v1/auth/tokens/current/renew"),
    ("get", "/api/v1/me"), ("get", "/api/v1/me/notifications"), ("put", "/api/v1/me/notifications"),
    ("post", "/api/v1/devices"), ("get", "/api/v1/devices"),
    ("delete", "/api/v1/devices/{device_id}"), ("get", "/api/v1/contracts"),
    ("put", "/api/v1/screenshots/{sha256}"), ("get", "/api/v1/screenshots/{sha256}"),
    ("post", "/api/v1/segments"), ("delete", "/api/v1/segments/{segment_id}"),
    ("put", "/api/v1/segments/{segment_id}"),
    ("get", "/api/v1/contracts/{contract_id}/diary"),
    ("get", "/api/v1/contracts/{contract_id}/timesheets/{week_start}"),
    ("post", "/api/v1/contracts/{contract_id}/timesheets/{week_start}/approve"),
    ("post", "/api/v1/contracts/{contract_id}/disputes"),
    ("delete", "/api/v1/contracts/{contract_id}/disputes/{dispute_id}"),
    ("get", "/api/v1/invoices"), ("get", "/api/v1/invoices.csv"),
    ("get", "/api/v1/desktop-release"),
    ("post", "/api/v1/accounts"), ("post", "/api/v1/auth/verify-email"),
    ("post", "/api/v1/auth/verify-email/resend"), ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"), ("post", "/api/v1/auth/password"),
}
# Contract offers and lifecycle (issue 9).
DESIGN |= {
    ("post", "/api/v1/contracts"), ("patch", "/api/v1/contracts/{contract_id}"),
    ("post", "/api/v1/contracts/{contract_id}/accept"),
    ("post", "/api/v1/contracts/{contract_id}/decline"),
    ("post", "/api/v1/contracts/{contract_id}/pause"),
    ("post", "/api/v1/contracts/{contract_id}/resume"),
    ("post", "/api/v1/contracts/{contract_id}/end"),
    ("get", "/api/v1/contracts/{contract_id}/history"),
}
# Dispute conversations and admins (issue 9).
DESIGN |= {
    ("get", "/api/v1/disputes/{dispute_id}"), ("post", "/api/v1/disputes/{dispute_id}/messages"),
    ("post", "/api/v1/disputes/{dispute_id}/accept"),
    ("post", "/api/v1/disputes/{dispute_id}/contest"),
    ("post", "/api/v1/disputes/{dispute_id}/decision"),
    ("get", "/api/v1/admin/users"), ("post", "/api/v1/admin/users/{user_id}/disable"),
    ("post", "/api/v1/admin/users/{user_id}/enable"), ("get", "/api/v1/admin/contracts"),
    ("get", "/api/v1/admin/disputes"), ("get", "/api/v1/admin/audit"),
}
# Portable evidence (issue 10).
DESIGN |= {
    ("get", "/api/v1/server-key"),
    ("get", "/api/v1/contracts/{contract_id}/weeks/{week_start}/evidence"),
}

# Organisations (issue 10).
DESIGN |= {
    ("post", "/api/v1/organisations"), ("get", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{organisation_id}"),
    ("post", "/api/v1/organisations/{organisation_id}/invitations"),
    ("delete", "/api/v1/organisations/{organisation_id}/invitations/{invitation_id}"),
    ("post", "/api/v1/organisation-invitations/accept"),
    ("patch", "/api/v1/organisations/{organisation_id}/members/{user_id}"),
    ("delete", "/api/v1/organisations/{organisation_id}/members/{user_id}"),
    ("post", "/api/v1/contracts/{contract_id}/organisation"),
}


# Reports and PDFs (issue 10).
DESIGN |= {("get", "/api/v1/reports/hours"), ("get", "/api/v1/invoices/{invoice_id}.pdf")}

# Team dashboard and the freelancer's weeks (issue 10).
DESIGN |= {("get", "/api/v1/dashboard"), ("get", "/api/v1/me/weeks")}


def test_every_design_endpoint_is_documented(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    listed = {(method, path) for path, item in document["paths"].items() for method in item}
    assert listed == DESIGN
    error = document["components"]["schemas"]["ErrorBody"]
    assert error["properties"]["error"]
    segments = document["paths"]["/api/v1/segments"]["post"]
    assert {"200", "401", "409", "413", "422"} <= set(segments["responses"])
