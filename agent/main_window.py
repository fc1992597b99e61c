"""The agent's main window: state, push link, connection code with countdown, session password,
copy and e-mail of the connection info, account expiry, the waiting customers (queue view), sessions, the
group's agents, and the buttons that open the support history, the reservations and My settings.

A view only: it shows what the controller tells it and reports the user's wishes through
signals (``code_requested``, ``history_requested``, ``reservations_requested``, ``closing``). It never calls the server.
Copying and mailing the connection info are local actions (clipboard, ``mailto:``), done here.
``apply_options`` makes it follow the effective options without a restart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QGuiApplication
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
from agent.connection_info import ConnectionInfo, info_text, mailto_url
from agent.model import AgentOptions, AgentState, SessionRecord, SessionState, days_left, expiry_is_near
from agent.push import PushStatus
from agent.queue_views import QueueView
from agent.team_panel import TeamPanel
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
        self.password_label = QLabel(self)
        self.password_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password_label.hide()
        self.copy_button = QPushButton(self.tr("Copy address and code"), self)
        self.email_button = QPushButton(self.tr("E-mail address and code"), self)
        self.info_label = QLabel(self)
        self.info_label.setWordWrap(True)
        self.info_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown.expired.connect(self._on_countdown_expired)
        actions = QHBoxLayout()
        actions.addWidget(self.copy_button)
        actions.addWidget(self.email_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.new_button)
        layout.addWidget(self.code_label)
        layout.addWidget(self.password_label)
        layout.addWidget(self.countdown)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.url_label)
        layout.addLayout(actions)
        layout.addWidget(self.info_label)
        self.session_id = ""
        self._show_placeholder()

    def _on_countdown_expired(self) -> None:
        self.code_label.set_expired(True)
        self.set_info_enabled(False)

    def _show_placeholder(self) -> None:
        self.code_label.set_code("")
        self.url_label.setText("")
        self.countdown.stop(self.tr("No code yet"))
        self.set_info_enabled(False)

    def show_record(self, record: SessionRecord) -> None:
        """Show a newly issued code (and its session password) and start its countdown."""
        self.session_id = record.session_id
        self.code_label.set_expired(False)
        self.code_label.set_code(record.code)
        self.url_label.setText(record.connect_url)
        self.password_label.setText(self.tr("Session password: {0}").format(record.session_password))
        self.password_label.setVisible(bool(record.session_password))
        self.info_label.clear()
        self.countdown.start(record.deadline)
        self.set_info_enabled(True)

    def connection_info(self) -> ConnectionInfo | None:
        """The shown page address and code (None before the first code)."""
        code = self.code_label.code()
        return ConnectionInfo(self.url_label.text(), code) if code else None

    def set_info_enabled(self, enabled: bool) -> None:
        """Copy and e-mail work only while a code is shown and usable."""
        self.copy_button.setEnabled(enabled)
        self.email_button.setEnabled(enabled)

    def say(self, text: str, warning: bool = False) -> None:
        """A short note under the buttons (copied, no mail program, …)."""
        self.info_label.setStyleSheet(colour_style(WARNING) if warning else colour_style(MUTED))
        self.info_label.setText(text)

    def update_record(self, record: SessionRecord) -> None:
        """Follow the shown code's session once the customer used it."""
        if record.session_id != self.session_id:
            return
        if record.state in (SessionState.WAITING, SessionState.EXPIRED):
            return
        self.code_label.set_expired(False)
        self.countdown.stop(self.tr("Code used by the customer"))
        self.set_info_enabled(False)


UrlOpener = Callable[[QUrl], bool]


