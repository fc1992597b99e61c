"""Pieces of the file-transfer lists on both sides: one row per transfer (name, progress, state, Cancel), the
list of rows, and the question asked when a received file would take the name of one already there."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QVBoxLayout, QWidget

KEEP_BOTH, REPLACE, CANCEL = "keep_both", "replace", "cancel"


class TransferRow(QWidget):
    """One transfer: direction and name, a progress bar, its state and a Cancel button (beside the name when
    ``cancel_beside_name``, else under the state)."""

    def __init__(self, name: str, outgoing: bool, cancel_beside_name: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        arrow = "↑" if outgoing else "↓"
        self.name_label = QLabel(f"{arrow} {name}")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.state_label = QLabel("")
        self.cancel_button = QPushButton(QCoreApplication.translate("TransferRows", "Cancel"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        if cancel_beside_name:
            self.state_label.setWordWrap(True)
            top = QHBoxLayout()
            top.addWidget(self.name_label, 1)
            top.addWidget(self.cancel_button)
            layout.addLayout(top)
            layout.addWidget(self.progress)
            layout.addWidget(self.state_label)
            return
        for widget in (self.name_label, self.progress, self.state_label, self.cancel_button):
            layout.addWidget(widget)

    def show_progress(self, done: int, size: int, text: str, final: bool) -> None:
        """``done`` of ``size`` bytes, the state in words; Cancel only while not ``final``."""
        self.progress.setValue(int(1000 * done / size) if size else 1000)
        self.state_label.setText(text)
        self.cancel_button.setEnabled(not final)


class TransferList(QWidget):
    """The rows of a session's transfers, in the order they began; ``cancel_requested(transfer_id)``."""

    cancel_requested = Signal(int)

    def __init__(self, cancel_beside_name: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cancel_beside_name = cancel_beside_name
        self.rows: dict[int, TransferRow] = {}
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(1)

    def row(self, transfer_id: int, name: str, outgoing: bool) -> TransferRow:
        """The row of ``transfer_id``, added at the end the first time."""
        row = self.rows.get(transfer_id)
        if row is None:
            row = TransferRow(name, outgoing, self._cancel_beside_name, self)
            row.cancel_button.clicked.connect(lambda: self.cancel_requested.emit(transfer_id))
            self.rows[transfer_id] = row
            self._layout.insertWidget(self._layout.count() - 1, row)
        return row


def conflict_box(name: str, folder: str, parent: QWidget | None) -> QMessageBox:
    """Asks what to do when ``name`` is already in ``folder``: buttons carry ``ferry_choice``."""
    text = QCoreApplication.translate(
        "TransferRows", "A file named {name} is already in {folder}. Keep both (the new one gets a number), "
                        "replace the old one, or cancel this transfer?").format(name=name, folder=folder)
    box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("TransferRows", "File already exists"),
                      text, QMessageBox.StandardButton.NoButton, parent)
    for label, choice, role in ((QCoreApplication.translate("TransferRows", "Keep both"), KEEP_BOTH,
                                 QMessageBox.ButtonRole.AcceptRole),
                                (QCoreApplication.translate("TransferRows", "Replace"), REPLACE,
                                 QMessageBox.ButtonRole.DestructiveRole),
                                (QCoreApplication.translate("TransferRows", "Cancel"), CANCEL,
                                 QMessageBox.ButtonRole.RejectRole)):
        button = box.addButton(label, role)
        button.setProperty("ferry_choice", choice)
    return box


def chosen(box: QMessageBox) -> str:
    """The choice of a conflict_box's clicked button (CANCEL when it was closed)."""
    button = box.clickedButton()
    choice = button.property("ferry_choice") if button is not None else None
    return choice if choice in (KEEP_BOTH, REPLACE) else CANCEL
