"""The login dialog: agent ID, password and server URL; the call runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from agent.api import LoginResult, ServerClient
from agent.background import BackgroundRunner
from agent.errors import AgentError
from ui.theme import WARNING, colour_style, heading_font

ClientFactory = Callable[[str], ServerClient]


class LoginDialog(QDialog):
    """Asks for ID, password and server; accepts once the server said yes.

    After ``accepted``, ``client`` is the logged-in ServerClient and ``login`` its LoginResult.
    """

    login_failed = Signal(str)  # the sentence shown
    logged_in = Signal(object)  # LoginResult

    def __init__(self, client_factory: ClientFactory, runner: BackgroundRunner, server_url: str,
                 login_id: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client_factory = client_factory
        self._runner = runner
        self.client: ServerClient | None = None
        self.login: LoginResult | None = None
        self.setWindowTitle(self.tr("Ferry agent — log in"))
        self._build(server_url, login_id)

    def _build(self, server_url: str, login_id: str) -> None:
        title = QLabel(self.tr("Log in to Ferry"), self)
        title.setFont(heading_font(self.font()))
        self.id_edit = QLineEdit(login_id, self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_edit = QLineEdit(server_url, self)
        form = QFormLayout()
        form.addRow(self.tr("ID"), self.id_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        form.addRow(self.tr("Server"), self.server_edit)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.login_button = self.buttons.addButton(self.tr("Log in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.tr("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        (self.password_edit if login_id else self.id_edit).setFocus()
        self.setMinimumWidth(420)

    def fill(self, login_id: str, password: str) -> None:
        """Fill in the ID and password (scripted logins)."""
        self.id_edit.setText(login_id)
        self.password_edit.setText(password)

    def submit(self) -> None:
        """Check the fields and send the login in the background."""
        login_id = self.id_edit.text().strip()
        password = self.password_edit.text()
        url = self.server_edit.text().strip().rstrip("/")
        if not login_id or not password:
            self._show_error(self.tr("Enter your ID and password."))
            return
        if not url.startswith("https://"):
            self._show_error(self.tr("The server address must start with https://."))
            return
        client = self._client_factory(url)
        self._set_busy(True)
        self._runner.run(lambda: client.login(login_id, password),
                         lambda result: self._on_login_succeeded(client, result),
                         lambda error: self._on_login_failed(client, error))

    def _on_login_succeeded(self, client: ServerClient, result: LoginResult) -> None:
        self.client = client
        self.login = result
        self._set_busy(False)
        self.status_label.clear()
        self.logged_in.emit(result)
        self.accept()

    def _on_login_failed(self, client: ServerClient, error: AgentError) -> None:
        client.close()
        self._set_busy(False)
        self.password_edit.selectAll()
        self.password_edit.setFocus()
        self._show_error(str(error))

    def _show_error(self, text: str) -> None:
        self.status_label.setStyleSheet(colour_style(WARNING))
        self.status_label.setText(text)
        self.login_failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.id_edit, self.password_edit, self.server_edit, self.login_button):
            widget.setEnabled(not busy)
        if busy:
            self.status_label.setStyleSheet("")
            self.status_label.setText(self.tr("Logging in…"))

    def reject(self) -> None:
        """Close; a login still on its way is ignored."""
        self._runner.forget()
        super().reject()
