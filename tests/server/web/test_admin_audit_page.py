"""The admin's audit page reads as sentences: the actor's name and email, what they did, the
subject linked to its page, the detail as labelled values (never raw ids or JSON), times in the
viewer's zone, in English and Spanish, and paging still works (no browser: HTML over the app)."""

from __future__ import annotations

import re
from datetime import date

from workdiary.server.models import Dispute
from workdiary.server.services import audit
from workdiary.server.services import users as user_service
from workdiary.server.web import pages_admin

from .test_dispute_pages import ADMIN, as_admin
from .webworld import NOW, PASSWORD, World, csrf_of, sign_in


def seed(world: World) -> str:
    """An admin; a dispute opened by the client, a week locked by the server; the client's
    account disabled and enabled by the admin (through the page). Returns the dispute id."""
    with world.app.state.sessionmaker() as db:
        user_service.create_user(db, email=ADMIN, name="Ada Admin", role="admin",
                                 password=PASSWORD, now=NOW)
        dispute = Dispute(contract_id=world.contract_id, week_start=date(2026, 11, 23),
                          reason="Not my project", created_by=world.client_id, created_at=NOW)
        db.add(dispute)
        db.flush()
        client = user_service.get_user(db, user_id=world.client_id)
        audit.record(db, actor=client, action="dispute.opened", subject_type="dispute",
                     subject_id=dispute.id, now=NOW,
                     detail={"contract_id": world.contract_id, "week_start": "2026-11-23",
                             "segment_ids": world.segment_ids[:2], "state": "open"})
        audit.record(db, actor=None, action="week.locked", subject_type="week",
                     subject_id=f"{world.contract_id}:2026-11-16", now=NOW,
                     detail={"invoice_id": "inv1", "amount_cents": 123456, "currency": "USD"})
        db.commit()
        dispute_id = dispute.id
    admin = as_admin(world)
    page = admin.get("/admin/users").text
    admin.post(f"/admin/users/{world.client_id}/disable", data={"csrf_token": csrf_of(page)})
    admin.post(f"/admin/users/{world.client_id}/enable", data={"csrf_token": csrf_of(page)})
    return dispute_id


def rows(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr id="entry-\d+">(.*?)</tr>', html, re.S)]


def test_entries_read_as_sentences_with_links(world: World) -> None:
    dispute_id = seed(world)
    html = as_admin(world).get("/admin/audit").text
    text = rows(html)
    assert len(text) == 4
    enabled, disabled, locked, opened = text
    assert "Ada Admin" in enabled and ADMIN in enabled and "Enabled the account" in enabled
    assert "Disabled the account" in disabled and "client@example.com" in disabled
    assert "the server" in locked and "Locked the week and issued its invoice" in locked
    assert "Week of Nov 16, 2026, “Checkout redesign”" in locked and "$1,234.56" in locked
    assert "Opened a dispute" in opened and "2 segments" in opened
    assert "Dispute over the week of Nov 23, 2026, “Checkout redesign”" in opened
    # Links to the pages that show the subject: the dispute, the contract, the account.
    assert f'href="/disputes/{dispute_id}"' in html
    assert f'href="/admin/contracts#contract-{world.contract_id}"' in html
    assert f'href="/admin/users#user-{world.client_id}"' in html
    assert f'id="contract-{world.contract_id}"' in as_admin(world).get("/admin/contracts").text
    # No codes, raw ids or JSON in what is read.
    for row in text:
        assert "{" not in row and "dispute." not in row and world.contract_id not in row
    assert "<dl" in html and "<dt>Amount</dt>" in html


def test_times_follow_the_viewers_zone_and_paging_goes_on(world: World, monkeypatch) -> None:
    seed(world)
    admin = as_admin(world)
    assert "Nov 25, 2026, 15:00" in admin.get("/admin/audit").text  # UTC until one is chosen
    madrid = admin.get("/admin/audit", params={"tz": "Europe/Madrid"}).text
    assert "Nov 25, 2026, 16:00" in madrid and "Times are in Europe/Madrid." in madrid
    assert "Nov 25, 2026, 16:00" in admin.get("/admin/audit").text  # remembered
    assert "is not a time zone" in admin.get("/admin/audit", params={"tz": "Mars/Base"}).text
    monkeypatch.setattr(pages_admin, "AUDIT_PAGE", 3)
    first = admin.get("/admin/audit").text
    older = re.search(r'href="/admin/audit\?before=(\d+)"', first)
    assert older is not None and len(rows(first)) == 3
    second = admin.get("/admin/audit", params={"before": older.group(1)}).text
    assert [r for r in rows(second) if "Opened a dispute" in r] and len(rows(second)) == 1


def test_the_page_in_spanish(world: World) -> None:
    seed(world)
    html = as_admin(world).get("/admin/audit", headers={"Accept-Language": "es"}).text
    text = " ".join(rows(html))
    assert "Reactivó la cuenta" in text and "Desactivó la cuenta" in text
    assert "Abrió una disputa" in text and "Cerró la semana y emitió su factura" in text
    assert "el servidor" in text and "2 segmentos" in text
    assert "Disputa sobre la semana del 23 nov 2026, «Checkout redesign»" in text


def test_only_admins_see_it(world: World) -> None:
    seed(world)
    assert sign_in(world.app, "client").get("/admin/audit").status_code == 404
