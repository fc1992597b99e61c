"""The agent's side of the waiting queue: listing, alerts, accepting, and the reservations window.

Rules:
- Server calls run on the BackgroundRunner; GET /queue goes through a RefreshGate (one in flight, pushes
  meanwhile fold into one more fetch). The listing is refetched on "queue_changed", after an alert, a take,
  an accept, an end, and whenever the push link (re)connects.
- "queue_alert" rings (visual ring in the view, the main window flashes in the task bar and comes to the
  front, a tray message where the desktop has a tray); "queue_taken" and accepting stop it; RING_LIMIT_S too.
- Accept that loses the race (409 already_taken) says so in a sentence; nothing else changes.
- "queue_chat" pushes go to the QueueChatDesk; "reservation_changed" reloads the reservations window if open.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget

from agent.background import BackgroundRunner
from agent.errors import AgentError
from agent.push import PushEvent
from agent.queue_api import QueueApi, QueueItem, QueueTakenError, Reservation, chat_message
from agent.queue_chat import QueueChatDesk
from agent.queue_model import QueueBoard, RefreshGate
from agent.queue_views import QueueView, ReservationsView

log = logging.getLogger(__name__)
RING_CHECK_MS = 1000
TRAY_MESSAGE_MS = 10_000
TAKEN_KEPT = 500
QUEUE_PUSHES = frozenset({"queue_changed", "queue_alert", "queue_taken", "queue_chat", "reservation_changed"})


class AlertNotifier(QObject):
    """Draws the agent's eye without sound: task bar flash, raise, and a tray message where there is a tray."""

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.windowIcon()
            if icon.isNull():
                icon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.show()

    def notify(self, text: str) -> None:
        """Flash the window in the task bar, bring it to the front, and show ``text`` in the tray."""
        window = self._window.window()
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        QApplication.alert(window, 0)
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(self.tr("A customer is waiting"), text, QSystemTrayIcon.MessageIcon.Information,
                                  TRAY_MESSAGE_MS)

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()


