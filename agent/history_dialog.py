"""The agent's own support history: a list of sessions and, for the chosen one, its detail.

The dialog asks for data through two callables run on the BackgroundRunner (never on the GUI
thread): ``load_items()`` and ``load_detail(session_id)``. It keeps living when closed (the
controller reuses it), so a late answer never reaches a deleted widget.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent.api import parse_time
from agent.background import BackgroundRunner
from agent.errors import AgentError
from agent.server_data import ChatLine, HistoryDetail, HistoryItem
from ui.theme import WARNING, colour_style

LoadItems = Callable[[], list[HistoryItem]]
LoadDetail = Callable[[str], HistoryDetail]


def local_time(value: str | None) -> str:
    """An ISO time from the server in this PC's zone and language ('' for none)."""
    if not value:
        return ""
    try:
        moment = parse_time(value).astimezone()
    except ValueError:
        return value
    when = QDateTime(QDate(moment.year, moment.month, moment.day),
                     QTime(moment.hour, moment.minute, moment.second))
    return str(QLocale().toString(when, QLocale.FormatType.ShortFormat))


class HistoryDialog(QDialog):
    """See the module docstring."""

    def __init__(self, runner: BackgroundRunner, load_items: LoadItems, load_detail: LoadDetail,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._load_items = load_items
        self._load_detail = load_detail
        self._items: list[HistoryItem] = []
        self._wanted = ""
        self.setWindowTitle(self.tr("My support history"))
        self.table = self._make_table()
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.resize(720, 560)

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, 5, self)
        table.setHorizontalHeaderLabels([self.tr("Started"), self.tr("Ended"), self.tr("Customer"),
                                         self.tr("Customer PC"), self.tr("End reason")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        return table

    def refresh(self) -> None:
        """Load the list again (in the background)."""
        self.refresh_button.setEnabled(False)
        self._say(self.tr("Loading your support history…"))
        self._runner.run(self._load_items, self._on_items_loaded, self._on_load_failed)

    def _on_items_loaded(self, items: list[HistoryItem]) -> None:
        self.refresh_button.setEnabled(True)
        self._items = list(items)
        self.table.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            cells = [local_time(item.started_at or item.created_at), local_time(item.ended_at),
                     item.customer_name or "", self._pc_name(item, ""), item.end_reason or ""]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(item.session_id)
                self.table.setItem(row, column, cell)
        self._say(self.tr("No sessions yet.") if not self._items else "")

    def _on_load_failed(self, error: AgentError) -> None:
        self.refresh_button.setEnabled(True)
        self._say(self.tr("Could not load the history: {0}").format(error), warning=True)

    def session_ids(self) -> list[str]:
        return [item.session_id for item in self._items]

    def select(self, session_id: str) -> None:
        """Select the row of ``session_id`` (its detail is then loaded)."""
        if session_id in self.session_ids():
            self.table.selectRow(self.session_ids().index(session_id))

    def _on_table_selection_changed(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) != 1:
            return
        session_id = self._items[rows.pop()].session_id
        self._wanted = session_id
        self.detail.setPlainText(self.tr("Loading…"))
        self._runner.run(functools.partial(self._load_detail, session_id), self._on_detail_loaded,
                         functools.partial(self._on_detail_failed, session_id))

    def _on_detail_loaded(self, detail: HistoryDetail) -> None:
        if detail.item.session_id == self._wanted:
            self.detail.setPlainText(self.detail_text(detail))

    def _on_detail_failed(self, session_id: str, error: AgentError) -> None:
        if session_id == self._wanted:
            self.detail.setPlainText(self.tr("Could not load this session: {0}").format(error))

    def detail_text(self, detail: HistoryDetail) -> str:
        """The session's detail as plain text: times, customer PC, OS, end reason, support log, chat."""
        item, hidden = detail.item, self.tr("(not shown)")
        lines = [
            self.tr("Started: {0}").format(local_time(item.started_at) or "—"),
            self.tr("Ended: {0}").format(local_time(item.ended_at) or "—"),
            self.tr("Customer PC: {0}").format(self._pc_name(item, hidden)),
            self.tr("Operating system: {0}").format(item.os or hidden),
            self.tr("End reason: {0}").format(item.end_reason or "—"),
            "",
        ]
        lines += self._log_lines(detail)
        lines += ["", self.tr("Chat:"), *self._chat_lines(detail.chat)]
        return "\n".join(lines)

    def _pc_name(self, item: HistoryItem, missing: str) -> str:
        """The customer's PC name, or why it is not there: the server leaves it out (None) while giving the OS of
        a joined customer only when the session's connection page has privacy protection on."""
        if item.pc_name is None and item.os is not None:
            return self.tr("hidden (privacy protection)")
        return item.pc_name or missing

    def _log_lines(self, detail: HistoryDetail) -> list[str]:
        log = detail.log
        if not log:
            return [self.tr("Support log: none written.")]
        return [self.tr("Support log"),
                self.tr("Customer: {0}").format(log.get("customer_name") or "—"),
                str(log.get("content") or "")]

    def _chat_lines(self, chat: Sequence[ChatLine]) -> list[str]:
        if not chat:
            return [self.tr("No chat saved.")]
        return [f"[{local_time(line.sent_at)}] {line.sender}: {line.text}"
                for line in chat]

    def _say(self, text: str, warning: bool = False) -> None:
        self.status_label.setStyleSheet(colour_style(WARNING) if warning else "")
        self.status_label.setText(text)
