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
