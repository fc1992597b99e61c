"""The agent's main window: state, push link, connection code with countdown, sessions.

A view only: it shows what the controller tells it and reports the user's wishes through
signals (``code_requested``, ``closing``). It never calls the server.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent.api import AgentIdentity
from agent.model import AgentState, SessionRecord, SessionState
from agent.push import PushStatus
from ui.theme import MUTED, WARNING, colour_style, heading_font
from ui.widgets import CodeLabel, CountdownLabel


class CodePanel(QGroupBox):
    """The latest connection code: the button that asks for one, the code, its URL and countdown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Connection code"))
        self.new_button = QPushButton(self.tr("New connection code"), self)
        self.code_label = CodeLabel(self)
        self.url_label = QLabel(self)
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = CountdownLabel(self)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label = QLabel(
            self.tr("The customer opens this address and enters the code above:"), self)
        self.hint_label.setWordWrap(True)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label.setStyleSheet(colour_style(MUTED))
        self.countdown.expired.connect(self._on_countdown_expired)
        layout = QVBoxLayout(self)
        layout.addWidget(self.new_button)
        layout.addWidget(self.code_label)
        layout.addWidget(self.countdown)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.url_label)
        self.session_id = ""
        self._show_placeholder()

    def _on_countdown_expired(self) -> None:
        self.code_label.set_expired(True)

    def _show_placeholder(self) -> None:
        self.code_label.set_code("")
        self.url_label.setText("")
        self.countdown.stop(self.tr("No code yet"))

    def show_record(self, record: SessionRecord) -> None:
        """Show a newly issued code and start its countdown."""
        self.session_id = record.session_id
        self.code_label.set_expired(False)
        self.code_label.set_code(record.code)
        self.url_label.setText(record.connect_url)
        self.countdown.start(record.deadline)

    def update_record(self, record: SessionRecord) -> None:
        """Follow the shown code's session once the customer used it."""
        if record.session_id != self.session_id:
            return
        if record.state in (SessionState.WAITING, SessionState.EXPIRED):
            return
        self.code_label.set_expired(False)
        self.countdown.stop(self.tr("Code used by the customer"))


class MainWindow(QMainWindow):
    """See the module docstring."""

    code_requested = Signal()
    closing = Signal()

    def __init__(self, agent: AgentIdentity, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ferry agent — {0}").format(agent.name))
        central = QWidget(self)
        self.setCentralWidget(central)
        self.who_label = QLabel(self._who(agent), central)
        self.state_label = QLabel(central)
        self.state_label.setFont(heading_font(self.font()))
        self.push_label = QLabel(self.tr("Connecting to the server…"), central)
        self.push_label.setWordWrap(True)
        self.error_label = QLabel(central)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(colour_style(WARNING))
        self.error_label.hide()
        self.code_panel = CodePanel(central)
        self.code_panel.new_button.clicked.connect(self.code_requested)
        self.sessions = self._make_table(central)
        header = QHBoxLayout()
        header.addWidget(self.state_label, 1)
        header.addWidget(self.who_label)
        layout = QVBoxLayout(central)
        layout.addLayout(header)
        layout.addWidget(self.push_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.code_panel)
        layout.addWidget(QLabel(self.tr("Sessions"), central))
        layout.addWidget(self.sessions, 1)
        self.show_state(AgentState.VIEWER_WAITING)
        self.resize(560, 640)

    def _who(self, agent: AgentIdentity) -> str:
        parts = [agent.name, agent.company, agent.group]
        return " · ".join(p for p in parts if p)

    def _make_table(self, parent: QWidget) -> QTableWidget:
        table = QTableWidget(0, 4, parent)
        table.setHorizontalHeaderLabels(
            [self.tr("Code"), self.tr("State"), self.tr("Customer PC"), self.tr("Details")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        return table

    def show_state(self, state: AgentState) -> None:
        """The agent's own state in the header."""
        texts = {AgentState.VIEWER_WAITING: self.tr("Viewer waiting"),
                 AgentState.IN_SESSION: self.tr("In session")}
        self.state_label.setText(texts[state])
        self.state_label.setProperty("agent_state", state.value)

    def show_push_status(self, status: PushStatus) -> None:
        """Whether pushes (customers joining) can reach us."""
        if status.connected:
            text = self.tr("Connected to the server: customers who enter a code will appear here.")
        elif status.final:
            text = self.tr("Disconnected from the server: {0}").format(status.reason)
        else:
            text = self.tr("Reconnecting to the server ({0})…").format(status.reason)
        self.push_label.setStyleSheet("" if status.connected else colour_style(WARNING))
        self.push_label.setText(text)

    def show_error(self, text: str) -> None:
        """A sentence about the last thing that failed ('' hides it)."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def set_code_busy(self, busy: bool) -> None:
        """Disable the code button while a request is on its way."""
        self.code_panel.new_button.setEnabled(not busy)

    def show_new_code(self, record: SessionRecord) -> None:
        self.show_error("")
        self.code_panel.show_record(record)

    def show_sessions(self, records: list[SessionRecord]) -> None:
        """Refill the table (a handful of rows per login, so simply rebuilt)."""
        self.sessions.setRowCount(len(records))
        for row, record in enumerate(records):
            cells = [record.code, self.state_text(record.state), record.pc_name, record.detail]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(record.session_id)
                self.sessions.setItem(row, column, item)
            self.code_panel.update_record(record)

    def state_text(self, state: SessionState) -> str:
        """A session state in words."""
        texts = {
            SessionState.WAITING: self.tr("Waiting for customer"),
            SessionState.EXPIRED: self.tr("Expired"),
            SessionState.JOINED: self.tr("Customer joined"),
            SessionState.IN_SESSION: self.tr("In session"),
            SessionState.ENDED: self.tr("Ended"),
            SessionState.FAILED: self.tr("Failed"),
            SessionState.CRASHED: self.tr("Viewer crashed"),
        }
        return texts[state]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
