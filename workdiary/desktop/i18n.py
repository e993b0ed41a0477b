"""The tray app's language, for the Qt-free desktop rules and the ui alike.

``translate(context, text)`` is the one call that marks a user-visible sentence: pyside6-lupdate
extracts every ``translate("Context", "literal")`` into resources/translations/*.ts. Until the ui
installs Qt's translator (``install``) it returns the English source, so the headless tracker,
the CLI and the tests of this package read English without Qt. ``locale()`` is the Babel locale
the formatting (workdiary.desktop.formatting) writes money, dates and durations for.

The state is process-wide on purpose: it mirrors Qt's own application-wide translator, which the
ui's composition root installs once and replaces when the user picks another language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

SOURCE_LANGUAGE = "en"

Translator = Callable[[str, str], str]


def _english(context: str, text: str) -> str:
    return text


@dataclass(slots=True)
class _Current:
    translator: Translator
    locale: Locale


_current = _Current(_english, Locale.parse(SOURCE_LANGUAGE))


def translate(context: str, text: str) -> str:
    """``text`` (English, the message id) in the installed language."""
    return _current.translator(context, text)


def plural(n: int, one: str, other: str) -> str:
    """Pick the already translated singular or plural form by ``n`` (English and Spanish have
    these two; ``one`` and ``other`` are each marked with ``translate`` at the call site)."""
    return one if n == 1 else other


def locale() -> Locale:
    """The Babel locale of the installed language (numbers, money, dates)."""
    return _current.locale


def install(translator: Translator, language: str) -> None:
    """Make ``translator`` and ``language``'s conventions current (the ui does this)."""
    _current.translator = translator
    _current.locale = parse_language(language)


def reset() -> None:
    """Back to English without Qt (tests)."""
    install(_english, SOURCE_LANGUAGE)


def parse_language(code: str) -> Locale:
    """A Babel locale for ``code`` ("es", "es_MX", "pt-BR"); English when Babel does not know it."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(SOURCE_LANGUAGE)
