"""The agent's transfer list: where received files go, each transfer with progress and Cancel; the question
asked when a received file would take the name of one already there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from transport.file_events import FINAL_STATES, TransferState, TransferUpdate

KEEP_BOTH, REPLACE, CANCEL = "keep_both", "replace", "cancel"


def state_text(update: TransferUpdate) -> str:
    """A short sentence for where a transfer stands."""
    if update.state is TransferState.DONE and not update.outgoing:
        return QCoreApplication.translate("ViewerFiles", "Saved as {path}").format(path=update.path)
    texts = {
        TransferState.HASHING: QCoreApplication.translate("ViewerFiles", "Preparing…"),
        TransferState.OFFERED: QCoreApplication.translate("ViewerFiles", "Waiting for the other side…"),
        TransferState.ASKING: QCoreApplication.translate("ViewerFiles", "Waiting for your answer…"),
        TransferState.RUNNING: QCoreApplication.translate("ViewerFiles", "Transferring…"),
        TransferState.VERIFYING: QCoreApplication.translate("ViewerFiles", "Checking…"),
        TransferState.DONE: QCoreApplication.translate("ViewerFiles", "Done"),
        TransferState.FAILED: QCoreApplication.translate("ViewerFiles", "Failed"),
        TransferState.CANCELLED: QCoreApplication.translate("ViewerFiles", "Cancelled"),
        TransferState.INTERRUPTED: QCoreApplication.translate(
            "ViewerFiles", "Interrupted (sending the same file again resumes it)"),
    }
    text = texts[update.state]
    return f"{text} ({update.reason})" if update.reason and update.state in FINAL_STATES else text


class TransferRow(QWidget):
    """One transfer: direction and name, a progress bar, its state and a Cancel button."""

    def __init__(self, update: TransferUpdate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        arrow = "↑" if update.outgoing else "↓"
        self.name_label = QLabel(f"{arrow} {update.name}")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        self.cancel_button = QPushButton(QCoreApplication.translate("ViewerFiles", "Cancel"))
        top = QHBoxLayout()
        top.addWidget(self.name_label, 1)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.state_label)

    def show_update(self, update: TransferUpdate) -> None:
        self.progress.setValue(int(1000 * update.done / update.size) if update.size else 1000)
        self.state_label.setText(state_text(update))
        self.cancel_button.setEnabled(update.state not in FINAL_STATES)


class TransfersDialog(QDialog):
    """The session's transfers and the folder received files go to; ``cancel_requested(transfer_id)``,
    ``folder_chosen(path)``."""

    cancel_requested = Signal(int)
    folder_chosen = Signal(str)

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("File transfers"))
        self.rows: dict[int, TransferRow] = {}
        self.folder_label = QLabel("")
        self.folder_button = QPushButton(self.tr("Change…"))
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        self.show_folder(folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.folder_button)
        inner = QWidget()
        self._rows_layout = QVBoxLayout(inner)
        self._rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addLayout(folder_row)
        layout.addWidget(scroll, 1)
        self.resize(460, 320)

    def show_folder(self, folder: Path) -> None:
        self.folder_label.setText(self.tr("Received files go to {folder}").format(folder=folder))

    def show_update(self, update: TransferUpdate) -> None:
        row = self.rows.get(update.transfer_id)
        if row is None:
            row = TransferRow(update)
            row.cancel_button.clicked.connect(lambda: self.cancel_requested.emit(update.transfer_id))
            self.rows[update.transfer_id] = row
            self._rows_layout.insertWidget(self._rows_layout.count() - 1, row)
        row.show_update(update)

    def _on_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Where should received files go?"))
        if folder:
            self.folder_chosen.emit(folder)


def conflict_box(name: str, folder: str, parent: QWidget | None) -> QMessageBox:
    """Asks what to do when ``name`` is already in ``folder``: buttons carry ``ferry_choice``."""
    text = QCoreApplication.translate(
        "ViewerFiles", "A file named {name} is already in {folder}. Keep both (the new one gets a number), "
                       "replace the old one, or cancel this transfer?").format(name=name, folder=folder)
    box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("ViewerFiles", "File already exists"),
                      text, QMessageBox.StandardButton.NoButton, parent)
    for label, choice, role in ((QCoreApplication.translate("ViewerFiles", "Keep both"), KEEP_BOTH,
                                 QMessageBox.ButtonRole.AcceptRole),
                                (QCoreApplication.translate("ViewerFiles", "Replace"), REPLACE,
                                 QMessageBox.ButtonRole.DestructiveRole),
                                (QCoreApplication.translate("ViewerFiles", "Cancel"), CANCEL,
                                 QMessageBox.ButtonRole.RejectRole)):
        button = box.addButton(label, role)
        button.setProperty("ferry_choice", choice)
    return box


def chosen(box: QMessageBox) -> str:
    """The choice of a conflict_box's clicked button (CANCEL when it was closed)."""
    button = box.clickedButton()
    choice = button.property("ferry_choice") if button is not None else None
    return choice if choice in (KEEP_BOTH, REPLACE) else CANCEL
