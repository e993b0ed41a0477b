"""Each page renders, shows the right facts, and only to the contract's parties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from workdiary.server.models import Contract, Dispute, Invoice
from workdiary.server.services.weeks import close_weeks

from .webworld import PASSWORD, PEOPLE, World, add_segment, csrf_of, sign_in

AFTER_LOCK = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # the week of 2026-11-23 is in review


def contract_pages(world: World) -> list[str]:
    cid, sha = world.contract_id, world.shas[0]
    return [
        f"/contracts/{cid}/diary/2026-11-24",
        f"/contracts/{cid}/diary/2026-11-24?tz=America/New_York",
        f"/contracts/{cid}/timesheets/2026-11-23",
        f"/contracts/{cid}/screenshots/{sha}",
        f"/contracts/{cid}/screenshots/{sha}/full",
        f"/contracts/{cid}/screenshots/{sha}/thumb",
        f"/contracts/{cid}/timesheets/2026-11-23/evidence.zip",
    ]


def lock_week(world: World) -> None:
    world.clock.advance((AFTER_LOCK - world.clock.now()).total_seconds())
    with world.app.state.sessionmaker() as db:
        close_weeks(db, world.clock.now())


@pytest.mark.parametrize("who", ["client", "freelancer"])
def test_parties_see_every_contract_page(world: World, who: str) -> None:
    client = sign_in(world.app, who)
    for url in contract_pages(world):
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:500])
    assert client.get(f"/contracts/{world.contract_id}/screenshots/{world.shas[0]}/thumb") \
        .headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize("who", ["other_client", "other_freelancer"])
def test_others_get_404_on_every_contract_page(world: World, who: str) -> None:
    client = sign_in(world.app, who)
    for url in contract_pages(world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "not yours to see" in response.text
        assert "Checkout redesign" not in response.text


def test_anonymous_is_sent_to_login_everywhere(world: World) -> None:
    client = sign_in(world.app, None)
    for url in [*contract_pages(world), "/", "/invoices", "/invoices.csv", "/devices"]:
        response = client.get(url)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/login?next=%2F"), url


def test_screenshot_of_another_contract_is_404_even_for_a_party(world: World) -> None:
    client = sign_in(world.app, "client")
    with world.app.state.sessionmaker() as db:
        from workdiary.server.models import SegmentScreenshot
        other_sha = db.query(SegmentScreenshot).filter_by(
            contract_id=world.other_contract_id).one().sha256
    for suffix in ("", "/full", "/thumb"):
        url = f"/contracts/{world.contract_id}/screenshots/{other_sha}{suffix}"
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", list(PEOPLE))
def test_lists_show_only_the_viewers_contracts(world: World, who: str) -> None:
    lock_week(world)  # so there are invoices to list
    client = sign_in(world.app, who)
    mine = "Checkout redesign" if who in ("client", "freelancer") else "Other contract"
    theirs = "Other contract" if mine == "Checkout redesign" else "Checkout redesign"
    for url in ("/", "/invoices", "/invoices.csv"):
        text = client.get(url).text
        assert mine in text, url
        assert theirs not in text, url


def test_diary_shows_cells_with_evidence_and_totals(world: World) -> None:
    client = sign_in(world.app, "client")
    html = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24?tz=UTC").text
    assert html.count('class="seg s-') == 5
    assert "s-protected" in html and "s-unprotected" in html and "s-rejected" in html
    assert "Overlaps time already recorded" in html  # the rejected segment's reason
    assert "No memo" in html  # the unprotected segment's reason
    assert "Screenshot redacted by the freelancer" in html
    assert 'aria-label="Activity: 7 of 10 minutes active' in html  # 7 active minutes of 10
    assert "Cart page layout" in html
    assert "0:50" in html and "0:40" in html  # tracked and billable (rejected is not billable)
    assert f"/contracts/{world.contract_id}/screenshots/{world.shas[0]}/thumb" in html
    assert "/diary/2026-11-23" in html and "/diary/2026-11-25" in html  # previous/next day


def test_a_repeated_capture_failure_is_said_once_above_the_grid(world: World) -> None:
    with world.app.state.sessionmaker() as db:
        contract = db.scalars(select(Contract).where(Contract.id == world.contract_id)).one()
    reason = ("No X display: DISPLAY is not set, so the screen and input cannot be captured. "
              "Run workdiary inside a graphical X11 session.")
    start = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    for index in range(3):
        add_segment(world.app, contract=contract, start=start + timedelta(minutes=10 * index),
                    status="unprotected", reasons=("capture_failed",), failed=reason,
                    seq=100 + index)
    html = sign_in(world.app, "client").get(
        f"/contracts/{world.contract_id}/diary/2026-11-26?tz=UTC").text
    assert html.count('class="seg s-') == 3
    assert f'<li id="capture-failure-1">Capture failed 3 times since 09:03: {reason}</li>' in html
    assert html.count("see note 1") == 3
    assert "Capture failed:<br>" not in html  # the reason is not repeated under each cell


def test_diary_in_another_zone_moves_the_hours_and_remembers_the_zone(world: World) -> None:
    client = sign_in(world.app, "client")
    html = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24?tz=Asia/Kolkata").text
    assert "Asia/Kolkata (UTC+05:30)" in html
    assert "14:30–14:40" in html  # 09:00 UTC segment at +05:30
    again = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24").text
    assert "Asia/Kolkata (UTC+05:30)" in again


def test_unknown_zone_falls_back_to_utc_with_a_note(world: World) -> None:
    client = sign_in(world.app, "client")
    html = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24?tz=Mars/Olympus").text
    assert "is not a time zone this server knows" in html
    assert "UTC (UTC+00:00)" in html


def test_week_boundary_is_marked_inside_a_local_day(world: World) -> None:
    client = sign_in(world.app, "client")
    # Monday 2026-11-23 00:00 UTC is Sunday 22 Nov 19:00 in New York.
    html = client.get(f"/contracts/{world.contract_id}/diary/2026-11-22"
                      "?tz=America/New_York").text
    assert "The billing week changes on this day at <strong>19:00</strong>" in html
    assert "Billing week starts" in html
    plain = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24?tz=UTC").text
    assert "billing week changes" not in plain


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "1850-01-01"])
def test_bad_dates_are_a_clear_400(world: World, bad: str) -> None:
    client = sign_in(world.app, "client")
    response = client.get(f"/contracts/{world.contract_id}/diary/{bad}")
    assert response.status_code == 400
    assert "text/html" in response.headers["content-type"]
    assert "YYYY-MM-DD" in response.text or "2000 to 2100" in response.text


def test_timesheet_week_must_start_on_monday(world: World) -> None:
    client = sign_in(world.app, "client")
    response = client.get(f"/contracts/{world.contract_id}/timesheets/2026-11-24")
    assert response.status_code == 400
    assert "Open the week of 2026-11-23 instead" in response.text


def test_date_picker_redirects_to_the_day(world: World) -> None:
    client = sign_in(world.app, "client")
    response = client.get(f"/contracts/{world.contract_id}/diary?date=2026-11-24&tz=UTC")
    assert response.status_code == 303
    assert response.headers["location"] == \
        f"/contracts/{world.contract_id}/diary/2026-11-24?tz=UTC"


def test_client_disputes_withdraws_and_approves_a_week_in_review(world: World) -> None:
    lock_week(world)
    client = sign_in(world.app, "client")
    page = f"/contracts/{world.contract_id}/timesheets/2026-11-23"
    html = client.get(page).text
    assert "Approve $30.00" in html  # 40 billable minutes at $45/h
    response = client.post(f"/contracts/{world.contract_id}/disputes", data={
        "csrf_token": csrf_of(html), "segment_ids": [world.segment_ids[0]],
        "reason": "Unrelated work in the screenshot", "return_to": page})
    assert response.status_code == 303
    html = client.get(page).text
    assert "1 segment disputed" in html
    assert "Unrelated work in the screenshot" in html
    assert "Approve $22.50" in html  # 30 minutes left
    diary = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24?tz=UTC").text
    assert "mark-disputed" in diary
    with world.app.state.sessionmaker() as db:
        dispute_id = db.query(Dispute).one().id
    client.post(f"/contracts/{world.contract_id}/disputes/{dispute_id}/withdraw",
                data={"csrf_token": csrf_of(html), "return_to": page})
    html = client.get(page).text
    assert "Dispute withdrawn" in html and "Approve $30.00" in html
    client.post(f"{page}/approve", data={"csrf_token": csrf_of(html)})
    html = client.get(page).text
    assert "approved: $30.00 will be paid" in html
    with world.app.state.sessionmaker() as db:
        assert db.query(Invoice).filter_by(contract_id=world.contract_id).one().status == \
            "approved"


def test_freelancer_cannot_approve_or_dispute(world: World) -> None:
    lock_week(world)
    client = sign_in(world.app, "freelancer")
    page = f"/contracts/{world.contract_id}/timesheets/2026-11-23"
    html = client.get(page).text
    assert "Approve" not in html and "Dispute selected" not in html
    client.post(f"{page}/approve", data={"csrf_token": csrf_of(html)})
    assert "client approves its weeks" in client.get(page).text
    client.post(f"/contracts/{world.contract_id}/disputes", data={
        "csrf_token": csrf_of(html), "segment_ids": [world.segment_ids[0]], "reason": "x"})
    with world.app.state.sessionmaker() as db:
        assert db.query(Invoice).filter_by(contract_id=world.contract_id).one().status == \
            "in_review"


@pytest.mark.parametrize("who", ["other_client", "other_freelancer"])
def test_others_cannot_act_on_the_contract(world: World, who: str) -> None:
    lock_week(world)
    client = sign_in(world.app, who)
    token = csrf_of(client.get("/").text)
    cid = world.contract_id
    for url, data in (
        (f"/contracts/{cid}/timesheets/2026-11-23/approve", {}),
        (f"/contracts/{cid}/disputes", {"segment_ids": world.segment_ids[0], "reason": "x"}),
        (f"/contracts/{cid}/disputes/nope/withdraw", {}),
    ):
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 404, url
    with world.app.state.sessionmaker() as db:
        assert db.query(Invoice).filter_by(contract_id=cid).one().status == "in_review"


def test_invoices_csv_export(world: World) -> None:
    lock_week(world)
    client = sign_in(world.app, "freelancer")
    assert 'href="/invoices.csv"' in client.get("/invoices").text
    response = client.get("/invoices.csv")
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].startswith("id,contract_id,contract_title,week_start,billable_minutes,")
    assert len(lines) == 2
    assert f"{world.contract_id},Checkout redesign,2026-11-23,40,0,2400,0,4500,3000," in lines[1]


def test_devices_page_revokes_a_device(world: World) -> None:
    from workdiary.server.services.devices import register_device
    from workdiary.server.services.users import get_user_by_email
    from workdiary.testing.devices import DeviceChain

    with world.app.state.sessionmaker() as db:
        user = get_user_by_email(db, email=PEOPLE["freelancer"])
        assert user is not None
        device = register_device(db, user=user, name="Fred's laptop",
                                 public_key=DeviceChain().public_key,
                                 now=world.clock.now())
        device_id = device.id
    other = sign_in(world.app, "other_freelancer")
    assert "Fred's laptop" not in other.get("/devices").text
    response = other.post(f"/devices/{device_id}/revoke",
                          data={"csrf_token": csrf_of(other.get("/").text)})
    assert "you have no device" in other.get("/devices").text.lower()
    client = sign_in(world.app, "freelancer")
    html = client.get("/devices").text
    assert "Fred&#39;s laptop" in html and "b-active" in html
    response = client.post(f"/devices/{device_id}/revoke", data={"csrf_token": csrf_of(html)})
    assert response.status_code == 303
    html = client.get("/devices").text
    assert "is revoked" in html and "b-revoked" in html


def test_login_logout_and_next(world: World) -> None:
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    target = f"/contracts/{world.contract_id}/diary/2026-11-24"
    response = client.get(target)
    login = client.get(response.headers["location"]).text
    assert 'name="next" value="' + target + '"' in login
    response = client.post("/login", data={"email": PEOPLE["client"], "password": PASSWORD,
                                           "csrf_token": csrf_of(login), "next": target})
    assert response.headers["location"] == target
    assert client.get(target).status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
    assert client.get(target).status_code == 303


def test_login_refuses_an_offsite_next(world: World) -> None:
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": PEOPLE["client"], "password": PASSWORD,
                                           "csrf_token": token, "next": "//evil.example/"})
    assert response.headers["location"] == "/"


def test_cell_marks_extra_screenshots_and_the_weekly_limit_cut(world: World) -> None:
    from workdiary.server.models import Contract
    from workdiary.testing.images import make_jpeg

    from .webworld import DAY, add_segment

    with world.app.state.sessionmaker() as db:
        contract = db.get(Contract, world.contract_id)
        assert contract is not None
        db.expunge(contract)
    add_segment(world.app, contract=contract, start=DAY.replace(hour=15), status="unprotected",
                reasons=("over_weekly_limit",), shot=make_jpeg(640, 400, label="late"),
                extra_shots=2, over_limit=4)
    html = sign_in(world.app, "client").get(
        f"/contracts/{world.contract_id}/diary/2026-11-24?tz=UTC").text
    assert '<span class="more-shots">+2</span>' in html
    assert "4:00 min over limit" in html
    assert "Past the weekly limit: those minutes are not billed" in html


def test_anonymous_form_post_goes_to_login(world: World) -> None:
    client = sign_in(world.app, None)
    token = csrf_of(client.get("/login").text)
    response = client.post(f"/contracts/{world.contract_id}/disputes",
                           data={"csrf_token": token, "reason": "x"})
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_pages_send_protective_headers(world: World) -> None:
    response = sign_in(world.app, "client").get("/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_the_timesheet_offers_the_weeks_evidence(world: World) -> None:
    """The page links the week's bundle (and the small one without images): the API's bundle,
    signed by the server's key. (This world's rows are seeded, not signed by a device, so
    their verdicts do not verify; tests/server/test_evidence.py verifies real uploads.)"""
    import hashlib
    import io
    import zipfile

    from workdiary.core.evidence import parse_manifest
    from workdiary.core.signing import signature_over_bytes_is_valid

    client = sign_in(world.app, "freelancer")
    week = f"/contracts/{world.contract_id}/timesheets/2026-11-23"
    page = client.get(week).text
    assert f'href="{week}/evidence.zip"' in page and "workdiary verify" in page
    assert f'href="{week}/evidence.zip?screenshots=hashes"' in page
    key = world.app.state.server_key.public_key
    for suffix, images in (("", True), ("?screenshots=hashes", False)):
        response = client.get(f"{week}/evidence.zip{suffix}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            data = archive.read("manifest.json")
            manifest = parse_manifest(data)
            assert signature_over_bytes_is_valid(
                data, archive.read("manifest.sig").decode().strip(), key)
            for entry in manifest.files:
                assert hashlib.sha256(archive.read(entry.path)).hexdigest() == entry.sha256
            names = archive.namelist()
        assert any(n.startswith("screenshots/") for n in names) is images
        assert any(n.startswith("segments/") for n in names)
    assert client.get(f"/contracts/{world.contract_id}/timesheets/2026-11-24/evidence.zip"
                      ).status_code == 400
