"""From start to quit: the login dialog, then the controller and its window; back to the login dialog
when the login ends (forced or idle logout); clean shutdown.

Rules: the application quits only through ``quit`` (the dialog's Quit, the window's close,
a signal from the OS); the controller's shutdown runs before the event loop ends. A login that
ends without quitting gets a new LoginDialog showing why, and after the next login a new
controller. The SupportLogDesk lives as long as the app: a support log still open when a login
ends stays open and is saved through the next login. Each login has its own BackgroundRunner, so
the old login's logout finishes in the background while the agent logs in again.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from agent.api import ServerClient
from agent.app import AgentController
from agent.background import BackgroundRunner
from agent.config import AgentConfig
from agent.credentials import CredentialStore
from agent.events import EventLog
from agent.launcher import ViewerLauncher
from agent.login_dialog import LoginDialog
from agent.main_window import UrlOpener
from agent.support_log_dialog import SupportLogDesk
from ui.i18n import switch_translators
from ui.theme import WARNING, colour_style

log = logging.getLogger(__name__)


class AgentApplication(QObject):
    """One run of the agent app; ``clock`` (monotonic seconds) and ``open_url`` are seams for tests."""

    def __init__(self, config: AgentConfig, app: QApplication, *, clock: Callable[[], float] = time.monotonic,
                 open_url: UrlOpener | None = None, translators: list[QTranslator] | None = None,
                 translations_dir: Path | None = None, credentials: CredentialStore | None = None) -> None:
        super().__init__(app)
        self._config = config
        self._app = app
        self.language = config.language
        self.credentials = credentials or CredentialStore()
        self._translators = list(translators or [])
        self._translations_dir = translations_dir
        self._clock = clock
        self._open_url = open_url
        self.events = EventLog(sys.stdout if config.events_stdout else None, self)
        self.runner = BackgroundRunner(self)
        self.launcher = ViewerLauncher(self, command=config.viewer_command)
        self.desk = SupportLogDesk(self)
        self.controller: AgentController | None = None
        self.logout_reason = ""
        self._stopped = False
        self.dialog = self._make_dialog(config.login_id)
        app.aboutToQuit.connect(self.shutdown)

    def _make_dialog(self, login_id: str) -> LoginDialog:
        """A new login dialog, wired to this application."""
        config = self._config
        dialog = LoginDialog(lambda url: ServerClient(url, config.tls), self.runner, config.server_url, login_id,
                             credentials=self.credentials, language=self.language)
        dialog.language_changed.connect(self._on_language_changed)
        dialog.notice.connect(lambda text: self.events.record("notice", detail=text))
        dialog.login_failed.connect(self._on_dialog_login_failed)
        dialog.accepted.connect(self._on_dialog_accepted)
        dialog.rejected.connect(self.quit)
        return dialog

    def _on_language_changed(self, language: str) -> None:
        """The dialog saved the choice: swap the translators (open windows retranslate on LanguageChange)."""
        self.language = language
        self._translators = switch_translators(self._app, self._translators, self._translations_dir, language)

    def start(self) -> None:
        """Show the login dialog; with auto-login, submit it at once."""
        self.dialog.show()
        self.events.record("started")
        if self._config.auto_login and self._config.password is not None:
            self.dialog.fill(self._config.login_id, self._config.password)
            QTimer.singleShot(0, self.dialog.submit)

    def _on_dialog_login_failed(self, detail: str) -> None:
        self.events.record("login_failed", detail=detail)

    def _on_dialog_accepted(self) -> None:
        client, login = self.dialog.client, self.dialog.login
        assert client is not None and login is not None
        self.events.record("logged_in", login_id=login.agent.login_id, name=login.agent.name,
                           server=login.server_url)
        self.logout_reason = ""
        runner = BackgroundRunner()
        controller = AgentController(client, login, self.events, self.launcher, runner,
                                     clock=self._clock, desk=self.desk, open_url=self._open_url,
                                     language=self.language, parent=self)
        runner.setParent(controller)
        controller.window.closing.connect(self.quit)
        controller.logged_out.connect(self._on_controller_logged_out)
        controller.finished.connect(controller.deleteLater)
        self.controller = controller
        controller.start(auto_code=self._config.auto_code)
        self.dialog.deleteLater()

    def _on_controller_logged_out(self, reason: str) -> None:
        """The login ended (the controller already ended viewers and closed its window): log in again."""
        ended = self.controller
        self.controller = None
        login_id = ended.window.login_id if ended is not None else self._config.login_id
        self.logout_reason = reason
        self.dialog = self._make_dialog(login_id)
        self.dialog.status_label.setStyleSheet(colour_style(WARNING))
        self.dialog.status_label.setText(reason)
        self.dialog.show()
        self.dialog.raise_()

    def quit(self) -> None:
        """Shut down and leave the event loop."""
        self.shutdown()
        self._app.quit()

    def shutdown(self) -> None:
        """Idempotent: stop the controller (listener, viewers, logout) and close open support logs."""
        if self._stopped:
            return
        self._stopped = True
        if self.controller is not None:
            self.controller.shutdown()
        else:
            self.launcher.terminate_all()
            self.runner.forget()
            self.runner.wait(2000)
        self.desk.close_all()
        self.events.record("stopped")
