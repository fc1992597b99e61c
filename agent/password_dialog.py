"""Change an expired password: current, new and repeat, with the company level's rules shown as the user types.

Rules: the rules come from the server (``server_data.check_password``), asked at most once per pause in
typing (``debounce_ms``) and always off the GUI thread; an answer for a text that is no longer in the field
is dropped. OK is enabled only when the server said every rule is met for exactly the text in the field,
the new password differs from the current one, and the repeat matches. The change itself is
``server_data.change_password``; on success ``password_changed`` carries the new password (the login
dialog logs in with it).
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from agent import server_data
from agent.api import ServerClient
from agent.background import BackgroundRunner
from agent.errors import AgentError, ApiError
from agent.server_data import PasswordCheck, RuleState
from ui.theme import MUTED, WARNING, colour_style, heading_font

DEBOUNCE_MS = 300
MET = QColor("#1a7f37")
REUSE = "reuse"

# The server's rule sentences (server/login_rules/passwords.py) at each level, so the dialog can show them
# in the app's language; a sentence not listed here is shown as the server wrote it.
RULE_TEXTS = (
    QT_TRANSLATE_NOOP("PasswordRules", "6 to 24 characters."),
    QT_TRANSLATE_NOOP("PasswordRules", "8 to 24 characters."),
    QT_TRANSLATE_NOOP("PasswordRules", "English letters and digits only."),
    QT_TRANSLATE_NOOP("PasswordRules", "English letters, digits and special characters only."),
    QT_TRANSLATE_NOOP("PasswordRules", "At least one letter and one digit."),
    QT_TRANSLATE_NOOP("PasswordRules", "At least one upper-case letter, one lower-case letter, one digit and "
                                       "one special character."),
    QT_TRANSLATE_NOOP("PasswordRules", "No three digits in a row that repeat or count up or down (111, 123, 321)."),
    QT_TRANSLATE_NOOP("PasswordRules", "Different from the current password."),
)


def rule_text(server_text: str) -> str:
    """A rule's sentence in the app's language when it is one of the server's known sentences."""
    return QCoreApplication.translate("PasswordRules", server_text) if server_text in RULE_TEXTS else server_text


