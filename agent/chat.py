"""Chat with the customer during a session: a chat window per session, routed through its viewer process.

Rules:
- The agent app never holds the session channel: a line the agent sends is written to the viewer's
  stdin (ViewerLauncher.send_command) and is "sending" until the viewer answers ``chat_sent`` (or
  ``chat_failed``); lines from the customer arrive as the viewer's ``chat`` events (see viewer.control).
  A line still sending when its viewer goes away is marked failed.
- When the effective ``chat_log_server`` is on, every line (the agent's once sent, the customer's once
  received) is saved on the server by a ``ChatSaver`` (``agent.chat_saver``: batches, backoff, a time
  limit); a line it gives up on is marked failed in its panel. Nothing is dropped silently.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QLocale, QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from agent import server_data
from agent.api import ServerClient
from agent.background import BackgroundRunner
from agent.chat_saver import ChatSaver, iso_time
from agent.errors import AgentError
from agent.launcher import ViewerLauncher
from agent.server_data import ChatLine, Favorite, Shortcut
from agent.settings_dialog import SettingsDialog
from ui.chat_panel import ChatPanel, FavoriteLink, LineStatus
from ui.theme import WARNING, colour_style

log = logging.getLogger(__name__)
class ChatWindow(QWidget):
    """One session's chat: the panel, a line for problems, and My settings."""

    settings_requested = Signal()

    def __init__(self, session_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_id = session_id
        self.setWindowTitle(self.tr("Chat with the customer"))
        self.panel = ChatPanel(self)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(colour_style(WARNING))
        self.problem.hide()
        self.settings_button = QPushButton(self.tr("My settings…"), self)
        self.settings_button.clicked.connect(self.settings_requested)
        top = QHBoxLayout()
        top.addWidget(self.problem, 1)
        top.addStretch()
        top.addWidget(self.settings_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.panel, 1)
        self.resize(520, 420)

    def show_problem(self, text: str) -> None:
        """Say what went wrong (an empty text hides the line)."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))


@dataclasses.dataclass
class _SessionChat:
    window: ChatWindow
    sending: dict[str, str]  # line id -> text, until the viewer answers
    over: bool = False


def default_language() -> str:
    """The shortcut messages' language: Korean for a Korean desktop, English otherwise."""
    return "ko" if QLocale().language() == QLocale.Language.Korean else "en"


class ChatCoordinator(QObject):
    """Per-session chat for one login; see the module rules. ``open_chat`` runs when a viewer starts."""

    def __init__(self, client: ServerClient, runner: BackgroundRunner, launcher: ViewerLauncher,
                 options: Mapping[str, Any], clock: Callable[[], float] = time.monotonic, *,
                 language: str | None = None, wall_clock: Callable[[], float] = time.time,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._runner = runner
        self._launcher = launcher
        self._options = dict(options)
        self._wall = wall_clock
        self._language = language or default_language()
        self._chats: dict[str, _SessionChat] = {}
        self._shortcuts: list[str] = []
        self._favorites: list[FavoriteLink] = []
        self._settings: SettingsDialog | None = None
        self.saver = ChatSaver(functools.partial(server_data.save_chat, client), runner, clock, parent=self)
        self.saver.saved.connect(self._on_saver_saved)
        self.saver.failed.connect(self._on_saver_failed)
        launcher.started.connect(self._on_launcher_started)
        launcher.output.connect(self._on_launcher_output)
        launcher.exited.connect(self._on_launcher_exited)
        launcher.failed.connect(self._on_launcher_failed)

    # --- what the controller calls --------------------------------------------------------

    def open_chat(self, session_id: str, send: Callable[[str], None] | None = None) -> ChatWindow:
        """Show the chat window of a session (made on first use); its lines go to the viewer, or to ``send``."""
        chat = self._chats.get(session_id)
        if chat is None:
            window = ChatWindow(session_id)
            window.panel.set_input_enabled(False, self.tr("Chat opens once the customer accepts the session."))
            window.panel.set_shortcuts(self._shortcuts)
            window.panel.set_favorites(self._favorites)
            window.panel.message_submitted.connect(send or functools.partial(self._send, session_id))
            window.settings_requested.connect(self.open_settings)
            chat = self._chats[session_id] = _SessionChat(window, {})
        chat.window.show()
        chat.window.raise_()
        return chat.window

    def window(self, session_id: str) -> ChatWindow | None:
        chat = self._chats.get(session_id)
        return chat.window if chat else None

    def close_chat(self, session_id: str) -> None:
        """Close and forget a session's chat window (lines still being saved are saved)."""
        chat = self._chats.pop(session_id, None)
        if chat is not None:
            chat.window.close()
            chat.window.deleteLater()

    def set_options(self, options: Mapping[str, Any]) -> None:
        """New effective options (login, or an options_changed push): reload texts for the panels."""
        self._options = dict(options)
        self.load_texts()

    def load_texts(self) -> None:
        """Fetch shortcut messages and favorites (when the options allow them) for every panel."""
        if self._options.get("agent_shortcut_messages", True):
            self._runner.run(functools.partial(server_data.shortcuts, self._client, self._language),
                             self._on_shortcuts_loaded, self._on_texts_failed)
        else:
            self._on_shortcuts_loaded([])
        if self._options.get("agent_favorites", True):
            self._runner.run(functools.partial(server_data.favorites, self._client),
                             self._on_favorites_loaded, self._on_texts_failed)
        else:
            self._on_favorites_loaded([])

    def open_settings(self) -> SettingsDialog:
        """My settings: own shortcut messages and favorites (one dialog at a time)."""
        if self._settings is None:
            self._settings = SettingsDialog(self._client, self._runner, self._options, self._language)
            self._settings.shortcuts_changed.connect(self._on_shortcuts_loaded)
            self._settings.favorites_changed.connect(self._on_favorites_loaded)
            self._settings.finished.connect(self._on_settings_finished)
        self._settings.show()
        self._settings.raise_()
        return self._settings

    def pending_saves(self) -> int:
        """Lines not saved on the server yet (say so before logging out)."""
        return len(self.saver.queue)

    def shutdown(self) -> None:
        """Close every chat window."""
        for session_id in list(self._chats):
            self.close_chat(session_id)
        if self._settings is not None:
            self._settings.close()

    # --- sending --------------------------------------------------------------------------

    def _send(self, session_id: str, text: str) -> None:
        chat = self._chats.get(session_id)
        if chat is None:
            return
        line_id = str(uuid.uuid4())
        chat.window.panel.add_line(line_id, self.tr("You"), text, int(self._wall() * 1000), LineStatus.SENDING)
        if chat.over or not self._launcher.send_command(session_id, {"cmd": "chat", "id": line_id, "text": text}):
            chat.window.panel.set_status(line_id, LineStatus.FAILED,
                                         self.tr("Not sent: the viewer of this session is not running."))
            return
        chat.sending[line_id] = text

    # --- the viewer's events ---------------------------------------------------------------

    def _on_launcher_started(self, session_id: str, _pid: int) -> None:
        if self._options.get("text_chat", True) is not False:  # the group may turn text chat off
            self.open_chat(session_id)

    def _on_launcher_output(self, session_id: str, line: str) -> None:
        chat = self._chats.get(session_id)
        if chat is None or not line.startswith("{"):
            return
        try:
            event = json.loads(line)
        except ValueError:
            return
        if isinstance(event, dict):
            self._on_viewer_event(session_id, chat, event)

    def _on_viewer_event(self, session_id: str, chat: _SessionChat, event: dict[str, Any]) -> None:
        kind, panel = event.get("event"), chat.window.panel
        if kind == "live":
            panel.set_input_enabled(True)
        elif kind == "host_info":
            chat.window.setWindowTitle(self.tr("Chat with {0}").format(event.get("pc_name") or "?"))
        elif kind == "ended":
            self._end(chat, self.tr("The session is over."))
        elif kind == "chat_sent":
            self._on_chat_sent(session_id, chat, str(event.get("id")), int(event.get("sent_ms") or 0))
        elif kind == "chat_failed":
            line_id = str(event.get("id"))
            chat.sending.pop(line_id, None)
            panel.set_status(line_id, LineStatus.FAILED, self.tr("Not sent: {0}").format(event.get("reason")))
        elif kind == "chat":
            self._on_customer_line(session_id, chat, event)

    def _on_chat_sent(self, session_id: str, chat: _SessionChat, line_id: str, sent_ms: int) -> None:
        text = chat.sending.pop(line_id, None)
        if text is None:
            return
        chat.window.panel.set_status(line_id, LineStatus.SENT)
        self._save(session_id, ChatLine(line_id, "agent", text, iso_time(sent_ms or int(self._wall() * 1000))))

    def _on_customer_line(self, session_id: str, chat: _SessionChat, event: dict[str, Any]) -> None:
        line_id, text = str(event.get("id") or uuid.uuid4()), str(event.get("text") or "")
        received_ms = int(event.get("received_ms") or self._wall() * 1000)
        chat.window.panel.add_line(line_id, self.tr("Customer"), text, received_ms, LineStatus.RECEIVED)
        chat.window.raise_()
        self._save(session_id, ChatLine(line_id, "customer", text, iso_time(received_ms)))

    def _save(self, session_id: str, line: ChatLine) -> None:
        if self._options.get("chat_log_server") is True and line.text.strip():
            self.saver.add(session_id, line)

    def _on_launcher_exited(self, session_id: str, _code: int, _crashed: bool) -> None:
        chat = self._chats.get(session_id)
        if chat is not None:
            self._end(chat, self.tr("The viewer has closed: the session is over."))

    def _on_launcher_failed(self, session_id: str, reason: str) -> None:
        chat = self._chats.get(session_id)
        if chat is not None:
            self._end(chat, reason)

    def _end(self, chat: _SessionChat, reason: str) -> None:
        chat.over = True
        chat.window.panel.set_input_enabled(False, reason)
        for line_id in list(chat.sending):
            chat.window.panel.set_status(line_id, LineStatus.FAILED, self.tr("Not sent: {0}").format(reason))
        chat.sending.clear()

    # --- saving and texts -----------------------------------------------------------------

    def _on_saver_saved(self, session_id: str, client_id: str) -> None:
        chat = self._chats.get(session_id)
        if chat is not None:
            chat.window.panel.set_status(client_id, LineStatus.SAVED)

    def _on_saver_failed(self, session_id: str, client_id: str, reason: str) -> None:
        chat = self._chats.get(session_id)
        if chat is not None:
            chat.window.panel.set_status(client_id, LineStatus.FAILED, reason)
            chat.window.show_problem(self.tr("Some lines could not be saved on the server (marked failed). "
                                             "Copy them into the support log if they matter."))

    def _on_shortcuts_loaded(self, shortcuts: Sequence[Shortcut]) -> None:
        ordered = sorted(shortcuts, key=lambda s: s.slot)
        self._shortcuts = [s.text for s in ordered] if self._options.get("agent_shortcut_messages", True) else []
        for chat in self._chats.values():
            chat.window.panel.set_shortcuts(self._shortcuts)

    def _on_favorites_loaded(self, favorites: Sequence[Favorite]) -> None:
        allowed = self._options.get("agent_favorites", True)
        self._favorites = [FavoriteLink(f.title, f.url) for f in favorites] if allowed else []
        for chat in self._chats.values():
            chat.window.panel.set_favorites(self._favorites)

    def _on_texts_failed(self, error: AgentError) -> None:
        text = self.tr("Shortcut messages or favorites could not be loaded: {0} Open My settings to try again."
                       ).format(error)
        log.warning("%s", text)
        for chat in self._chats.values():
            chat.window.show_problem(text)

    def _on_settings_finished(self, _result: int) -> None:
        if self._settings is not None:
            self._settings.deleteLater()
            self._settings = None
