"""The group's agents and what each is doing (``agent_user_status``): the panel and its refresher."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from http import HTTPStatus

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent.background import BackgroundRunner
from agent.errors import AgentError, ApiError
from agent.server_data import Member
from ui.theme import MUTED, WARNING, colour_style

REFRESH_MS = 15_000


class TeamPanel(QGroupBox):
    """A table of the group's agents (name, state) and a line saying how fresh it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("My group"))
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Agent"), self.tr("State")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.status_label = QLabel(self.tr("Loading…"), self)
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(colour_style(MUTED))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status_label)

    def state_text(self, state: str) -> str:
        """A member's state in words (the server's names: offline, agent_waiting, viewer_waiting, in_session)."""
        texts = {
            "offline": self.tr("Offline"),
            "agent_waiting": self.tr("Agent waiting"),
            "viewer_waiting": self.tr("Viewer waiting"),
            "in_session": self.tr("In session"),
        }
        return texts.get(state, state)

    def show_members(self, members: Sequence[Member]) -> None:
        """Refill the table."""
        self.table.setRowCount(len(members))
        for row, member in enumerate(members):
            name = member.name if not member.nickname else f"{member.name} ({member.nickname})"
            cells = [name, self.state_text(member.state)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(member.login_id)
                self.table.setItem(row, column, item)
        self.status_label.setStyleSheet(colour_style(MUTED))
        self.status_label.setText(self.tr("Updated every 15 seconds."))

    def show_error(self, text: str) -> None:
        """The last refresh failed: say so, keep the last list."""
        self.status_label.setStyleSheet(colour_style(WARNING))
        self.status_label.setText(text)

    def states(self) -> dict[str, str]:
        """login_id → state text, as shown (for scripts and tests)."""
        shown = {}
        for row in range(self.table.rowCount()):
            name, state = self.table.item(row, 0), self.table.item(row, 1)
            if name is not None and state is not None:
                shown[name.toolTip()] = state.text()
        return shown


class TeamWatcher(QObject):
    """Refreshes a TeamPanel every ``interval_ms`` through the runner while the option is on.

    A 403 (the group does not show agents' states) hides the panel and stops; a 401 (the login
    ended) is reported through ``login_refused``; any other failure is shown in the panel and the
    next tick tries again. Only one refresh is on its way at a time.
    """

    login_refused = Signal(str)

    def __init__(self, panel: TeamPanel, runner: BackgroundRunner, load: Callable[[], list[Member]],
                 interval_ms: int = REFRESH_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._panel = panel
        self._runner = runner
        self._load = load
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)

    def set_enabled(self, enabled: bool) -> None:
        """Start (with a refresh now) or stop following the group; the panel shows only while on."""
        self._panel.setVisible(enabled)
        if enabled and not self._timer.isActive():
            self._timer.start()
            self.refresh()
        elif not enabled:
            self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        """Ask the server for the group's agents now (ignored while one request is on its way)."""
        if self._busy:
            return
        self._busy = True
        self._runner.run(self._load, self._on_loaded, self._on_failed)

    def _on_loaded(self, members: list[Member]) -> None:
        self._busy = False
        if self._timer.isActive():
            self._panel.show_members(members)

    def _on_failed(self, error: AgentError) -> None:
        self._busy = False
        status = error.status if isinstance(error, ApiError) else None
        if status == HTTPStatus.FORBIDDEN:
            self.set_enabled(False)
        elif status == HTTPStatus.UNAUTHORIZED:
            self.login_refused.emit(str(error))
        else:
            self._panel.show_error(self.tr("Could not update the group: {0}").format(error))
