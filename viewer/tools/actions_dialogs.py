"""The agent's dialogs for the customer's computer: a web address to open, the system information,
the process list. They show what the host answered and emit what the agent asks; no networking here."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


def valid_web_address(text: str) -> bool:
    """``text`` is an http:// or https:// address with a host and no spaces."""
    if not text or any(c.isspace() or ord(c) < 32 for c in text):
        return False
    parts = urllib.parse.urlsplit(text)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and text.lower().startswith(
        ("http://", "https://"))


class UrlDialog(QDialog):
    """Asks the agent for a web address to open in the customer's browser (http:// or https:// only)."""

    url_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open a web page for the customer"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("https://")
        prompt = QLabel(self.tr("Web address to open in the customer's browser:"))
        prompt.setBuddy(self.edit)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Send"))
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (prompt, self.edit, self.error_label, buttons):
            layout.addWidget(widget)

    def _on_buttons_accepted(self) -> None:
        url = self.edit.text().strip()
        if not valid_web_address(url):
            self.error_label.setText(self.tr("Only web addresses that start with http:// or https:// can be sent, "
                                             "for example https://example.com."))
            return
        self.url_chosen.emit(url)
        self.accept()


class SystemInfoDialog(QDialog):
    """The customer's system information as a tree, with a button that copies it as text."""

    def __init__(self, info: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Customer's system information"))
        self.info = info
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Item"), self.tr("Value")])
        _fill(self.tree.invisibleRootItem(), info)
        self.tree.expandToDepth(0)
        self.tree.resizeColumnToContents(0)
        copy = QPushButton(self.tr("Copy"))
        copy.clicked.connect(self._on_copy_clicked)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(copy)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addLayout(row)
        self.resize(640, 560)

    def text(self) -> str:
        return json.dumps(self.info, indent=2, ensure_ascii=False)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


def _fill(parent: QTreeWidgetItem, value: object) -> None:
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        label = child["name"] if isinstance(child, dict) and "name" in child and isinstance(key, int) else key
        node = QTreeWidgetItem(parent, [str(label), "" if isinstance(child, dict | list) else str(child)])
        if isinstance(child, dict | list):
            _fill(node, child)


class ProcessDialog(QDialog):
    """The customer's processes, with Refresh and End process (which asks the customer first)."""

    refresh_requested = Signal()
    end_requested = Signal(int, str)  # pid, name

    COLUMNS = ("pid", "name", "user", "cpu", "memory")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Customer's processes"))
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr("PID"), self.tr("Name"), self.tr("User"), self.tr("CPU %"),
                                              self.tr("Memory (MB)")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.status = QLabel("")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.end_button = QPushButton(self.tr("End process"))
        self.end_button.clicked.connect(self._on_end_clicked)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.resize(720, 560)

    def set_processes(self, rows: list[dict[str, Any]]) -> None:
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = (int(row.get("pid", 0)), str(row.get("name", "")), str(row.get("user", "")),
                      float(row.get("cpu", 0.0)), round(int(row.get("memory", 0)) / 2**20, 1))
            for column, value in enumerate(values):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole, value)
                self.table.setItem(index, column, item)
        self.table.setSortingEnabled(True)
        self.status.setText(self.tr("{count} processes").format(count=len(rows)))

    def select_pid(self, pid: int) -> bool:
        """Select the row of ``pid``; False when it is not listed."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.DisplayRole) == pid:
                self.table.selectRow(row)
                return True
        return False

    def _on_end_clicked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.status.setText(self.tr("Select a process first."))
            return
        row = rows[0].row()
        pid_item, name_item = self.table.item(row, 0), self.table.item(row, 1)
        if pid_item is not None and name_item is not None:
            self.end_requested.emit(int(pid_item.data(Qt.ItemDataRole.DisplayRole)), name_item.text())
