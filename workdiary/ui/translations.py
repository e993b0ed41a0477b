"""The tray app's Qt translations: which languages exist, where their compiled ``.qm`` is, and
switching the application's translator (and workdiary.desktop.i18n with it).

The sources are ``resources/translations/workdiary_<code>.ts`` (English is the source language
and has none). A build compiles them with pyside6-lrelease next to the sources (setup.py's
build step, packaging/workdiary.spec); a source checkout has no ``.qm``, so the first start
compiles the missing or outdated one into the user's cache folder with the lrelease that ships
with PySide6. See docs/translating.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from babel import Locale
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from workdiary.desktop import i18n
from workdiary.desktop.i18n import translate
from workdiary.resource_files import ResourcesMissing, resource_path
from workdiary.translation_files import PREFIX, compile_ts, compiled_name, language_of

SETTING = "ui_language"  # the desktop's setting (LocalStore.set_setting); "" follows the system


def translations_dir() -> Path | None:
    try:
        return resource_path("translations")
    except ResourcesMissing:
        return None


def available_languages(folder: Path | None = None) -> list[str]:
    """English first, then every language with a ``.ts`` or a ``.qm``, by code."""
    folder = folder or translations_dir()
    found: set[str] = set()
    if folder is not None and folder.is_dir():
        found = {code for path in folder.iterdir() if (code := language_of(path))}
    return [i18n.SOURCE_LANGUAGE, *sorted(found - {i18n.SOURCE_LANGUAGE})]


def native_name(code: str) -> str:
    """``English``, ``Español``: each language by its own name (CLDR)."""
    locale = i18n.parse_language(code)
    return (locale.get_display_name(locale) or code).capitalize()


def system_language(available: list[str], system: str | None = None) -> str:
    """The system locale's language when there is a translation for it, else English."""
    name = system if system is not None else QLocale.system().name()  # "es_ES"
    code = name.replace("-", "_").split("_")[0].lower()
    return code if code in available else i18n.SOURCE_LANGUAGE


def chosen_language(setting: str | None, available: list[str],
                    system: str | None = None) -> str:
    """The stored choice when it still exists, else the system's language."""
    if setting and setting in available:
        return setting
    return system_language(available, system)


def qm_file(code: str, cache_dir: Path, folder: Path | None = None) -> Path | None:
    """The compiled catalog of ``code``: the one the build made from this very ``.ts``, else
    one compiled now into ``cache_dir`` (a checkout); without a ``.ts``, whichever the build
    shipped. None for English or an unknown language; OSError when lrelease fails."""
    folder = folder or translations_dir()
    if folder is None or code == i18n.SOURCE_LANGUAGE:
        return None
    ts = folder / f"{PREFIX}{code}.ts"
    if not ts.is_file():
        shipped = sorted(folder.glob(f"{PREFIX}{code}-*.qm"))
        return shipped[-1] if shipped else None
    name = compiled_name(ts)
    for candidate in (folder / name, cache_dir / name):
        if candidate.is_file():
            return candidate
    compile_ts(ts, cache_dir / name)
    return cache_dir / name


def default_cache_dir() -> Path:
    """Where a checkout's catalogs are compiled: the user's cache folder."""
    return Path(platformdirs.user_cache_dir("workdiary", False)) / "translations"


class LanguageSwitch:
    """Owns the application's one workdiary QTranslator; ``use(code)`` swaps it."""

    def __init__(self, app: QCoreApplication, cache_dir: Path | None = None,
                 folder: Path | None = None) -> None:
        self.app, self.folder = app, folder
        self.cache_dir = cache_dir or default_cache_dir()
        self.languages = available_languages(folder)
        self.code = i18n.SOURCE_LANGUAGE
        self.problem: str | None = None  # why the last choice shows English
        self._translator: QTranslator | None = None
        self._qt_translator: QTranslator | None = None  # Qt's own words: context menus, dialogs

    @property
    def locale(self) -> Locale:
        return i18n.locale()

    def use(self, code: str) -> str:
        """Show ``code`` from now on (English when its catalog cannot be loaded); returns the
        language in use."""
        for old in (self._translator, self._qt_translator):
            if old is not None:
                self.app.removeTranslator(old)
        self._translator = self._qt_translator = None
        self.problem = None
        translator: QTranslator | None = None
        try:
            qm = qm_file(code, self.cache_dir, self.folder)
        except OSError as exc:
            qm, self.problem = None, translate(
                "Language", "The translation cannot be used ({reason}); workdiary shows English."
            ).format(reason=exc)
        if qm is not None:
            translator = QTranslator(self.app)
            if translator.load(os.fspath(qm)):
                self.app.installTranslator(translator)
            else:
                self.problem, translator = translate(
                    "Language", "{path} is not a Qt translation file; workdiary shows English."
                ).format(path=qm), None
        if translator is None and code != i18n.SOURCE_LANGUAGE and self.problem is None:
            self.problem = translate(
                "Language", "There is no translation for {code}; workdiary shows English."
            ).format(code=code)
        self._translator = translator
        self.code = code if translator is not None else i18n.SOURCE_LANGUAGE
        if self.code != i18n.SOURCE_LANGUAGE:
            self._qt_translator = self._qt_words(self.code)
        i18n.install(QCoreApplication.translate, self.code)
        return self.code

    def _qt_words(self, code: str) -> QTranslator | None:
        """Qt's own catalog for ``code`` (qtbase_es.qm ships with PySide6), when there is one."""
        translator = QTranslator(self.app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not translator.load(f"qtbase_{code}", folder):
            return None
        self.app.installTranslator(translator)
        return translator
