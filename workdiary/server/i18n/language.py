"""The viewer's language: the account's choice, else the browser's cookie, else Accept-Language.

``Language`` bundles the Babel locale (for numbers, money and dates) with the gettext
translations (for text). The page renderer makes the request's language current while a
template renders (``use_language``), so filters and ``{% trans %}`` need no argument.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from workdiary.server.i18n.catalogs import SOURCE_LANGUAGE

MAX_HEADER = 512  # longer Accept-Language headers are cut, not parsed whole
MAX_TAGS = 16


@dataclass(frozen=True, slots=True)
class Language:
    """One language's locale and text; ``code`` is what the account and the cookie store."""

    code: str
    locale: Locale
    translations: gettext.NullTranslations

    @property
    def native_name(self) -> str:
        return (self.locale.get_display_name(self.locale) or self.code).capitalize()

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)


class Languages:
    """The languages this server offers, built once per app from the catalogs."""

    def __init__(self, catalogs: dict[str, gettext.NullTranslations]) -> None:
        self._by_code = {code: Language(code, Locale.parse(code), translations)
                         for code, translations in catalogs.items()}

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def all(self) -> tuple[Language, ...]:
        return tuple(self._by_code.values())

    def get(self, code: str | None) -> Language | None:
        return self._by_code.get(code) if code else None

    @property
    def default(self) -> Language:
        return self._by_code[SOURCE_LANGUAGE]

    def choose(self, *, account: str | None, cookie: str | None,
               accept_language: str | None) -> Language:
        """The account's language, else the cookie's, else the best of Accept-Language."""
        for code in (account, cookie):
            chosen = self.get(code)
            if chosen is not None:
                return chosen
        for tag in preferred_tags(accept_language or ""):
            try:
                wanted = Locale.parse(tag, sep="-")
            except (ValueError, UnknownLocaleError):
                continue
            chosen = self.get(wanted.language)
            if chosen is not None:
                return chosen
        return self.default


def preferred_tags(header: str) -> list[str]:
    """Accept-Language's tags, best first (``q=0`` means "not this one"; ``*`` is skipped)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header[:MAX_HEADER].split(",")[:MAX_TAGS]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        if quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is shown."""
    return message


_current: ContextVar[Language | None] = ContextVar("workdiary_web_language", default=None)


@contextmanager
def use_language(language: Language) -> Iterator[Language]:
    """Make ``language`` the one templates and filters use while this block runs."""
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


def current_language() -> Language:
    """The language of the template being rendered (English outside a render)."""
    language = _current.get()
    if language is None:
        return Language(SOURCE_LANGUAGE, Locale.parse(SOURCE_LANGUAGE), gettext.NullTranslations())
    return language