class QueueDesk(QObject):
    """Drives the QueueView, the QueueChatDesk and the ReservationsView of one login; see the module rules."""

    def __init__(self, api: QueueApi, runner: BackgroundRunner, view: QueueView, chats: QueueChatDesk, *,
                 notify: Callable[[str], None] | None = None, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._runner = runner
        self.view = view
        self.chats = chats
        self._clock = clock
        self._board = QueueBoard()
        self._gate = RefreshGate()
        self._stopped = False
        self._notifier: AlertNotifier | None = None
        if notify is None:
            self._notifier = AlertNotifier(view, self)
            notify = self._notifier.notify
        self._notify = notify
        self.reservations: ReservationsView | None = None
        self._taken_by: dict[int, str] = {}  # entry id -> who took it ("queue_taken")
        self._ring_timer = QTimer(self)
        self._ring_timer.setInterval(RING_CHECK_MS)
        self._ring_timer.timeout.connect(self._on_ring_timer_timeout)
        view.accept_requested.connect(self.accept)
        view.chat_requested.connect(self.open_chat)
        chats.ended.connect(lambda _entry_id: self.refresh())

    @property
    def board(self) -> QueueBoard:
        return self._board

    # --- pushes -----------------------------------------------------------------------------

    def on_push(self, event: PushEvent) -> bool:
        """Handle a queue push; False when ``event`` is not one."""
        if event.kind not in QUEUE_PUSHES:
            return False
        if self._stopped:
            return True
        data = event.data
        if event.kind == "queue_alert":
            self._on_alert(data)
        elif event.kind == "queue_taken":
            self._on_taken(data)
        elif event.kind == "queue_chat" and isinstance(data.get("line"), dict):
            self._on_chat_line(data)
        elif event.kind == "reservation_changed":
            self.load_reservations()
        else:
            self.refresh()
        return True

    def _on_alert(self, data: dict[str, Any]) -> None:
        entry_id = _int(data.get("entry_id"))
        if entry_id is not None and self._board.alert(entry_id, self._clock()):
            self._ring(str(data.get("customer_name") or ""), str(data.get("window_name") or "?"))
        self.refresh()

    def _ring(self, customer_name: str, window_name: str) -> None:
        text = self.tr("{0} is waiting at {1}.").format(customer_name or self.tr("A customer"), window_name)
        self.view.set_ringing(True, text)
        self._ring_timer.start()
        self._notify(text)

    def _on_taken(self, data: dict[str, Any]) -> None:
        entry_id = _int(data.get("entry_id"))
        if entry_id is not None:
            self._taken_by[entry_id] = str(data.get("agent_name") or "")
            if len(self._taken_by) > TAKEN_KEPT:
                del self._taken_by[next(iter(self._taken_by))]
            if self._board.withdraw(entry_id):
                self._follow_ring()
        self.refresh()

    def _on_chat_line(self, data: dict[str, Any]) -> None:
        entry_id = _int(data.get("entry_id"))
        try:
            message = chat_message(data["line"])
        except (KeyError, TypeError, ValueError):
            log.warning("ignored a queue_chat push without a usable line: %r", data)
            return
        if entry_id is not None:
            self.chats.receive(entry_id, message)

    # --- the listing ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Fetch GET /queue (folded into the running fetch when one is on its way)."""
        if not self._stopped and self._gate.ask():
            self._fetch()

    def _fetch(self) -> None:
        self._runner.run(self._api.entries, self._on_entries, self._on_entries_failed)

    def _on_entries(self, items: list[QueueItem]) -> None:
        if self._stopped:
            return
        fresh = self._board.replace(items, self._clock())
        self.view.show_entries(items, self._board.alerted)
        if fresh:  # alerted to us while the push was on its way, or while we were offline
            self._ring(fresh[-1].customer_name, fresh[-1].window_name)
        self.chats.follow(self._board.accepted())
        self._follow_ring()
        if self._gate.done():
            self._fetch()

    def _on_entries_failed(self, error: AgentError) -> None:
        if self._stopped:
            return
        self.view.say(self.tr("The waiting customers could not be loaded: {0}").format(error), warning=True)
        if self._gate.done():
            self._fetch()

    def _follow_ring(self) -> None:
        if not self._board.ringing:
            self.view.set_ringing(False)
            self._ring_timer.stop()

    def _on_ring_timer_timeout(self) -> None:
        if self._board.expire(self._clock()):
            self._follow_ring()

    # --- accepting --------------------------------------------------------------------------

    def accept(self, entry_id: int) -> None:
        """Take the customer (POST /queue/{id}/accept); the chat opens when the server agrees."""
        self.view.set_busy(True)
        self.view.say("")
        item = self._board.get(entry_id)
        name = item.customer_name if item is not None else ""  # the listing may lose the entry meanwhile
        self._runner.run(functools.partial(self._api.accept, entry_id), self._on_accepted,
                         functools.partial(self._on_accept_failed, entry_id, name))

    def _on_accepted(self, item: QueueItem) -> None:
        self.view.set_busy(False)
        if self._board.withdraw(item.id):
            self._follow_ring()
        self.chats.open(item)
        self.refresh()

    def _on_accept_failed(self, entry_id: int, name: str, error: AgentError) -> None:
        self.view.set_busy(False)
        if isinstance(error, QueueTakenError):
            self.view.say(self._taken_sentence(entry_id, name), warning=True)
            if self._board.withdraw(entry_id):
                self._follow_ring()
        else:
            self.view.say(self.tr("The customer could not be accepted: {0}").format(error), warning=True)
        self.refresh()

    def _taken_sentence(self, entry_id: int, name: str) -> str:
        name = name or self.tr("This customer")
        who = self._taken_by.get(entry_id)
        if who:
            return self.tr("{0} was already taken by {1}: choose another customer.").format(name, who)
        return self.tr("{0} was already taken by another agent: choose another customer.").format(name)

    def open_chat(self, entry_id: int) -> None:
        """Show the chat of a customer this agent accepted earlier."""
        item = self._board.get(entry_id)
        if item is not None:
            self.chats.open(item)

    # --- reservations -----------------------------------------------------------------------

    def show_reservations(self) -> ReservationsView:
        """Open (or raise) the reservations window on today and load it."""
        if self.reservations is None:
            self.reservations = ReservationsView(self.view.window())
            self.reservations.day_chosen.connect(lambda _day: self.load_reservations())
            self.reservations.done_requested.connect(functools.partial(self._set_reservation, "done"))
            self.reservations.cancel_requested.connect(functools.partial(self._set_reservation, "cancel"))
        self.reservations.show()
        self.reservations.raise_()
        self.reservations.show_today()
        return self.reservations

    def load_reservations(self) -> None:
        """Reload the shown day's reservations (when the window is open)."""
        view = self.reservations
        if view is None or not view.isVisible() or self._stopped:
            return
        day = view.day()
        self._runner.run(functools.partial(self._api.reservations, day),
                         functools.partial(self._on_reservations, day), self._on_reservations_failed)

    def _on_reservations(self, day: dt.date, rows: list[Reservation]) -> None:
        if self.reservations is not None and not self._stopped:
            self.reservations.show_reservations(day, rows)

    def _on_reservations_failed(self, error: AgentError) -> None:
        if self.reservations is not None:
            self.reservations.say(self.tr("The reservations could not be loaded: {0}").format(error), warning=True)

    def _set_reservation(self, action: str, reservation_id: int) -> None:
        self._runner.run(functools.partial(self._api.set_reservation, reservation_id, action),
                         lambda _row: self.load_reservations(), self._on_reservation_failed)

    def _on_reservation_failed(self, error: AgentError) -> None:
        if self.reservations is not None:
            self.reservations.say(self.tr("The reservation could not be changed: {0}").format(error), warning=True)
        self.load_reservations()

    # --- the end ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """The login ends: stop ringing, close the chats and the reservations window."""
        self._stopped = True
        self._ring_timer.stop()
        self.view.set_ringing(False)
        self.chats.shutdown()
        if self._notifier is not None:
            self._notifier.close()
        if self.reservations is not None:
            self.reservations.close()
            self.reservations.deleteLater()
            self.reservations = None


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
