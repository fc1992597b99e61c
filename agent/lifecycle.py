"""From start to quit: the login dialog, then the controller and its window; clean shutdown.

Rules: the application quits only through ``quit`` (the dialog's Quit, the window's close,
a signal from the OS); the controller's shutdown runs before the event loop ends.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from agent.api import ServerClient
from agent.app import AgentController
from agent.background import BackgroundRunner
from agent.config import AgentConfig
from agent.events import EventLog
from agent.launcher import ViewerLauncher
from agent.login_dialog import LoginDialog

log = logging.getLogger(__name__)


class AgentApplication(QObject):
    """One run of the agent app."""

    def __init__(self, config: AgentConfig, app: QApplication) -> None:
        super().__init__(app)
        self._config = config
        self._app = app
        self.events = EventLog(sys.stdout if config.events_stdout else None, self)
        self.runner = BackgroundRunner(self)
        self.launcher = ViewerLauncher(self, command=config.viewer_command)
        self.controller: AgentController | None = None
        self._stopped = False
        self.dialog = LoginDialog(lambda url: ServerClient(url, config.tls), self.runner,
                                  config.server_url, config.login_id)
        self.dialog.login_failed.connect(self._on_dialog_login_failed)
        self.dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog.rejected.connect(self.quit)
        app.aboutToQuit.connect(self.shutdown)

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
        self.controller = AgentController(client, login, self.events, self.launcher, self.runner, parent=self)
        self.controller.window.closing.connect(self.quit)
        self.controller.start(auto_code=self._config.auto_code)
        self.dialog.deleteLater()

    def quit(self) -> None:
        """Shut down and leave the event loop."""
        self.shutdown()
        self._app.quit()

    def shutdown(self) -> None:
        """Idempotent: stop the controller (listener, viewers, logout)."""
        if self._stopped:
            return
        self._stopped = True
        if self.controller is not None:
            self.controller.shutdown()
        else:
            self.launcher.terminate_all()
            self.runner.forget()
            self.runner.wait(2000)
        self.events.record("stopped")
