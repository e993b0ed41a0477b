"""Languages of the web pages: every visible string is in the catalog, the catalogs are current,
the language follows the account, then the cookie, then Accept-Language, and a page in Spanish
writes money and dates the Spanish way."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment

from workdiary.server.i18n.catalogs import LOCALE_DIR, catalog_languages, load_catalogs, po_path
from workdiary.server.i18n.language import Languages, preferred_tags
from workdiary.server.models import User
from workdiary.server.web.rendering import TEMPLATE_DIR

from .test_web_pages import lock_week
from .webworld import World, csrf_of, sign_in

ROOT = Path(__file__).resolve().parents[3]
# The same in every language: the product's name, its logo's letters, UTC and SHA-256.
NOT_WORDS = {"workdiary", "wd", "UTC", "SHA-"}
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "value"}
EXPRESSION = "\x00"  # stands for a {{ ... }} in the literal text


def literal_html(source: str) -> str:
    """The template's literal HTML with each {{ }} replaced by a marker; {% trans %} bodies and
    tags left out (their text goes through the catalog)."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    out: list[str] = []
    in_trans = after_block_begin = False
    for _line, kind, value in env.lex(source):
        if kind == "whitespace":
            continue
        if after_block_begin and kind == "name":
            in_trans = {"trans": True, "endtrans": False}.get(value, in_trans)
        after_block_begin = kind == "block_begin"
        if kind == "data" and not in_trans:
            out.append(value)
        elif kind == "variable_begin" and not in_trans:
            out.append(EXPRESSION)
    return "".join(out)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        shown_value = tag == "button" or (
            tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset"))
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and (name != "value" or shown_value):
                self._add(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._add(data)

    def _add(self, text: str) -> None:
        self.words += [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text.replace(EXPRESSION, " "))
                       if w not in NOT_WORDS]


def untranslated_text(source: str) -> list[str]:
    """Words in a template's literal text (outside {% trans %} and _()) that a user would see."""
    parser = _VisibleText()
    parser.feed(literal_html(source))
    parser.close()
    return parser.words


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATE_DIR.glob("*.html")))
def test_every_visible_template_string_is_marked_for_translation(template: str) -> None:
    source = (TEMPLATE_DIR / template).read_text(encoding="utf-8")
    assert untranslated_text(source) == [], f"{template}: wrap these in {{% trans %}} or _()"


def test_the_checker_finds_unmarked_text() -> None:
    """The check above can fail: plain words, titles and placeholders are caught."""
    assert untranslated_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_text('<input placeholder="Reason">') == ["Reason"]
    assert untranslated_text('<input type="submit" value="Go">') == ["Go"]
    assert untranslated_text('<input type="hidden" name="tz" value="UTC">') == []
    assert untranslated_text('<p title="{{ _(\'x\') }}">{% trans %}Fine{% endtrans %}</p>') == []
    assert untranslated_text('<span>{{ _("Fine") }}</span> · workdiary') == []


def extracted() -> Catalog:
    """The messages in the sources now, as `pybabel extract` with babel.cfg finds them."""
    catalog = Catalog()
    with (LOCALE_DIR / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options = parse_mapping_cfg(cfg)
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options, keywords={"_": None, "gettext": None,
                                                      "ngettext": (1, 2), "N_": None}):
        catalog.add(message, None, context=context)
    return catalog


def ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def test_the_template_catalog_is_current_with_the_sources() -> None:
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    now = ids(extracted())
    assert now - ids(template) == set(), "new strings: run the extract step of docs/translating.md"
    assert ids(template) - now == set(), "stale strings: run the extract step"


@pytest.mark.parametrize("language", catalog_languages()[1:])
def test_each_catalog_is_complete_and_well_formed(language: str) -> None:
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    with po_path(language).open("rb") as source:
        catalog = read_po(source)
    assert ids(catalog) == ids(template), "run the update step of docs/translating.md"
    assert not [m.id for m in catalog if m.id and m.fuzzy], "fuzzy entries are not shown"
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        assert len(strings) == (catalog.num_plurals if message.pluralizable else 1), message.id
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == [], "placeholders must match the English"


def test_accept_language_is_read_by_preference() -> None:
    assert preferred_tags("en;q=0.5, es-MX, fr;q=0.9") == ["es-MX", "fr", "en"]
    assert preferred_tags("de;q=0, *;q=0.1, es;q=x, pt") == ["pt"]
    assert preferred_tags("x" * 10_000) == []  # too long a tag is ignored, not parsed


def test_spanish_page_writes_money_and_dates_the_spanish_way(world: World) -> None:
    lock_week(world)
    client = sign_in(world.app, "client")
    client.headers["Accept-Language"] = "es-ES,es;q=0.9,en;q=0.5"
    page = client.get(f"/contracts/{world.contract_id}/timesheets/2026-11-23")
    assert page.status_code == 200
    assert page.headers["content-language"] == "es"
    html = page.text
    assert '<html lang="es">' in html
    assert "Aprobar esta semana" in html and "Approve this week" not in html
    assert "Aprobar 30,00\xa0US$" in html  # 40 minutes at 45.00/h: decimal comma, symbol after
    assert "45,00\xa0US$/h" in html
    assert "Semana del lun, 23 nov al dom, 29 nov 2026" in html
    diary = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24?tz=UTC").text
    assert "mar, 24 nov 2026" in diary  # martes
    assert "Sin nota" in diary  # a verification reason, translated where it is shown
    assert "Actividad: 7 de 10 minutos activos" in diary  # the activity bar's text


