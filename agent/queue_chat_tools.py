"""The buttons and the received files under a queue chat's panel (a view: it reports wishes by signals)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from agent.queue_api import ChatFile

FILE_ROLE = Qt.ItemDataRole.UserRole


class QueueChatTools(QWidget):
    """The queue chat's own buttons (under the shared panel) and the received files."""

    send_file_requested = Signal()
    remote_requested = Signal()
    end_requested = Signal()
    open_requested = Signal(int)  # chat file id
    save_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file_button = QPushButton(self.tr("Send file…"), self)
        self.remote_button = QPushButton(self.tr("Start remote support"), self)
        self.end_button = QPushButton(self.tr("End chat"), self)
        self.files = QListWidget(self)
        self.files.setMaximumHeight(90)
        self.files.hide()
        self.open_button = QPushButton(self.tr("Open"), self)
        self.save_button = QPushButton(self.tr("Save as…"), self)
        for button in (self.open_button, self.save_button):
            button.hide()
        self.file_button.clicked.connect(self.send_file_requested)
        self.remote_button.clicked.connect(self.remote_requested)
        self.end_button.clicked.connect(self.end_requested)
        self.open_button.clicked.connect(lambda: self._emit_file(self.open_requested))
        self.save_button.clicked.connect(lambda: self._emit_file(self.save_requested))
        self.files.itemDoubleClicked.connect(lambda _item: self._emit_file(self.open_requested))
        actions = QHBoxLayout()
        for widget in (self.file_button, self.remote_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.end_button)
        file_buttons = QHBoxLayout()
        file_buttons.addStretch(1)
        file_buttons.addWidget(self.open_button)
        file_buttons.addWidget(self.save_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.files)
        column.addLayout(file_buttons)
        column.addLayout(actions)

    def add_file(self, file: ChatFile) -> None:
        """List a file the customer sent (and select it)."""
        item = QListWidgetItem(self.tr("{0} ({1} KB)").format(file.name, max(1, round(file.size / 1024))))
        item.setData(FILE_ROLE, file.id)
        self.files.addItem(item)
        self.files.setCurrentItem(item)
        for widget in (self.files, self.open_button, self.save_button):
            widget.show()

    def set_over(self) -> None:
        """The chat ended: nothing more can be sent (received files stay usable)."""
        for button in (self.file_button, self.remote_button, self.end_button):
            button.setEnabled(False)

    def _emit_file(self, signal: SignalInstance) -> None:
        item = self.files.currentItem()
        if item is not None:
            signal.emit(int(item.data(FILE_ROLE)))
