"""The agent's transfer list: where received files go, each transfer with progress and Cancel; the question
asked when a received file would take the name of one already there (ui.transfer_rows)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from transport.file_events import FINAL_STATES, TransferState, TransferUpdate
from ui.transfer_rows import CANCEL, KEEP_BOTH, REPLACE, TransferList, TransferRow, chosen, conflict_box

__all__ = ["CANCEL", "KEEP_BOTH", "REPLACE", "TransfersDialog", "chosen", "conflict_box", "state_text"]


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
        TransferState.WAITING: QCoreApplication.translate("ViewerFiles", "Waiting for the connection…"),
        TransferState.DONE: QCoreApplication.translate("ViewerFiles", "Done"),
        TransferState.FAILED: QCoreApplication.translate("ViewerFiles", "Failed"),
        TransferState.CANCELLED: QCoreApplication.translate("ViewerFiles", "Cancelled"),
        TransferState.INTERRUPTED: QCoreApplication.translate(
            "ViewerFiles", "Interrupted (sending the same file again resumes it)"),
    }
    text = texts[update.state]
    return f"{text} ({update.reason})" if update.reason and update.state in FINAL_STATES else text


class TransfersDialog(QDialog):
    """The session's transfers and the folder received files go to; ``cancel_requested(transfer_id)``,
    ``folder_chosen(path)``."""

    cancel_requested = Signal(int)
    folder_chosen = Signal(str)

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("File transfers"))
        self.folder_label = QLabel("")
        self.folder_button = QPushButton(self.tr("Change…"))
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        self.show_folder(folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.folder_button)
        self.transfers = TransferList(cancel_beside_name=True)
        self.transfers.cancel_requested.connect(self.cancel_requested)
        self.rows: dict[int, TransferRow] = self.transfers.rows
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.transfers)
        layout = QVBoxLayout(self)
        layout.addLayout(folder_row)
        layout.addWidget(scroll, 1)
        self.resize(460, 320)

    def show_folder(self, folder: Path) -> None:
        self.folder_label.setText(self.tr("Received files go to {folder}").format(folder=folder))

    def show_update(self, update: TransferUpdate) -> None:
        row = self.transfers.row(update.transfer_id, update.name, update.outgoing)
        row.show_progress(update.done, update.size, state_text(update), update.state in FINAL_STATES)

    def _on_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Where should received files go?"))
        if folder:
            self.folder_chosen.emit(folder)