def test_english_page_keeps_english_conventions(world: World) -> None:
    lock_week(world)
    client = sign_in(world.app, "client")
    html = client.get(f"/contracts/{world.contract_id}/timesheets/2026-11-23").text
    assert '<html lang="en">' in html and "Approve $30.00" in html
    assert "Week of Mon, Nov 23 – Sun, Nov 29, 2026" in html


def test_picker_before_login_sets_the_cookie(world: World) -> None:
    client = sign_in(world.app, None)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/language", data={"csrf_token": token, "language": "es",
                                             "return_to": "/login?next=/invoices"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/invoices"
    assert "Iniciar sesión" in client.get("/login").text


def test_account_language_wins_over_the_browser(world: World) -> None:
    client = sign_in(world.app, "freelancer")
    client.headers["Accept-Language"] = "en"
    token = csrf_of(client.get("/").text)
    client.post("/language", data={"csrf_token": token, "language": "es", "return_to": "/"})
    with world.app.state.sessionmaker() as db:
        assert db.get(User, world.freelancer_id).language == "es"  # type: ignore[union-attr]
    # A new browser (no cookie) that prefers English still gets the account's Spanish.
    fresh = sign_in(world.app, "freelancer")
    fresh.headers["Accept-Language"] = "en"
    assert "Sus contratos" in fresh.get("/").text


def test_unknown_language_is_a_clear_message_not_an_error(world: World) -> None:
    client = sign_in(world.app, "client")
    token = csrf_of(client.get("/").text)
    answer = client.post("/language", data={"csrf_token": token, "language": "x" * 5000,
                                             "return_to": "https://evil.example/"})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert "That language is not offered here" in client.get("/").text


def test_language_post_needs_its_csrf_token(world: World) -> None:
    client = sign_in(world.app, "client")
    answer = client.post("/language", data={"language": "es", "return_to": "/"})
    assert answer.status_code == 403


def test_the_recipe_for_a_new_language_works(tmp_path: Path) -> None:
    """docs/translating.md's steps, run as written on a copy of the catalogs: French appears."""
    import shutil
    import subprocess
    import sys

    pybabel = str(Path(sys.executable).parent / "pybabel")
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale)
    # Step 2: a catalog for the new language from the template.
    subprocess.run([pybabel, "init", "-D", "messages", "-i", str(locale / "messages.pot"),
                    "-d", str(locale), "-l", "fr"], check=True, capture_output=True)
    # Step 3: translate (here one string; the completeness test names the rest).
    po = locale / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "Sign in"\nmsgstr ""', 'msgid "Sign in"\nmsgstr "Se connecter"')
    po.write_text(text, encoding="utf-8")
    # Step 4: the app finds it at start, and a French browser gets it.
    languages = Languages(load_catalogs(locale))
    assert languages.codes == ("en", "es", "fr")
    french = languages.choose(account=None, cookie=None, accept_language="fr-CA,fr;q=0.8")
    assert french.gettext("Sign in") == "Se connecter"
    assert french.native_name == "Français"
    # Until the rest is translated the completeness test says so (CI fails, nothing ships half).
    with po.open("rb") as source:
        assert any(not m.string for m in read_po(source) if m.id)


def test_error_pages_speak_the_viewers_language(world: World) -> None:
    client = sign_in(world.app, "client")
    client.headers["Accept-Language"] = "es"
    monday = client.get(f"/contracts/{world.contract_id}/timesheets/2026-11-24")
    assert monday.status_code == 400
    assert "Abra en su lugar la semana del 2026-11-23" in monday.text
    assert "No se puede responder a esa solicitud" in monday.text  # the heading
    zone = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24?tz=Mars/Base").text
    assert "«Mars/Base» no es una zona horaria" in zone
    forged = client.post("/language", data={"language": "es", "csrf_token": "forged"})
    assert forged.status_code == 403 and "no coincide con su sesión" in forged.text


def test_translated_text_is_trusted_and_its_values_escaped() -> None:
    """The pages' own ``_``/``trans`` callables (rendering._trans) keep Jinja's newstyle
    behaviour: values escaped, numbers usable as %(num)d, ``%%`` a percent sign."""
    from workdiary.server.i18n.language import use_language
    from workdiary.server.web.rendering import build_templates

    env = build_templates().env
    languages = Languages(load_catalogs())
    source = ("{% trans who=who, message=who %}Hi <b>{{ who }}</b> {{ message }}{% endtrans %}|"
              "{% trans count=n %}{{ count }} segment{% pluralize %}{{ count }} segments"
              "{% endtrans %}|{{ ngettext('%(num)d segment', '%(num)d segments', n) }}|"
              "{{ _('50%% of seconds') }}")
    with use_language(languages.choose(account="es", cookie=None, accept_language=None)):
        html = env.from_string(source).render(who="<script>", n=3)
    assert html == ("Hi <b>&lt;script&gt;</b> &lt;script&gt;|3 segmentos|3 segmentos|"
                    "50% of seconds")
