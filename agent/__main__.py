"""``ferry-agent``: the agent app's entry point."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import resources
from agent.config import config_from_args
from agent.errors import ConfigError
from agent.lifecycle import AgentApplication
from ui.gc_guard import GuiThreadCollector
from ui.i18n import install_translators, locale_for
from ui.theme import apply_theme


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, log in, run until quit; returns the exit status."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = config_from_args(argv)
    except ConfigError as exc:
        sys.stderr.write(f"ferry-agent: {exc}\n")
        return 2
    app = QApplication(sys.argv[:1])
    GuiThreadCollector(app).start()  # Qt objects are never destroyed by the collector on a worker thread
    app.setApplicationName("Ferry agent")
    app.setOrganizationName("Ferry")
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    translations = _translations_dir()
    translators = install_translators(app, translations, locale_for(config.language))
    agent = AgentApplication(config, app, translators=translators, translations_dir=translations)
    _quit_on_signals(agent)
    agent.start()
    return app.exec()


def _translations_dir() -> Path | None:
    """resources/translations, wherever the ``resources`` package was found (regular or namespace)."""
    for entry in resources.__path__:
        folder = Path(entry) / "translations"
        if folder.is_dir():
            return folder
    return None


def _quit_on_signals(agent: AgentApplication) -> None:
    """SIGINT/SIGTERM quit cleanly; a timer lets Python run its handlers while Qt waits."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: QTimer.singleShot(0, agent.quit))
    ticker = QTimer(agent)
    ticker.timeout.connect(lambda: None)
    ticker.start(200)


if __name__ == "__main__":
    sys.exit(main())
