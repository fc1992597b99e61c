"""The customer's dialogs: the connection code, the session password, consent to share, control and
each permission; the sentences the customer sees when a session cannot start or ends on an error."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from protocol.session import WRONG_SECRET
from ui.widgets import group_code

PASSWORD_TRIES = 3


class CodeDialog(QDialog):
    """Asks for the 6-digit connection code."""

    def __init__(self, parent: QWidget | None = None, error: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("HostDialogs", "Ferry remote support"))
        self.code_edit = QLineEdit()
        self.code_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}")))
        self.code_edit.setPlaceholderText("123456")
        prompt = QLabel(QCoreApplication.translate(
            "HostDialogs", "Type the 6-digit connection code the agent gave you:"))
        prompt.setBuddy(self.code_edit)
        self.error_label = QLabel(error)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("HostDialogs", "Connect"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (prompt, self.code_edit, self.error_label, buttons):
            layout.addWidget(widget)

    @property
    def code(self) -> str:
        return self.code_edit.text()


def consent_text(agent: str, company: str, sas: str, recording: bool, control_at_start: bool) -> str:
    """The pre-consent text: who asks, what is shared, whether the session is recorded."""
    parts = [QCoreApplication.translate(
        "HostDialogs", "{agent} of {company} asks to see your screen for remote support.").format(
            agent=agent, company=company)]
    if control_at_start:
        parts.append(QCoreApplication.translate(
            "HostDialogs", "If you allow, the agent sees your whole screen and can also use your mouse and "
                           "keyboard at once. You can take control back at any time."))
    else:
        parts.append(QCoreApplication.translate(
            "HostDialogs", "If you allow, the agent sees your whole screen. The agent can use your mouse and "
                           "keyboard only if you allow that later."))
    if recording:
        parts.append(QCoreApplication.translate("HostDialogs", "This session will be recorded."))
    parts.append(QCoreApplication.translate(
        "HostDialogs", "Security code: {sas}. If the agent reads you a different code, refuse.").format(
            sas=group_code(sas)))
    parts.append(QCoreApplication.translate("HostDialogs", "Nothing is shared until you allow it."))
    return "\n\n".join(parts)


def consent_box(agent: str, company: str, sas: str, parent: QWidget | None = None, *, recording: bool = False,
                control_at_start: bool = False) -> QMessageBox:
    """A non-modal question: may this agent see the screen?"""
    text = consent_text(agent, company, sas, recording, control_at_start)
    title = QCoreApplication.translate("HostDialogs", "Allow remote support?")
    allow = QCoreApplication.translate("HostDialogs", "Allow")
    return _question(title, text, allow, QCoreApplication.translate("HostDialogs", "Refuse"), parent)


def control_box(agent: str, parent: QWidget | None = None) -> QMessageBox:
    """A non-modal question: may the agent use the mouse and keyboard?"""
    text = QCoreApplication.translate(
        "HostDialogs",
        "{agent} asks to control your mouse and keyboard. You can take control back at any time "
        "from the notice window.",
    ).format(agent=agent)
    title = QCoreApplication.translate("HostDialogs", "Allow control?")
    allow = QCoreApplication.translate("HostDialogs", "Allow control")
    return _question(title, text, allow, QCoreApplication.translate("HostDialogs", "Refuse"), parent)


_PERMISSION_TEXT: dict[str, object] = {
    "file_send": QT_TRANSLATE_NOOP("HostDialogs", "{agent} wants to send you a file: {detail}"),
    "file_receive": QT_TRANSLATE_NOOP("HostDialogs", "{agent} wants to receive a file from your computer: {detail}"),
    "recording": QT_TRANSLATE_NOOP("HostDialogs", "{agent} wants to record this session. {detail}"),
    "screen_save": QT_TRANSLATE_NOOP("HostDialogs", "{agent} wants to save a picture of your screen."),
    "url_open": QT_TRANSLATE_NOOP("HostDialogs", "{agent} wants to open this address in your browser: {detail}"),
    "process_end": QT_TRANSLATE_NOOP("HostDialogs", "{agent} wants to end this program on your computer: {detail}"),
    "clipboard": QT_TRANSLATE_NOOP("HostDialogs", "{agent} wants to exchange clipboard contents with your computer."),
    "system_info": QT_TRANSLATE_NOOP("HostDialogs", "{agent} wants to see your computer's system information."),
    "session_share": QT_TRANSLATE_NOOP(
        "HostDialogs", "{agent} asks to let another agent, {detail}, watch your screen. They will only see it, "
                       "not control it."),
    "session_transfer": QT_TRANSLATE_NOOP(
        "HostDialogs", "{agent} asks to hand this session over to {detail}, who will then help you instead."),
}


def permission_text(agent: str, kind: str, detail: str) -> str:
    """The question for a PermissionRequest of ``kind``."""
    if (kind, detail) == ("recording", "agent"):
        detail = QCoreApplication.translate("HostDialogs", "The recording is saved on the agent's computer.")
    template = str(_PERMISSION_TEXT.get(kind) or QT_TRANSLATE_NOOP("HostDialogs", "{agent} asks for: {detail}"))
    return QCoreApplication.translate("HostDialogs", template).format(agent=agent, detail=detail[:300]).strip()


def permission_box(agent: str, kind: str, detail: str, parent: QWidget | None = None) -> QMessageBox:
    """A non-modal question for one PermissionRequest."""
    title = QCoreApplication.translate("HostDialogs", "Allow this?")
    return _question(title, permission_text(agent, kind, detail), QCoreApplication.translate("HostDialogs", "Allow"),
                     QCoreApplication.translate("HostDialogs", "Refuse"), parent)


class PasswordDialog(QDialog):
    """Asks for the 4-digit session password the agent reads out (at most PASSWORD_TRIES tries)."""

    def __init__(self, agent: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("HostDialogs", "Session password"))
        self.tries = 0
        self.password_edit = QLineEdit()
        self.password_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}")))
        self.password_edit.setPlaceholderText("0000")
        prompt = QLabel(QCoreApplication.translate(
            "HostDialogs", "Type the 4-digit session password that {agent} reads out to you:").format(agent=agent))
        prompt.setWordWrap(True)
        prompt.setBuddy(self.password_edit)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("HostDialogs", "Connect"))
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (prompt, self.password_edit, self.error_label, buttons):
            layout.addWidget(widget)

    @property
    def password(self) -> str:
        return self.password_edit.text()

    def _on_buttons_accepted(self) -> None:
        if len(self.password) == 4 and self.password.isdigit():
            self.accept()
            return
        self.tries += 1
        left = PASSWORD_TRIES - self.tries
        if left <= 0:
            self.reject()
            return
        self.error_label.setText(QCoreApplication.translate(
            "HostDialogs", "The session password has exactly 4 digits. Listen to the agent and type it again "
                           "({left} tries left).").format(left=left))
        self.password_edit.clear()


def customer_reason(reason: str, password_used: bool) -> str:
    """The sentence the customer sees for why a session could not start or ended on an error."""
    if reason.startswith(WRONG_SECRET[:40]):
        if password_used:
            return QCoreApplication.translate(
                "HostDialogs", "The session password did not match, so nothing was shared. Ask the agent for a "
                               "new connection code, then type the password the agent reads out carefully.")
        return QCoreApplication.translate(
            "HostDialogs", "The security check of the connection failed, so nothing was shared. Ask the agent "
                           "for a new connection code and connect again.")
    if "certificate" in reason.lower():
        return QCoreApplication.translate(
            "HostDialogs", "The support server's certificate is not the expected one, so Ferry did not connect. "
                           "Do not continue; ask the agent for a new program or address.")
    if reason.startswith("could not reach the relay"):
        return QCoreApplication.translate(
            "HostDialogs", "Could not reach the support server. Check your internet connection, then ask the "
                           "agent for a new connection code.")
    return reason


def _question(title: str, text: str, yes: str, no: str, parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    return box