class MainWindow(QMainWindow):
    """See the module docstring; ``open_url`` opens the ``mailto:`` URL (QDesktopServices.openUrl)."""

    code_requested = Signal()
    history_requested = Signal()
    settings_requested = Signal()  # "My settings…": own shortcut messages and favorites
    reservations_requested = Signal()  # "Reservations…": the reservations of the agent's windows
    closing = Signal()

    def __init__(self, agent: AgentIdentity, parent: QWidget | None = None,
                 open_url: UrlOpener = QDesktopServices.openUrl) -> None:
        super().__init__(parent)
        self._open_url = open_url
        self._options = AgentOptions()
        self._quiet = False
        self.login_id = agent.login_id
        self.setWindowTitle(self.tr("Ferry agent — {0}").format(agent.name))
        central = QWidget(self)
        self.setCentralWidget(central)
        self._build(central, agent)
        self.show_state(AgentState.AGENT_WAITING)
        self.apply_options(self._options)
        self.resize(600, 900)

    def _build(self, central: QWidget, agent: AgentIdentity) -> None:
        self.who_label = QLabel(self._who(agent), central)
        self.state_label = QLabel(central)
        self.state_label.setFont(heading_font(self.font()))
        self.expiry_label = QLabel(central)
        self.expiry_label.setWordWrap(True)
        self.expiry_label.hide()
        self.push_label = QLabel(self.tr("Connecting to the server…"), central)
        self.push_label.setWordWrap(True)
        self.error_label = QLabel(central)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(colour_style(WARNING))
        self.error_label.hide()
        self.code_panel = CodePanel(central)
        self.code_panel.new_button.clicked.connect(self.code_requested)
        self.code_panel.copy_button.clicked.connect(self.copy_connection_info)
        self.code_panel.email_button.clicked.connect(self.email_connection_info)
        self.queue_view = QueueView(central)
        self.sessions = self._make_table(central)
        self.team_panel = TeamPanel(central)
        self.team_panel.hide()
        self.history_button = QPushButton(self.tr("My support history…"), central)
        self.history_button.clicked.connect(self.history_requested)
        self.settings_button = QPushButton(self.tr("My settings…"), central)
        self.settings_button.clicked.connect(self.settings_requested)
        self.reservations_button = QPushButton(self.tr("Reservations…"), central)
        self.reservations_button.clicked.connect(self.reservations_requested)
        header = QHBoxLayout()
        header.addWidget(self.state_label, 1)
        header.addWidget(self.who_label)
        layout = QVBoxLayout(central)
        layout.addLayout(header)
        for widget in (self.expiry_label, self.push_label, self.error_label, self.code_panel):
            layout.addWidget(widget)
        layout.addWidget(self.queue_view, 1)
        layout.addWidget(QLabel(self.tr("Sessions"), central))
        layout.addWidget(self.sessions, 1)
        layout.addWidget(self.team_panel, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.history_button)
        buttons.addWidget(self.reservations_button)
        buttons.addWidget(self.settings_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

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

    # --- options ----------------------------------------------------------------------------

    @property
    def options(self) -> AgentOptions:
        return self._options

    def apply_options(self, options: AgentOptions) -> None:
        """Show or hide what the options turn on or off (copy, e-mail, expiry notice, group panel)."""
        self._options = options
        self.code_panel.copy_button.setVisible(options.copy_connection_info)
        self.code_panel.email_button.setVisible(options.email_connection_info)
        if not options.expiry_notice:
            self.expiry_label.hide()
        if not options.agent_user_status:
            self.team_panel.hide()

    # --- state, link, errors ----------------------------------------------------------------

    def show_state(self, state: AgentState) -> None:
        """The agent's own state in the header."""
        texts = {AgentState.AGENT_WAITING: self.tr("Agent waiting"),
                 AgentState.VIEWER_WAITING: self.tr("Viewer waiting"),
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

    def show_expiry(self, expires_at: dt.datetime | None, now: dt.datetime) -> None:
        """"Your account ends on …" (warning colour within 14 days); hidden without an end or the option."""
        if expires_at is None or not self._options.expiry_notice:
            self.expiry_label.hide()
            return
        local = expires_at.astimezone()
        date = QLocale().toString(QDate(local.year, local.month, local.day), QLocale.FormatType.LongFormat)
        near = expiry_is_near(local, now)
        text = self.tr("Your account ends on {0}.").format(date)
        if near:
            text += " " + self.tr("%n day(s) left: ask your administrator to extend it.", "",
                                  max(0, days_left(local, now)))
        self.expiry_label.setText(text)
        self.expiry_label.setStyleSheet(colour_style(WARNING) if near else colour_style(MUTED))
        self.expiry_label.setProperty("near", near)
        self.expiry_label.show()

    # --- codes and sessions -----------------------------------------------------------------

    def set_code_busy(self, busy: bool) -> None:
        """Disable the code button while a request is on its way."""
        self.code_panel.new_button.setEnabled(not busy)

    def show_new_code(self, record: SessionRecord) -> None:
        """Show a new code; copy it at once when the options say so."""
        self.show_error("")
        self.code_panel.show_record(record)
        if self._options.copy_connection_info:
            self.copy_connection_info()

    def copy_connection_info(self) -> None:
        """Put the connection page address and the code on the clipboard."""
        info = self.code_panel.connection_info()
        if info is None or not self._options.copy_connection_info:
            return
        QGuiApplication.clipboard().setText(info_text(info))
        self.code_panel.say(self.tr("The address and code are on the clipboard: paste them for the customer."))

    def email_connection_info(self) -> None:
        """Open the mail program with a message holding the address and the code."""
        info = self.code_panel.connection_info()
        if info is None or not self._options.email_connection_info:
            return
        if self._open_url(mailto_url(info)):
            self.code_panel.say(self.tr("Your mail program opened: add the customer's address and send."))
        else:
            self.code_panel.say(self.tr("No e-mail program is set up on this PC: copy the code instead."),
                                warning=True)

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

    # --- closing ----------------------------------------------------------------------------

    def dismiss(self) -> None:
        """Close without ``closing`` (the login ended; the app goes back to the login dialog)."""
        self._quiet = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quiet:
            self.closing.emit()
        super().closeEvent(event)
