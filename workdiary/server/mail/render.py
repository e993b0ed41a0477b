"""A mail kind's Jinja template, rendered as subject, plain text and HTML in the reader's language.

Every kind is one template, ``templates/mail/<kind>.html``, that extends ``mail/_layout.html``
and fills two blocks, ``subject`` and ``body``; the body is written with the macros of
``mail/_parts.html`` (a paragraph, a button, a list of facts), which write HTML or plain text
according to ``as_text``. So the two parts say the same, from one set of translated sentences.
Text goes through the server's gettext catalogs and amounts and dates through Babel
(``server/i18n``), in the recipient's language (``users.language``, else English).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale

from workdiary.server.i18n import formatting
from workdiary.server.i18n.language import Language, Languages, current_language, use_language
from workdiary.server.services.mail import SECURITY_KINDS

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _as_moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _in_locale(write: Any, parse: Any) -> Any:
    def filter_(value: object) -> str:
        parsed = parse(value)
        return formatting.NOTHING if parsed is None else str(
            write(parsed, current_language().locale))
    return filter_


def _money(cents: object, currency: object) -> str:
    try:
        amount = int(cents)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return formatting.NOTHING
    return formatting.money(amount, str(currency or "USD"), current_language().locale)


def _duration(minutes: object) -> str:
    try:
        value = int(minutes)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        value = 0
    return formatting.duration_words(value, current_language().locale)


def _hms(seconds: object) -> str:
    """Billed seconds as ``7:05:09``, as the pages, the tray and the terminal write them."""
    try:
        value = int(seconds)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        value = 0
    return formatting.hours_minutes_seconds(value)


def _time_in_utc(moment: datetime, locale: Locale) -> str:
    return formatting.local_time(moment, formatting.UTC, locale)


class MailRenderer:
    """The mail templates of one app: built once, safe to use from several threads."""

    def __init__(self, languages: Languages, *, template_dir: Path = TEMPLATE_DIR) -> None:
        self.languages = languages
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir)),
                                 autoescape=True, extensions=["jinja2.ext.i18n"],
                                 undefined=jinja2.ChainableUndefined)
        env.install_gettext_callables(  # type: ignore[attr-defined]
            lambda message: current_language().gettext(message),
            lambda singular, plural, n: current_language().ngettext(singular, plural, n),
            newstyle=True)
        env.filters["money"] = _money
        env.filters["duration"] = _duration
        env.filters["hms"] = _hms
        env.filters["week_date"] = _in_locale(formatting.week_date, _as_date)
        env.filters["long_date"] = _in_locale(formatting.long_date, _as_date)
        env.filters["utc_stamp"] = _in_locale(formatting.utc_stamp, _as_moment)
        env.filters["utc_time"] = _in_locale(_time_in_utc, _as_moment)
        env.auto_reload = False
        env.trim_blocks = True
        env.lstrip_blocks = True
        self._env = env

    def language_for(self, code: str | None) -> Language:
        return self.languages.get(code) or self.languages.default

    def render(self, kind: str, context: dict[str, Any], *, language: Language,
               base_url: str) -> RenderedMail:
        """The kind's subject, text and HTML. Paths in ``context`` (``link``, ...) become
        absolute through the ``url`` filter with ``base_url``."""
        template = self._env.get_template(f"mail/{kind}.html")
        base = base_url.rstrip("/")
        values = {**context, "lang": language.code, "security": kind in SECURITY_KINDS,
                  "url": lambda path: _absolute(base, str(path or ""))}
        with use_language(language):
            subject_ctx = template.new_context({**values, "as_text": True})
            subject = "".join(template.blocks["subject"](subject_ctx))
            html_part = template.render(**values, as_text=False)
            text_part = template.render(**values, as_text=True)
        return RenderedMail(subject=" ".join(html.unescape(subject).split()),
                            text=_tidy_text(html.unescape(text_part)),
                            html=html_part.strip() + "\n")


def _absolute(base: str, link: str) -> str:
    """A path under the public URL; a link that is already absolute stays as it is."""
    if link.startswith(("https://", "http://")):
        return link
    return base + "/" + link.lstrip("/")


def _tidy_text(text: str) -> str:
    """Lines without the template's indentation, at most one blank line in a row."""
    lines = [line.strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"
