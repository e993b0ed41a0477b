"""The server's gettext catalogs, compiled from the ``.po`` sources when the app starts.

The ``.po`` files in ``server/locale/`` are the only source: there is no ``.mo`` in the repository
and no build step to forget. ``load_catalogs`` parses each one with Babel and turns it into a
``GNUTranslations`` in memory (~20 ms for both languages), once per app.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"  # the msgids are English: English needs no catalog


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(locale_dir: Path = LOCALE_DIR) -> tuple[str, ...]:
    """The languages that have a catalog in ``locale_dir``, after the source language."""
    found = sorted(p.parent.parent.name for p in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *found)


def compile_po(path: Path) -> gettext.GNUTranslations:
    """One ``.po`` file as translations (fuzzy entries are left out, as msgfmt does)."""
    with path.open("rb") as source:
        catalog = read_po(source)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_catalogs(locale_dir: Path = LOCALE_DIR) -> dict[str, gettext.NullTranslations]:
    """Translations by language code; English is the identity. A new language is a new folder
    with its ``.po`` (docs/translating.md): nothing else to register."""
    catalogs: dict[str, gettext.NullTranslations] = {SOURCE_LANGUAGE: gettext.NullTranslations()}
    for language in catalog_languages(locale_dir)[1:]:
        catalogs[language] = compile_po(po_path(language, locale_dir))
    return catalogs
