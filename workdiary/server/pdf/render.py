"""HTML for a PDF in the reader's language, and the PDF bytes WeasyPrint makes of it.

The templates (``templates/pdf/<name>.html``, extending ``pdf/_layout.html``) carry their own
stylesheet and load nothing: WeasyPrint is given a fetcher that refuses every URL, so no
text a user wrote (a contract title) can make the server fetch a file or an address.
Text goes through the server's gettext catalogs, money and dates through Babel
(``server/i18n``), as on the pages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import jinja2

from workdiary.server.errors import ServiceError
from workdiary.server.i18n import formatting
from workdiary.server.i18n.language import N_, Language, Languages, current_language, use_language

log = logging.getLogger(__name__)
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
PDF_MEDIA_TYPE = "application/pdf"
# Invoice statuses in words; the same msgids as the pages' (web/reasons.py) share translations.
STATUS_WORDS = {"in_review": N_("in review"), "approved": N_("approved"), "paid": N_("paid"),
                "disputed": N_("disputed")}


def _money(cents: int | None, currency: str) -> str:
    return formatting.money(cents, currency, current_language().locale)


def _in_locale(write: Any) -> Any:
    return lambda value: write(value, current_language().locale)


def _status(code: str) -> str:
    return current_language().gettext(STATUS_WORDS.get(code, code.replace("_", " ")))


class PdfRenderer:
    """The PDF templates of one app: built once, safe to use from several threads."""

    def __init__(self, languages: Languages, *, template_dir: Path = TEMPLATE_DIR) -> None:
        self.languages = languages
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir)),
                                 autoescape=True, extensions=["jinja2.ext.i18n"])
        env.install_gettext_callables(  # type: ignore[attr-defined]
            lambda message: current_language().gettext(message),
            lambda singular, plural, n: current_language().ngettext(singular, plural, n),
            newstyle=True)
        env.filters["money"] = _money
        env.filters["hms"] = formatting.hours_minutes_seconds
        env.filters["pct"] = _in_locale(formatting.whole_percent)
        env.filters["long_date"] = _in_locale(formatting.long_date)
        env.filters["week_date"] = _in_locale(formatting.week_date)
        env.filters["utc_stamp"] = _in_locale(formatting.utc_stamp)
        env.filters["status"] = _status
        env.auto_reload = False
        env.trim_blocks = True
        env.lstrip_blocks = True
        self._env = env

    def choose_language(self, *, account: str | None, accept_language: str | None) -> Language:
        """The reader's language: the account's choice, else the browser's."""
        return self.languages.choose(account=account, cookie=None,
                                     accept_language=accept_language)

    def html(self, name: str, context: dict[str, Any], *, language: Language) -> str:
        """The document ``templates/pdf/<name>.html`` as HTML in ``language``."""
        with use_language(language):
            return self._env.get_template(f"pdf/{name}.html").render(
                **context, lang=language.code)

    def pdf(self, name: str, context: dict[str, Any], *, language: Language) -> bytes:
        """The document as PDF bytes."""
        return html_to_pdf(self.html(name, context, language=language))


class PdfUnavailable(ServiceError):
    """This installation cannot make PDFs (WeasyPrint or its Pango libraries are missing, as
    in the desktop app's bundle, whose embedded server needs none)."""

    status_code = 503
    code = "pdf_unavailable"


def html_to_pdf(html: str) -> bytes:
    """Lay ``html`` out as PDF (A4, the template's own styles; nothing fetched)."""
    try:  # lazily: a second or so of imports that only PDFs need
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are missing
        log.error("PDFs are unavailable: %s", exc)
        raise PdfUnavailable("This server cannot make PDFs: it needs WeasyPrint and the Pango "
                             "libraries (scripts/install-system-deps.sh). CSV works.") from None

    class Offline(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"PDFs load nothing from outside ({url[:80]})")

    document = weasyprint.HTML(string=html, url_fetcher=Offline())
    data: bytes = document.write_pdf()
    return data
