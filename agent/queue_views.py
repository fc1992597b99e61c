"""The queue view (in the main window) and the reservations window: views only.

They show what the QueueDesk tells them and report the agent's wishes through signals (``accept_requested``,
``day_chosen``, ``done_requested``, ``cancel_requested``); they never call the server. The waiting times
count up on a local timer. The alert ring is visual only (no sound): the view's frame blinks while
``set_ringing(True, …)`` holds, with a sentence naming the window and the customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent.queue_api import QueueItem, Reservation
from agent.queue_model import request_text, waited_seconds
from ui.theme import MUTED, WARNING, colour_style

RING_BLINK_MS = 500
WAIT_TICK_MS = 5000
Now = Callable[[], dt.datetime]
ID_ROLE = Qt.ItemDataRole.UserRole


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _table(parent: QWidget, headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    for column in range(len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    return table


def _selected_id(table: QTableWidget) -> int | None:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return int(item.data(ID_ROLE)) if item is not None else None


class QueueView(QGroupBox):
    """Customers waiting at the agent's windows: window, name, request, position, waiting time; Accept."""

    accept_requested = Signal(int)  # queue entry id (a waiting customer)
    chat_requested = Signal(int)  # queue entry id (a customer this agent accepted)

    def __init__(self, parent: QWidget | None = None, now: Now = _utc_now) -> None:
        super().__init__(parent)
        self._now = now
        self._items: list[QueueItem] = []
        self._busy = False
        self._blink_on = False
        self.setTitle(self.tr("Waiting customers"))
        self.alert_label = QLabel(self)
        self.alert_label.setWordWrap(True)
        self.alert_label.hide()
        self.table = _table(self, [self.tr("Window"), self.tr("Customer"), self.tr("Request"), self.tr("Position"),
                                   self.tr("Waiting")])
        self.table.itemSelectionChanged.connect(self._follow_selection)
        self.table.itemDoubleClicked.connect(self._on_table_item_double_clicked)
        self.empty_label = QLabel(self.tr("No customers are waiting at your windows."), self)
        self.empty_label.setStyleSheet(colour_style(MUTED))
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.accept_button = QPushButton(self.tr("Accept"), self)
        self.accept_button.setEnabled(False)
        self.accept_button.clicked.connect(self._on_accept_button_clicked)
        self._ring_timer = QTimer(self)
        self._ring_timer.setInterval(RING_BLINK_MS)
        self._ring_timer.timeout.connect(self._blink)
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(WAIT_TICK_MS)
        self._wait_timer.timeout.connect(self._update_waits)
        self._wait_timer.start()
        self._lay_out()
        self.setProperty("ringing", False)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.accept_button)
        column = QVBoxLayout(self)
        column.addWidget(self.alert_label)
        column.addWidget(self.empty_label)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)

    # --- what the desk tells the view ------------------------------------------------------

    def show_entries(self, items: Sequence[QueueItem], alerted: Callable[[int], bool]) -> None:
        """Refill the table (oldest first; accepted ones say "With you"), keeping the selected entry selected."""
        keep = _selected_id(self.table)
        self._items = list(items)
        self.table.setRowCount(len(self._items))
        now = self._now()
        for row, item in enumerate(self._items):
            mine = item.state == "accepted"
            cells = [item.window_name, item.customer_name or self.tr("(no name)"), request_text(item.fields),
                     self.tr("With you") if mine else str(item.position), self.wait_text(waited_seconds(item, now))]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(ID_ROLE, item.id)
                cell.setToolTip(request_text(item.fields) if column == 2 else text)
                if alerted(item.id):
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
            if item.id == keep:
                self.table.selectRow(row)
        self.empty_label.setVisible(not self._items)
        self._follow_selection()

    def select_entry(self, entry_id: int) -> bool:
        """Select the row of ``entry_id``; False when it is not shown."""
        for row, item in enumerate(self._items):
            if item.id == entry_id:
                self.table.selectRow(row)
                return True
        return False

    def selected_entry(self) -> int | None:
        return _selected_id(self.table)

    def set_busy(self, busy: bool) -> None:
        """Accepting: the button waits for the server's answer."""
        self._busy = busy
        self._follow_selection()

    def say(self, text: str, warning: bool = False) -> None:
        """A sentence under the table ('' hides it)."""
        self.status_label.setStyleSheet(colour_style(WARNING) if warning else colour_style(MUTED))
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def set_ringing(self, ringing: bool, text: str = "") -> None:
        """Start (with the sentence shown above the table) or stop the visual ring."""
        self.setProperty("ringing", ringing)
        self.alert_label.setText(text)
        self.alert_label.setVisible(ringing and bool(text))
        if ringing:
            if not self._ring_timer.isActive():
                self._ring_timer.start()
            self._blink()
        else:
            self._ring_timer.stop()
            self._blink_on = False
            self.setStyleSheet("")

    def wait_text(self, seconds: int) -> str:
        """A waiting time in words."""
        if seconds < 60:
            return self.tr("under a minute")
        return self.tr("%n min", "", seconds // 60)

    # --- inside ---------------------------------------------------------------------------

    def _blink(self) -> None:
        self._blink_on = not self._blink_on
        colour = WARNING.name() if self._blink_on else "transparent"
        self.setStyleSheet(f"QueueView {{ border: 3px solid {colour}; border-radius: 4px; margin-top: 2ex; "
                           f"padding-top: 1ex; }} QueueView::title {{ subcontrol-origin: margin; left: 8px; }}")
        self.alert_label.setStyleSheet(colour_style(WARNING))

    def _update_waits(self) -> None:
        now = self._now()
        for row, item in enumerate(self._items):
            cell = self.table.item(row, 4)
            if cell is not None:
                cell.setText(self.wait_text(waited_seconds(item, now)))

    def _selected_item(self) -> QueueItem | None:
        entry_id = _selected_id(self.table)
        return next((item for item in self._items if item.id == entry_id), None)

    def _follow_selection(self) -> None:
        item = self._selected_item()
        mine = item is not None and item.state == "accepted"
        self.accept_button.setText(self.tr("Open chat") if mine else self.tr("Accept"))
        self.accept_button.setEnabled(item is not None and (mine or not self._busy))

    def _on_accept_button_clicked(self) -> None:
        item = self._selected_item()
        if item is not None and item.state == "accepted":
            self.chat_requested.emit(item.id)
        elif item is not None and not self._busy:
            self.accept_requested.emit(item.id)

    def _on_table_item_double_clicked(self, _item: QTableWidgetItem) -> None:
        self._on_accept_button_clicked()


class ReservationsView(QWidget):
    """Reservations of the agent's windows for one day (today first): time, window, customer, state."""

    day_chosen = Signal(object)  # datetime.date
    done_requested = Signal(int)
    cancel_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Reservations"))
        self._rows: list[Reservation] = []
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.today_button = QPushButton(self.tr("Today"), self)
        self.today_button.clicked.connect(self.show_today)
        self.table = _table(self, [self.tr("Time"), self.tr("Window"), self.tr("Customer"), self.tr("State")])
        self.table.itemSelectionChanged.connect(self._follow_selection)
        self.empty_label = QLabel(self)
        self.empty_label.setStyleSheet(colour_style(MUTED))
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.done_button = QPushButton(self.tr("Done"), self)
        self.cancel_button = QPushButton(self.tr("Cancel reservation"), self)
        self.done_button.clicked.connect(lambda: self._emit_selected(self.done_requested))
        self.cancel_button.clicked.connect(lambda: self._emit_selected(self.cancel_requested))
        self._lay_out()
        self._follow_selection()
        self.resize(620, 420)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Day:"), self))
        top.addWidget(self.date_edit)
        top.addWidget(self.today_button)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.done_button)
        bottom.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.empty_label)
        column.addWidget(self.table, 1)
        column.addLayout(bottom)

    def day(self) -> dt.date:
        """The day shown."""
        date = self.date_edit.date()
        return dt.date(date.year(), date.month(), date.day())

    def show_today(self) -> None:
        """Go to today (asks for its reservations when the day changes)."""
        if self.date_edit.date() == QDate.currentDate():
            self.day_chosen.emit(self.day())
        else:
            self.date_edit.setDate(QDate.currentDate())

    def show_reservations(self, day: dt.date, rows: Sequence[Reservation]) -> None:
        """The reservations of ``day`` (ignored when another day is shown by now)."""
        if day != self.day():
            return
        keep = _selected_id(self.table)
        self._rows = list(rows)
        self.table.setRowCount(len(self._rows))
        for row, booking in enumerate(self._rows):
            cells = [booking.slot_start.astimezone().strftime("%H:%M"), booking.window_name,
                     request_text(booking.customer), self.state_text(booking.state)]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(ID_ROLE, booking.id)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
            if booking.id == keep:
                self.table.selectRow(row)
        self.empty_label.setText(self.tr("No reservations on this day."))
        self.empty_label.setVisible(not self._rows)
        self._follow_selection()

    def say(self, text: str, warning: bool = False) -> None:
        """A sentence under the table ('' hides it)."""
        self.status_label.setStyleSheet(colour_style(WARNING) if warning else colour_style(MUTED))
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def select_reservation(self, reservation_id: int) -> bool:
        for row, booking in enumerate(self._rows):
            if booking.id == reservation_id:
                self.table.selectRow(row)
                return True
        return False

    def state_text(self, state: str) -> str:
        """A reservation state in words."""
        texts = {"booked": self.tr("Booked"), "done": self.tr("Done"), "cancelled": self.tr("Cancelled")}
        return texts.get(state, state)

    def _follow_selection(self) -> None:
        selected = _selected_id(self.table)
        booked = any(r.id == selected and r.state == "booked" for r in self._rows)
        self.done_button.setEnabled(booked)
        self.cancel_button.setEnabled(booked)

    def _emit_selected(self, signal: SignalInstance) -> None:
        selected = _selected_id(self.table)
        if selected is not None:
            signal.emit(selected)

    def _on_date_edit_date_changed(self, _date: QDate) -> None:
        self.day_chosen.emit(self.day())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.say("")
        super().closeEvent(event)
