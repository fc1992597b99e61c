"""The login dialog: server, ID, password, remember me and language; every call runs off the GUI thread.

Rules: the dialog reads and writes widgets only; the login, the MAC lookup and the password store run in
the BackgroundRunner. A refusal shows the server's own sentence (``ApiError``'s message) under a translated
headline chosen by its code; ``password_expired`` opens PasswordChangeDialog and, once the password is
changed, logs in again with the new one; ``duplicate_login`` asks "Try again" / "Cancel". Remember me
keeps the password in the OS password store only after a login succeeded, and unticking it deletes it.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from agent import config
from agent.api import LoginResult, ServerClient
from agent.background import BackgroundRunner
from agent.credentials import CredentialStore, CredentialStoreError
from agent.errors import AgentError, ApiError, ConfigError
from agent.machine import primary_mac
from agent.password_dialog import PasswordChangeDialog
from ui.theme import MUTED, WARNING, colour_style, heading_font

log = logging.getLogger(__name__)

ClientFactory = Callable[[str], ServerClient]
MacSource = Callable[[], str | None]
# Language names are written in their own language, as every language menu does (not translated).
LANGUAGE_NAMES = (("ko", "한국어"), ("en", "English"))


@dataclasses.dataclass(frozen=True)
class LoginAttempt:
    """A successful login and, when the password store failed, the sentence saying so."""

    result: LoginResult
    note: str = ""


def log_in(client: ServerClient, login_id: str, password: str, *, mac: MacSource,
           store: CredentialStore | None, remember: bool) -> LoginAttempt:
    """Log in (worker thread), then remember the password when asked; the store's failure is only a note.

    Nothing is deleted here: unticking "remember me" deletes at once, and not touching the store
    otherwise spares agents who never use it a password-store unlock prompt at every login.
    """
    result = client.login(login_id, password, mac=mac())
    if store is None or not remember:
        return LoginAttempt(result)
    try:
        store.save(client.server_url, login_id, password)
    except CredentialStoreError as exc:
        return LoginAttempt(result, str(exc))
    return LoginAttempt(result)


def system_language() -> str:
    """"ko" when the system speaks Korean, else "en"."""
    return "ko" if QLocale().language() == QLocale.Language.Korean else "en"


class LoginDialog(QDialog):
    """Asks for ID, password and server; accepts once the server said yes.

    After ``accepted``, ``client`` is the logged-in ServerClient and ``login`` its LoginResult.
    ``credentials`` (None: no remember me) is the password store; ``language`` the current choice
    (None: the system's); ``config_path`` the user's file where the language and the remembered ID
    are kept (None: ``agent.config.user_config_path()``); ``mac`` tells this PC's MAC address.
    """

    login_failed = Signal(str)  # the sentence shown
    logged_in = Signal(object)  # LoginResult
    language_changed = Signal(str)  # "ko" or "en": install the matching translator
    notice = Signal(str)  # a sentence about remember me that the user should read (no password store)

    def __init__(self, client_factory: ClientFactory, runner: BackgroundRunner, server_url: str,
                 login_id: str = "", parent: QWidget | None = None, *,
                 credentials: CredentialStore | None = None, language: str | None = None,
                 config_path: Path | None = None, mac: MacSource = primary_mac) -> None:
        super().__init__(parent)
        self._client_factory = client_factory
        self._runner = runner
        self._credentials = credentials
        self._config_path = config_path
        self._mac = mac
        self.client: ServerClient | None = None
        self.login: LoginResult | None = None
        self.password_dialog: PasswordChangeDialog | None = None
        self.duplicate_box: QMessageBox | None = None
        self.remember_note = ""
        self._build(server_url, login_id, language or system_language())
        self._retranslate()
        if credentials is not None:
            self._load_remembered(server_url, login_id)

    def _build(self, server_url: str, login_id: str, language: str) -> None:
        self.title_label = QLabel(self)
        self.title_label.setFont(heading_font(self.font()))
        self.id_edit = QLineEdit(login_id, self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_edit = QLineEdit(server_url, self)
        self.remember_box = QCheckBox(self)
        self.remember_box.setVisible(self._credentials is not None)
        self.remember_box.clicked.connect(self._on_remember_box_clicked)
        self.language_box = QComboBox(self)
        for code, name in LANGUAGE_NAMES:
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(language)))
        self.language_box.currentIndexChanged.connect(self._on_language_box_changed)
        self.form_labels = [QLabel(self) for _ in range(4)]
        form = QFormLayout()
        for label, field in zip(self.form_labels, (self.id_edit, self.password_edit, self.server_edit,
                                                   self.language_box), strict=True):
            form.addRow(label, field)
        form.addRow("", self.remember_box)
        self.note_label, self.reason_label, self.status_label = QLabel(self), QLabel(self), QLabel(self)
        for label in (self.note_label, self.reason_label, self.status_label):
            label.setWordWrap(True)
        self.note_label.setStyleSheet(colour_style(MUTED))
        self.reason_label.setFont(heading_font(self.font(), 1.0))
        self.reason_label.setStyleSheet(colour_style(WARNING))
        self.reason_label.setVisible(False)
        self.buttons = QDialogButtonBox(self)
        self.login_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(form)
        for widget in (self.note_label, self.reason_label, self.status_label, self.buttons):
            layout.addWidget(widget)
        (self.password_edit if login_id else self.id_edit).setFocus()
        self.setMinimumWidth(420)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Ferry agent — log in"))
        self.title_label.setText(self.tr("Log in to Ferry"))
        for label, text in zip(self.form_labels, (self.tr("ID"), self.tr("Password"), self.tr("Server"),
                                                  self.tr("Language")), strict=True):
            label.setText(text)
        self.remember_box.setText(self.tr("Remember me on this PC"))
        self.login_button.setText(self.tr("Log in"))
        self.quit_button.setText(self.tr("Quit"))

    def changeEvent(self, event: QEvent) -> None:
        """Show the new language when the app's translator changes."""
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def language(self) -> str:
        """The language chosen in the dialog: "ko" or "en"."""
        return str(self.language_box.currentData())

    def _on_language_box_changed(self) -> None:
        language = self.language()
        try:
            config.save_language(language, self._config_path)
        except ConfigError as exc:
            self._show_error(str(exc))
        self.language_changed.emit(language)

    # --- remember me -----------------------------------------------------------------------------------

    def _load_remembered(self, server_url: str, login_id: str) -> None:
        assert self._credentials is not None
        job = functools.partial(self._credentials.load, server_url, login_id)
        self._runner.run(job, self._on_remembered_loaded, self._on_store_failed)

    def _on_remembered_loaded(self, password: str | None) -> None:
        if password and not self.password_edit.text():
            self.password_edit.setText(password)
            self.remember_box.setChecked(True)

    def _on_store_failed(self, error: AgentError) -> None:
        """No password store: say so once, and log in without remembering."""
        self.remember_box.setChecked(False)
        self.remember_box.setEnabled(False)
        self.note_label.setText(str(error))
        self.remember_note = str(error)
        self.notice.emit(str(error))

    def _on_remember_box_clicked(self, checked: bool) -> None:
        """Unticking deletes the remembered password of the ID and server in the fields."""
        if checked or self._credentials is None:
            return
        job = functools.partial(self._credentials.forget, self._server_url(), self.id_edit.text().strip())
        self._runner.run(job, lambda _: None, self._on_store_failed)

    # --- logging in ------------------------------------------------------------------------------------

    def fill(self, login_id: str, password: str) -> None:
        """Fill in the ID and password (scripted logins)."""
        self.id_edit.setText(login_id)
        self.password_edit.setText(password)

    def _server_url(self) -> str:
        return self.server_edit.text().strip().rstrip("/")

    def submit(self) -> None:
        """Check the fields and send the login in the background."""
        login_id = self.id_edit.text().strip()
        password = self.password_edit.text()
        url = self._server_url()
        if not login_id or not password:
            self._show_error(self.tr("Enter your ID and password."))
            return
        if not url.startswith("https://"):
            self._show_error(self.tr("The server address must start with https://."))
            return
        remember = self.remember_box.isChecked() and self.remember_box.isEnabled()
        client = self._client_factory(url)
        self._set_busy(True)
        job = functools.partial(log_in, client, login_id, password, mac=self._mac, store=self._credentials,
                                remember=remember)
        self._runner.run(job,
                         lambda attempt: self._on_login_succeeded(client, attempt, login_id if remember else ""),
                         lambda error: self._on_login_failed(client, error))

    def _on_login_succeeded(self, client: ServerClient, attempt: LoginAttempt, remembered_id: str) -> None:
        self.client = client
        self.login = attempt.result
        self._set_busy(False)
        self._clear_messages()
        if attempt.note:
            self.remember_note = attempt.note
            self.notice.emit(attempt.note)
        elif remembered_id:  # the ID as typed: the password store's key uses it too
            self._keep_login_id(remembered_id)
        self.logged_in.emit(attempt.result)
        self.accept()

    def _keep_login_id(self, login_id: str) -> None:
        try:
            config.save_login_id(login_id, self._config_path)
        except ConfigError as exc:
            log.warning("could not keep the login ID: %s", exc)
            self.notice.emit(str(exc))

    def _on_login_failed(self, client: ServerClient, error: AgentError) -> None:
        client.close()
        self._set_busy(False)
        code = error.code if isinstance(error, ApiError) else None
        if code == "password_expired":
            self._open_password_change(error)
        elif code == "duplicate_login":
            self._ask_duplicate(error)
        else:
            self._show_refusal(error, code)

    def _show_refusal(self, error: AgentError, code: str | None) -> None:
        headline = self._headline(code)
        self.reason_label.setText(headline)
        self.reason_label.setVisible(bool(headline))
        if code is None:  # a wrong password, or no answer: type again
            self.password_edit.selectAll()
            self.password_edit.setFocus()
        self._show_error(str(error))

    def _headline(self, code: str | None) -> str:
        """A translated headline over the server's sentence for the refusals that have one."""
        headlines = {
            "account_locked": self.tr("Your account is locked."),
            "address_not_allowed": self.tr("Logging in from this PC is not allowed."),
            "account_expired": self.tr("Your account has ended."),
            "licence_full": self.tr("No licence is free right now."),
        }
        return headlines.get(code or "", "")

    def _open_password_change(self, error: AgentError) -> None:
        self.login_failed.emit(str(error))
        self.reason_label.setText(self.tr("Your password has expired."))
        self.reason_label.setVisible(True)
        self.status_label.setStyleSheet(colour_style(MUTED))
        self.status_label.setText(self.tr("Choose a new password: Ferry logs you in with it."))
        dialog = PasswordChangeDialog(self._client_factory(self._server_url()), self._runner,
                                      self.id_edit.text().strip(), self.password_edit.text(), self)
        dialog.password_changed.connect(self._on_password_changed)
        dialog.rejected.connect(self._on_password_change_rejected)
        self.password_dialog = dialog
        dialog.open()

    def _on_password_change_rejected(self) -> None:
        self.status_label.setText(self.tr("The password was not changed: log in again to change it."))

    def _on_password_changed(self, password: str) -> None:
        self.password_edit.setText(password)
        self.submit()

    def _ask_duplicate(self, error: AgentError) -> None:
        """The server refused a second login of this ID: show why and offer to try again."""
        self._show_error(str(error))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Already logged in"), str(error),
                          QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(self.tr("Log out on the other PC, then try again."))
        self.retry_button = box.addButton(self.tr("Try again"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: self._on_duplicate_answered(button is self.retry_button))
        self.duplicate_box = box
        box.open()

    def _on_duplicate_answered(self, retry: bool) -> None:
        if retry:
            self.submit()

    def _clear_messages(self) -> None:
        self.reason_label.clear()
        self.reason_label.setVisible(False)
        self.status_label.clear()

    def _show_error(self, text: str) -> None:
        self.status_label.setStyleSheet(colour_style(WARNING))
        self.status_label.setText(text)
        self.login_failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.id_edit, self.password_edit, self.server_edit, self.login_button, self.language_box):
            widget.setEnabled(not busy)
        self.remember_box.setEnabled(not busy and not self.remember_note)
        if busy:
            self._clear_messages()
            self.status_label.setStyleSheet("")
            self.status_label.setText(self.tr("Logging in…"))

    def reject(self) -> None:
        """Close; a login still on its way is ignored."""
        self._runner.forget()
        super().reject()
