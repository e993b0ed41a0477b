"""Every mail kind renders, as text and HTML, in English and Spanish (money and dates the Spanish
way), its templates' words are all marked for translation, and a Spanish mail's HTML part is
photographed by Chromium (docs/screenshots/mail-es-invoice.png)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workdiary.server.i18n.catalogs import load_catalogs
from workdiary.server.i18n.language import Languages
from workdiary.server.mail.render import TEMPLATE_DIR, MailRenderer, RenderedMail
from workdiary.server.services.mail import KINDS, SECURITY_KINDS

from .test_i18n import untranslated_text

ROOT = Path(__file__).resolve().parents[3]
WEEK = "2026-11-16"
DEADLINE = "2026-11-27T23:59:00+00:00"
# A context for each kind, as its queueing code writes it (docs/design.md "Mail").
SAMPLES: dict[str, dict[str, object]] = {
    "verify_email": {"name": "Ana", "link": "/verify-email?token=t1"},
    "password_reset": {"name": "Ana", "link": "/reset-password?token=t2"},
    "password_changed": {"name": "Ana"},
    "contract_offer": {"name": "Ana", "client_name": "Bruno", "title": "Web shop",
                       "rate_cents": 123456, "currency": "EUR", "weekly_limit_hours": 40,
                       "has_account": True, "link": "/contracts/c1"},
    "contract_answered": {"name": "Bruno", "freelancer_name": "Ana", "title": "Web shop",
                          "answer": "accepted", "link": "/contracts/c1"},
    "contract_changed": {"name": "Ana", "by_name": "Bruno", "title": "Web shop",
                         "change": "terms", "rate_cents": 123456, "currency": "EUR",
                         "weekly_limit_hours": 30, "effective": "2026-11-23",
                         "link": "/contracts/c1"},
    "weekly_summary": {"name": "Ana", "week_start": WEEK, "tracked_seconds": 605 * 60 + 9,
                       "lock_at": "2026-11-23T12:00:00+00:00", "at_risk_count": 1,
                       "at_risk": [{"start": "2026-11-17T09:10:00+00:00",
                                    "end": "2026-11-17T09:20:00+00:00", "title": "Web shop",
                                    "reasons": ["no_memo"]}],
                       "link": "/contracts/c1/diary"},
    "invoice_ready": {"name": "Bruno", "freelancer_name": "Ana", "title": "Web shop",
                      "week_start": WEEK, "amount_cents": 123456, "currency": "EUR",
                      "billable_seconds": 605 * 60 + 9, "review_deadline": DEADLINE,
                      "link": f"/contracts/c1/timesheets/{WEEK}"},
    "review_reminder": {"name": "Bruno", "freelancer_name": "Ana", "title": "Web shop",
                        "week_start": WEEK, "amount_cents": 123456, "currency": "EUR",
                        "review_deadline": DEADLINE, "link": f"/contracts/c1/timesheets/{WEEK}"},
    "dispute_opened": {"name": "Ana", "by_name": "Bruno", "title": "Web shop",
                       "week_start": WEEK, "state": "open", "disputed_seconds": 20 * 60 + 5,
                       "reason": "Not my project <b>", "link": "/disputes/d1"},
    "dispute_message": {"name": "Ana", "by_name": "Bruno", "title": "Web shop",
                        "week_start": WEEK, "state": "contested", "disputed_seconds": 1205,
                        "message": "Can you explain?", "link": "/disputes/d1"},
    "dispute_decided": {"name": "Ana", "by_name": "Ada", "title": "Web shop",
                        "week_start": WEEK, "state": "decided_pay", "disputed_seconds": 1205,
                        "outcome": "pay", "note": "Evidence holds.", "link": "/disputes/d1"},
    "week_approved": {"name": "Ana", "title": "Web shop", "week_start": WEEK,
                      "amount_cents": 123456, "currency": "EUR", "approved_by": "client",
                      "link": f"/contracts/c1/timesheets/{WEEK}"},
    "week_paid": {"name": "Ana", "title": "Web shop", "week_start": WEEK,
                  "amount_cents": 123456, "currency": "EUR", "link": "/invoices"},
    "organisation_invitation": {"name": "Ana", "by_name": "Bruno", "role": "viewer",
                                "organisation_name": "Acme", "has_account": False,
                                "link": "/signup?email=ana%40example.com",
                                "expires_at": "2026-12-02T12:00:00+00:00"},
}
MONEY = {"en": "€1,234.56", "es": "1.234,56\xa0€"}
WEEK_WORDS = {"en": "Nov 16, 2026", "es": "16 nov 2026"}


@pytest.fixture(scope="module")
def renderer() -> MailRenderer:
    return MailRenderer(Languages(load_catalogs()))


def render(renderer: MailRenderer, kind: str, code: str) -> RenderedMail:
    return renderer.render(kind, SAMPLES[kind], language=renderer.language_for(code),
                           base_url="https://diary.example.com/")


def test_every_kind_has_a_sample_and_a_template() -> None:
    assert set(SAMPLES) == KINDS
    assert {p.stem for p in (TEMPLATE_DIR / "mail").glob("[!_]*.html")} == KINDS


@pytest.mark.parametrize("code", ["en", "es"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_renders_text_and_html(renderer: MailRenderer, kind: str, code: str) -> None:
    mail = render(renderer, kind, code)
    assert mail.subject and "\n" not in mail.subject and "{" not in mail.subject
    assert mail.html.startswith("<!DOCTYPE html>") and f'<html lang="{code}">' in mail.html
    assert "<" not in mail.text.replace("<b>", "")  # plain text: no markup but the user's own
    link = SAMPLES[kind].get("link")
    if link:
        assert f"https://diary.example.com{link}" in mail.text
        assert f'href="https://diary.example.com{link}"'.replace("&", "&amp;") in mail.html
    hello = {"en": "Hello", "es": "Hola"}[code]
    assert mail.text.startswith(hello) and hello in mail.html
    footer = "cannot be turned off" if code == "en" else "no se puede desactivar"
    assert (footer in mail.text) == (kind in SECURITY_KINDS)
    if "amount_cents" in SAMPLES[kind] or "rate_cents" in SAMPLES[kind]:
        assert MONEY[code] in mail.text and MONEY[code] in mail.html
    if "week_start" in SAMPLES[kind]:
        assert WEEK_WORDS[code] in mail.text


def test_spanish_is_spanish_and_user_text_is_escaped(renderer: MailRenderer) -> None:
    for kind in sorted(KINDS):
        assert render(renderer, kind, "es").subject != render(renderer, kind, "en").subject, kind
    summary = render(renderer, "weekly_summary", "es")
    assert summary.subject == (
        "Tu semana hasta ahora: 10:05:09 de tiempo registrado (semana del 16 nov 2026)")
    assert "Registraste 10:05:09 (horas:minutos:segundos) en la semana del" in summary.text
    assert "mar, 17 nov 2026 9:10-9:20 UTC, Web shop: sin nota: añade una en el diario" in (
        summary.text)
    invoice = render(renderer, "invoice_ready", "es")
    assert "27 nov 2026, 23:59 UTC" in invoice.text
    assert "Tiempo facturable (h:mm:ss): 10:05:09" in invoice.text
    english = render(renderer, "weekly_summary", "en")
    assert english.subject == "Your week so far: 10:05:09 tracked (week of Nov 16, 2026)"
    assert "You tracked 10:05:09 (hours:minutes:seconds) in the week of" in english.text
    assert "Billable time (h:mm:ss): 10:05:09" in render(renderer, "invoice_ready", "en").text
    opened = render(renderer, "dispute_opened", "en")
    assert "> Not my project <b>" in opened.text and "Not my project &lt;b&gt;" in opened.html


@pytest.mark.parametrize("code", ["en", "es"])
def test_dispute_mails_say_each_thing_once(renderer: MailRenderer, code: str) -> None:
    """Each dispute mail shows its own words (reason, message or note) once, under its own
    lead-in, with the disputed time as h:mm:ss and the week."""
    said = {"dispute_opened": "Not my project <b>", "dispute_message": "Can you explain?",
            "dispute_decided": "Evidence holds."}
    for kind, words in said.items():
        mail = render(renderer, kind, code)
        assert mail.text.count(words) == 1, (kind, mail.text)
        assert WEEK_WORDS[code] in mail.text, kind
        for other in said.values():
            assert other == words or other not in mail.text
    opened = render(renderer, "dispute_opened", code).text
    assert {"en": "Disputed time (h:mm:ss): 0:20:05",
            "es": "Tiempo en disputa (h:mm:ss): 0:20:05"}[code] in opened
    assert {"en": "Bruno gave this reason:", "es": "Bruno dio este motivo:"}[code] in opened
    decided = render(renderer, "dispute_decided", code).text
    assert {"en": "The administrator's note:", "es": "La nota del administrador:"}[code] in decided
    # A mail queued before the context had its own keys still reads right.
    before = {k: v for k, v in SAMPLES["dispute_message"].items() if k != "message"}
    old = renderer.render("dispute_message", {**before, "text": "Old words"},
                          language=renderer.language_for(code),
                          base_url="https://diary.example.com/")
    assert "Old words" in old.text


@pytest.mark.parametrize("template", sorted(p.name for p in (TEMPLATE_DIR / "mail").glob("*.html")))
def test_every_mail_template_string_is_marked_for_translation(template: str) -> None:
    source = (TEMPLATE_DIR / "mail" / template).read_text(encoding="utf-8")
    assert untranslated_text(source) == [], f"{template}: wrap these in {{% trans %}} or _()"


@pytest.mark.browser
def test_a_spanish_mail_photographed_by_chromium(renderer: MailRenderer, tmp_path: Path) -> None:
    from .livesite import chromium

    mail = render(renderer, "invoice_ready", "es")
    page_file = tmp_path / "mail.html"
    page_file.write_text(mail.html, encoding="utf-8")
    out = ROOT / "test-artifacts" / "mail" / "mail-es-invoice.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    with chromium(tmp_path / "home") as browser:
        page = browser.new_page(viewport={"width": 720, "height": 640})  # type: ignore[attr-defined]
        page.goto(page_file.as_uri())
        assert "1.234,56" in page.inner_text("body")
        page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 5000
    docs = ROOT / "docs" / "screenshots" / "mail-es-invoice.png"
    if not docs.exists():
        shutil.copy(out, docs)
