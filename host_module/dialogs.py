"""The customer's dialogs: the connection code, consent to share, consent to control."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRegularExpression
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

from ui.widgets import group_code


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


def consent_box(agent: str, company: str, sas: str, parent: QWidget | None = None) -> QMessageBox:
    """A non-modal question: may this agent see the screen?"""
    text = QCoreApplication.translate(
        "HostDialogs",
        "{agent} of {company} asks to see your screen for remote support.\n\n"
        "Security code: {sas}. If the agent reads you a different code, refuse.\n\n"
        "Nothing is shared until you allow it.",
    ).format(agent=agent, company=company, sas=group_code(sas))
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


def _question(title: str, text: str, yes: str, no: str, parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    return box
