"""The customer's view of file transfers: a small always-on-top list with progress and Cancel, and the
question asked when a received file would take the name of one already there (ui.transfer_rows)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from transport.file_events import FINAL_STATES, TransferState, TransferUpdate
from ui.transfer_rows import CANCEL, KEEP_BOTH, REPLACE, TransferList, TransferRow, chosen, conflict_box

__all__ = ["CANCEL", "KEEP_BOTH", "REPLACE", "HostTransferPanel", "chosen", "conflict_box", "state_text"]


def state_text(update: TransferUpdate) -> str:
    """A short sentence for where a transfer stands (shared wording on the customer's side)."""
    texts = {
        TransferState.HASHING: QCoreApplication.translate("HostFiles", "Preparing…"),
        TransferState.OFFERED: QCoreApplication.translate("HostFiles", "Waiting for the agent…"),
        TransferState.ASKING: QCoreApplication.translate("HostFiles", "Waiting for your answer…"),
        TransferState.RUNNING: QCoreApplication.translate("HostFiles", "Transferring…"),
        TransferState.VERIFYING: QCoreApplication.translate("HostFiles", "Checking…"),
        TransferState.WAITING: QCoreApplication.translate("HostFiles", "Waiting for the connection…"),
        TransferState.DONE: QCoreApplication.translate("HostFiles", "Done"),
        TransferState.FAILED: QCoreApplication.translate("HostFiles", "Failed"),
        TransferState.CANCELLED: QCoreApplication.translate("HostFiles", "Cancelled"),
        TransferState.INTERRUPTED: QCoreApplication.translate("HostFiles", "Interrupted"),
    }
    text = texts[update.state]
    return f"{text} ({update.reason})" if update.reason and update.state in FINAL_STATES else text


class HostTransferPanel(QWidget):
    """The customer's list of transfers in this session; ``cancel_requested(transfer_id)``."""

    cancel_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle(self.tr("Files — Ferry remote support"))
        self.transfers = TransferList(parent=self)
        self.transfers.cancel_requested.connect(self.cancel_requested)
        self.rows: dict[int, TransferRow] = self.transfers.rows
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the list keeps the usual margins
        layout.addWidget(self.transfers)
        self.resize(360, 120)

    def show_update(self, update: TransferUpdate) -> None:
        row = self.transfers.row(update.transfer_id, update.name, update.outgoing)
        row.show_progress(update.done, update.size, state_text(update), update.state in FINAL_STATES)
        if not self.isVisible():
            self.show()