class PasswordChangeDialog(QDialog):
    """Asks for the current password and a new one that meets the level's rules; accepts once changed."""

    password_changed = Signal(str)  # the new password
    rules_checked = Signal(str)  # the server's answer for this text is shown

    def __init__(self, client: ServerClient, runner: BackgroundRunner, login_id: str, current: str = "",
                 parent: QWidget | None = None, *, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._client = client
        self._runner = runner
        self._login_id = login_id
        self._checked: tuple[str, PasswordCheck] | None = None
        self._busy = False
        self._closed = False
        self.rule_labels: dict[str, QLabel] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._check_now)
        self._build(current)
        self._retranslate()
        self._check_now()  # show the rules before the first key

    def _build(self, current: str) -> None:
        self.title_label = QLabel(self)
        self.title_label.setFont(heading_font(self.font(), 1.2))
        self.intro_label = QLabel(self)
        self.intro_label.setWordWrap(True)
        self.current_edit, self.new_edit, self.repeat_edit = (self._secret_edit() for _ in range(3))
        self.current_edit.setText(current)
        self.form_labels = [QLabel(self) for _ in range(3)]
        form = QFormLayout()
        for label, edit in zip(self.form_labels, (self.current_edit, self.new_edit, self.repeat_edit), strict=True):
            form.addRow(label, edit)
        self.rules_box = QWidget(self)
        self._rules_layout = QVBoxLayout(self.rules_box)
        self._rules_layout.setContentsMargins(0, 0, 0, 0)
        self.match_label = QLabel(self)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        layout.addLayout(form)
        for part in (self.rules_box, self.match_label, self.status_label, self.buttons):
            layout.addWidget(part)
        self.new_edit.textChanged.connect(self._on_new_edit_text_changed)
        self.current_edit.textChanged.connect(self._update)
        self.repeat_edit.textChanged.connect(self._update)
        (self.new_edit if current else self.current_edit).setFocus()
        self.setMinimumWidth(460)

    def _secret_edit(self) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Ferry agent — change password"))
        self.title_label.setText(self.tr("Your password has expired"))
        self.intro_label.setText(self.tr("Choose a new password for {0}. The rules below turn green as you "
                                         "meet them.").format(self._login_id))
        for label, text in zip(self.form_labels, (self.tr("Current password"), self.tr("New password"),
                                                  self.tr("Repeat the new password")), strict=True):
            label.setText(text)
        self.ok_button.setText(self.tr("Change password"))
        self.cancel_button.setText(self.tr("Cancel"))
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        """Show the new language when the app's translator changes."""
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _on_new_edit_text_changed(self) -> None:
        self._timer.start()  # restarts: one check per pause in typing
        self._update()

    def _check_now(self) -> None:
        text = self.new_edit.text()
        job = functools.partial(server_data.check_password, self._client, self._login_id, text)
        self._runner.run(job, lambda check: self._on_checked(text, check), self._on_check_failed)

    def _on_checked(self, text: str, check: PasswordCheck) -> None:
        if self._closed or text != self.new_edit.text():
            return  # the user typed on: a newer check is coming
        self._checked = (text, check)
        if self.status_label.property("check_failed"):
            self._set_status("")
        self._update()
        self.rules_checked.emit(text)

    def _on_check_failed(self, error: AgentError) -> None:
        if self._closed:
            return
        self._set_status(self.tr("Could not check the rules: {0}").format(error), warning=True)
        self.status_label.setProperty("check_failed", True)

    def rules(self) -> list[RuleState]:
        """The rules as last checked for the text in the field, plus "different from the current password"."""
        new = self.new_edit.text()
        found = list(self._checked[1].rules) if self._checked is not None else []
        found.append(RuleState(REUSE, "Different from the current password.",
                               bool(new) and new != self.current_edit.text()))
        return found

    def ready(self) -> bool:
        """Every rule met for the text in the field, the repeat matches, and no call is on its way."""
        new = self.new_edit.text()
        fresh = self._checked is not None and self._checked[0] == new
        return (fresh and not self._busy and bool(self.current_edit.text()) and new == self.repeat_edit.text()
                and all(rule.met for rule in self.rules()))

    def _update(self) -> None:
        self._show_rules(self.rules())
        repeat = self.repeat_edit.text()
        if not repeat:
            self.match_label.clear()
        elif repeat == self.new_edit.text():
            self._mark(self.match_label, True, self.tr("The two new passwords match."))
        else:
            self._mark(self.match_label, False, self.tr("The two new passwords do not match."))
        self.ok_button.setEnabled(self.ready())

    def _show_rules(self, rules: list[RuleState]) -> None:
        if list(self.rule_labels) != [rule.id for rule in rules]:
            for label in self.rule_labels.values():
                label.deleteLater()
            self.rule_labels = {rule.id: QLabel(self.rules_box) for rule in rules}
            for label in self.rule_labels.values():
                label.setWordWrap(True)
                self._rules_layout.addWidget(label)
        for rule in rules:
            self._mark(self.rule_labels[rule.id], rule.met, rule_text(rule.text))

    @staticmethod
    def _mark(label: QLabel, met: bool, text: str) -> None:
        label.setText(f"{'✓' if met else '✗'} {text}")
        label.setStyleSheet(colour_style(MET if met else WARNING))
        label.setProperty("met", met)

    def submit(self) -> None:
        """Send the change in the background (only when every rule is met)."""
        if not self.ready():
            return
        current, new = self.current_edit.text(), self.new_edit.text()
        self._set_busy(True)
        job = functools.partial(server_data.change_password, self._client, self._login_id, current, new)
        self._runner.run(job, lambda _: self._on_changed(new), self._on_change_failed)

    def _on_changed(self, new: str) -> None:
        if self._closed:
            return
        self._set_busy(False)
        self.password_changed.emit(new)
        self.accept()

    def _on_change_failed(self, error: AgentError) -> None:
        if self._closed:
            return
        self._set_busy(False)
        self._set_status(str(error), warning=True)
        if isinstance(error, ApiError) and error.status == 401:
            self.current_edit.selectAll()
            self.current_edit.setFocus()
        else:
            self.new_edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.current_edit, self.new_edit, self.repeat_edit):
            widget.setEnabled(not busy)
        if busy:
            self._set_status(self.tr("Changing the password…"))
        self._update()

    def _set_status(self, text: str, warning: bool = False) -> None:
        self.status_label.setProperty("check_failed", False)
        self.status_label.setStyleSheet(colour_style(WARNING if warning else MUTED))
        self.status_label.setText(text)

    def done(self, result: int) -> None:
        """Close: stop checking, and close the dialog's connection after the calls still queued."""
        if not self._closed:
            self._closed = True
            self._timer.stop()
            self._runner.run(self._client.close, lambda _: None, lambda _: None)
        super().done(result)
