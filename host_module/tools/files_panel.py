"""The customer's view of file transfers: a small always-on-top list with progress and Cancel, and the
question asked when a received file would take the name of one already there."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QPushButton, QVBoxLayout, QWidget

from transport.file_events import FINAL_STATES, TransferState, TransferUpdate

KEEP_BOTH, REPLACE, CANCEL = "keep_both", "replace", "cancel"


def state_text(update: TransferUpdate) -> str:
    """A short sentence for where a transfer stands (shared wording on the customer's side)."""
    texts = {
        TransferState.HASHING: QCoreApplication.translate("HostFiles", "Preparing…"),
        TransferState.OFFERED: QCoreApplication.translate("HostFiles", "Waiting for the agent…"),
        TransferState.ASKING: QCoreApplication.translate("HostFiles", "Waiting for your answer…"),
        TransferState.RUNNING: QCoreApplication.translate("HostFiles", "Transferring…"),
        TransferState.VERIFYING: QCoreApplication.translate("HostFiles", "Checking…"),
        TransferState.DONE: QCoreApplication.translate("HostFiles", "Done"),
        TransferState.FAILED: QCoreApplication.translate("HostFiles", "Failed"),
        TransferState.CANCELLED: QCoreApplication.translate("HostFiles", "Cancelled"),
        TransferState.INTERRUPTED: QCoreApplication.translate("HostFiles", "Interrupted"),
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
        self.cancel_button = QPushButton(QCoreApplication.translate("HostFiles", "Cancel"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        for widget in (self.name_label, self.progress, self.state_label, self.cancel_button):
            layout.addWidget(widget)

    def show_update(self, update: TransferUpdate) -> None:
        self.progress.setValue(int(1000 * update.done / update.size) if update.size else 1000)
        self.state_label.setText(state_text(update))
        self.cancel_button.setEnabled(update.state not in FINAL_STATES)


class HostTransferPanel(QWidget):
    """The customer's list of transfers in this session; ``cancel_requested(transfer_id)``."""

    cancel_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle(self.tr("Files — Ferry remote support"))
        self.rows: dict[int, TransferRow] = {}
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(1)
        self.resize(360, 120)

    def show_update(self, update: TransferUpdate) -> None:
        row = self.rows.get(update.transfer_id)
        if row is None:
            row = TransferRow(update, self)
            row.cancel_button.clicked.connect(lambda: self.cancel_requested.emit(update.transfer_id))
            self.rows[update.transfer_id] = row
            self._layout.insertWidget(self._layout.count() - 1, row)
        row.show_update(update)
        if not self.isVisible():
            self.show()


def conflict_box(name: str, folder: str, parent: QWidget | None) -> QMessageBox:
    """Asks what to do when ``name`` is already in ``folder``: buttons carry ``ferry_choice``."""
    text = QCoreApplication.translate(
        "HostFiles", "A file named {name} is already in {folder}. Keep both (the new one gets a number), "
                     "replace the old one, or cancel this transfer?").format(name=name, folder=folder)
    box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("HostFiles", "File already exists"),
                      text, QMessageBox.StandardButton.NoButton, parent)
    for label, choice, role in ((QCoreApplication.translate("HostFiles", "Keep both"), KEEP_BOTH,
                                 QMessageBox.ButtonRole.AcceptRole),
                                (QCoreApplication.translate("HostFiles", "Replace"), REPLACE,
                                 QMessageBox.ButtonRole.DestructiveRole),
                                (QCoreApplication.translate("HostFiles", "Cancel"), CANCEL,
                                 QMessageBox.ButtonRole.RejectRole)):
        button = box.addButton(label, role)
        button.setProperty("ferry_choice", choice)
    return box


def chosen(box: QMessageBox) -> str:
    """The choice of a conflict_box's clicked button (CANCEL when it was closed)."""
    button = box.clickedButton()
    choice = button.property("ferry_choice") if button is not None else None
    return choice if choice in (KEEP_BOTH, REPLACE) else CANCEL
