"""Install translators: Qt's own (qtbase_*.qm) and Ferry's (``<prefix>_<locale>.qm``) when present."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)


def install_translators(
    app: QCoreApplication,
    directory: Path | None,
    locale: QLocale | None = None,
    prefix: str = "ferry",
) -> list[QTranslator]:
    """Load and install the translations for ``locale`` (default: the system's); returns those installed.

    Missing files are normal (English needs none): they are skipped quietly. The translators are
    parented to ``app`` so they live as long as it does.
    """
    locale = locale or QLocale.system()
    sources = [("qtbase", Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))]
    if directory is not None and directory.is_dir():
        sources.append((prefix, directory))
    installed = []
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(locale, name, "_", str(folder)):
            app.installTranslator(translator)
            installed.append(translator)
            log.debug("installed %s translation for %s from %s", name, locale.name(), folder)
        else:
            translator.deleteLater()
    return installed


def locale_for(language: str | None) -> QLocale | None:
    """The QLocale of a language the app offers ("ko", "en"), or None for the system's."""
    if language == "ko":
        return QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)
    if language == "en":
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return None


def switch_translators(app: QCoreApplication, installed: list[QTranslator], directory: Path | None,
                       language: str | None) -> list[QTranslator]:
    """Replace ``installed`` translators by those of ``language``; open windows get a LanguageChange event."""
    for translator in installed:
        QCoreApplication.removeTranslator(translator)
        translator.deleteLater()
    return install_translators(app, directory, locale_for(language))
