"""Chat with a customer taken from the queue: lines and files both ways, remote support, end of the chat.

Rules:
- The window is the session chat's own ``ChatWindow``, made by the ``ChatCoordinator`` (``open_chat`` with the
  key "queue-{entry id}"), so shortcut messages, favorites, My settings and their updates are the same code.
  Its panel's ``message_submitted`` is routed here (to the server) instead of to a viewer.
- A line the agent sends is "sending" until POST /queue/{id}/chat answers (the server then holds it and has
  sent it to the customer); a failure marks it failed with the reason. It is never resent on its own.
- Customer lines and files arrive as "queue_chat" pushes; the conversation so far is fetched when the chat
  opens. A server line id is shown once (``ChatLines``).
- Received files are listed under the panel: Open (download to a private folder, then the desktop opens it)
  or Save as… (download to the chosen path). Downloads and file writes run on the BackgroundRunner.
- Start remote support asks POST /queue/{id}/remote and hands the code to the controller (``code_issued``),
  which follows the agent app's normal session flow. End chat posts /end; a customer who left ends it too.
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from agent.api import IssuedCode, parse_time
from agent.background import BackgroundRunner
from agent.chat import ChatCoordinator, ChatWindow
from agent.errors import AgentError
from agent.queue_api import ChatFile, ChatMessage, QueueApi, QueueItem
from agent.queue_chat_tools import QueueChatTools
from agent.queue_model import ChatLines
from ui.chat_panel import LineStatus

ChooseOpen = Callable[[QWidget], Path | None]
ChooseSave = Callable[[QWidget, str], Path | None]
OpenUrl = Callable[[QUrl], bool]


def chat_key(entry_id: int) -> str:
    """The ChatCoordinator key of a queue chat (never a session id: those are hex)."""
    return f"queue-{entry_id}"


def _ask_open(parent: QWidget) -> Path | None:
    title = QCoreApplication.translate("QueueChatDesk", "Send a file to the customer")
    name, _ = QFileDialog.getOpenFileName(parent, title)
    return Path(name) if name else None


def _ask_save(parent: QWidget, suggested: str) -> Path | None:
    title = QCoreApplication.translate("QueueChatDesk", "Save the customer's file")
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested)
    return Path(name) if name else None


def _open_url(url: QUrl) -> bool:
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(url)


def safe_name(name: str, fallback: str) -> str:
    """A file name without folders (the customer chose it)."""
    plain = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return plain or fallback


def _write(path: Path, data: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        text = QCoreApplication.translate("QueueChatDesk", "The file could not be written to {0}: {1}")
        raise AgentError(text.format(path, exc)) from exc
    return path


@dataclasses.dataclass
class _QueueChat:
    entry: QueueItem
    window: ChatWindow
    tools: QueueChatTools
    lines: ChatLines
    files: dict[int, ChatFile]
    over: bool = False


class QueueChatDesk(QObject):
    """The queue chats of one login; see the module rules."""

    code_issued = Signal(object)  # IssuedCode of a remote support session started from a chat
    ended = Signal(int)  # queue entry id whose chat is over

    def __init__(self, api: QueueApi, runner: BackgroundRunner, coordinator: ChatCoordinator,
                 options: Mapping[str, Any], *, choose_open: ChooseOpen = _ask_open,
                 choose_save: ChooseSave = _ask_save, open_url: OpenUrl = _open_url, files_dir: Path | None = None,
                 wall_clock: Callable[[], float] = time.time, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._runner = runner
        self._coordinator = coordinator
        self._options = dict(options)
        self.choose_open = choose_open  # the file dialogs and the desktop's opener (tests answer them)
        self.choose_save = choose_save
        self.open_url = open_url
        self._files_dir = files_dir
        self._wall = wall_clock
        self._chats: dict[int, _QueueChat] = {}

    # --- what the queue desk calls ----------------------------------------------------------

    def open(self, entry: QueueItem) -> ChatWindow:
        """Show the chat with an accepted customer (made on first use, with the conversation so far)."""
        chat = self._chats.get(entry.id)
        if chat is None:
            chat = self._chats[entry.id] = self._make(entry)
            self._runner.run(functools.partial(self._api.chat, entry.id),
                             functools.partial(self._on_history, entry.id), functools.partial(self._problem, entry.id))
        chat.window.show()
        chat.window.raise_()
        return chat.window

    def window(self, entry_id: int) -> ChatWindow | None:
        chat = self._chats.get(entry_id)
        return chat.window if chat else None

    def tools(self, entry_id: int) -> QueueChatTools | None:
        chat = self._chats.get(entry_id)
        return chat.tools if chat else None

    def follow(self, accepted: list[QueueItem]) -> None:
        """The queue listing's accepted entries: a chat whose entry is gone is over (the customer left)."""
        listed = {item.id for item in accepted}
        for entry_id, chat in self._chats.items():
            if entry_id not in listed and not chat.over:
                self._finish(chat, self.tr("The customer has left: the chat is over."))

    def receive(self, entry_id: int, message: ChatMessage) -> None:
        """A "queue_chat" push: a customer's line or file."""
        chat = self._chats.get(entry_id)
        if chat is None or message.sender == "agent":
            return  # our own lines come back as POST answers
        self._show(chat, message)
        chat.window.show()
        chat.window.raise_()

    def set_options(self, options: Mapping[str, Any]) -> None:
        """The effective options changed: files and remote buttons follow chat_file_agent / chat_remote_button."""
        self._options = dict(options)
        for chat in self._chats.values():
            self._follow_options(chat.tools)

    def shutdown(self) -> None:
        """Close every queue chat window (the coordinator deletes them)."""
        for entry_id in list(self._chats):
            self._coordinator.close_chat(chat_key(entry_id))
        self._chats.clear()

    # --- making a window --------------------------------------------------------------------

    def _make(self, entry: QueueItem) -> _QueueChat:
        window = self._coordinator.open_chat(chat_key(entry.id), send=functools.partial(self._send, entry.id))
        panel = window.panel
        panel.set_input_enabled(True)
        window.setWindowTitle(self.tr("Chat with {0} ({1})").format(entry.customer_name or self.tr("the customer"),
                                                                    entry.window_name))
        tools = QueueChatTools(window)
        column = window.layout()
        assert column is not None  # ChatWindow lays out its panel in a column
        column.addWidget(tools)
        tools.send_file_requested.connect(functools.partial(self.send_file, entry.id))
        tools.remote_requested.connect(functools.partial(self.start_remote, entry.id))
        tools.end_requested.connect(functools.partial(self.end, entry.id))
        tools.open_requested.connect(functools.partial(self.open_file, entry.id))
        tools.save_requested.connect(functools.partial(self.save_file, entry.id))
        self._follow_options(tools)
        return _QueueChat(entry, window, tools, ChatLines(), {})

    def _follow_options(self, tools: QueueChatTools) -> None:
        tools.file_button.setVisible(self._options.get("chat_file_agent", True) is not False)
        tools.remote_button.setVisible(self._options.get("chat_remote_button", True) is not False)

    # --- lines ------------------------------------------------------------------------------

    def _now_ms(self) -> int:
        return int(self._wall() * 1000)

    def _send(self, entry_id: int, text: str) -> None:
        chat = self._chats.get(entry_id)
        if chat is None or not text:
            return
        line_id = str(uuid.uuid4())
        chat.window.panel.add_line(line_id, self.tr("You"), text, self._now_ms(), LineStatus.SENDING)
        if chat.over:
            chat.window.panel.set_status(line_id, LineStatus.FAILED, self.tr("Not sent: the chat is over."))
            return
        self._runner.run(functools.partial(self._api.send_chat, entry_id, text),
                         functools.partial(self._on_sent, entry_id, line_id),
                         functools.partial(self._on_send_failed, entry_id, line_id))

    def _on_sent(self, entry_id: int, line_id: str, message: ChatMessage) -> None:
        chat = self._chats.get(entry_id)
        if chat is not None:
            chat.lines.first_time(message.id)
            saved = self._options.get("chat_log_server") is True
            chat.window.panel.set_status(line_id, LineStatus.SAVED if saved else LineStatus.SENT)

    def _on_send_failed(self, entry_id: int, line_id: str, error: AgentError) -> None:
        chat = self._chats.get(entry_id)
        if chat is not None:
            chat.window.panel.set_status(line_id, LineStatus.FAILED, self.tr("Not sent: {0}").format(error))

    def _on_history(self, entry_id: int, messages: list[ChatMessage]) -> None:
        chat = self._chats.get(entry_id)
        if chat is not None:
            for message in messages:
                self._show(chat, message)

    def _show(self, chat: _QueueChat, message: ChatMessage) -> None:
        if not chat.lines.first_time(message.id):
            return
        mine = message.sender == "agent"
        sender = self.tr("You") if mine else (message.name or self.tr("Customer"))
        text = message.text
        if message.file is not None:
            chat.files[message.file.id] = message.file
            text = (self.tr("File sent: {0}") if mine else self.tr("File received: {0}")).format(message.file.name)
            if not mine:
                chat.tools.add_file(message.file)
        chat.window.panel.add_line(f"srv-{message.id}", sender, text, self._line_ms(message.at),
                                   LineStatus.SENT if mine else LineStatus.RECEIVED)

    def _line_ms(self, at: str) -> int:
        try:
            return int(parse_time(at).timestamp() * 1000)
        except ValueError:
            return self._now_ms()

    def _note(self, entry_id: int, text: str) -> None:
        chat = self._chats.get(entry_id)
        if chat is not None:
            chat.window.panel.add_line(str(uuid.uuid4()), self.tr("Note"), text, self._now_ms(), LineStatus.RECEIVED)

    def _problem(self, entry_id: int, error: AgentError) -> None:
        chat = self._chats.get(entry_id)
        if chat is not None:
            chat.window.show_problem(str(error))

    # --- files ------------------------------------------------------------------------------

    def send_file(self, entry_id: int) -> None:
        """Ask for a file and send it to the customer."""
        chat = self._chats.get(entry_id)
        path = self.choose_open(chat.window) if chat is not None and not chat.over else None
        if chat is None or path is None:
            return
        line_id = str(uuid.uuid4())
        chat.window.panel.add_line(line_id, self.tr("You"), self.tr("File sent: {0}").format(path.name),
                                   self._now_ms(), LineStatus.SENDING)
        self._runner.run(functools.partial(self._api.send_file, entry_id, path),
                         functools.partial(self._on_sent, entry_id, line_id),
                         functools.partial(self._on_send_failed, entry_id, line_id))

    def open_file(self, entry_id: int, file_id: int) -> None:
        """Download a received file to a private folder and let the desktop open it."""
        chat = self._chats.get(entry_id)
        file = chat.files.get(file_id) if chat is not None else None
        if file is None:
            return
        if self._files_dir is None:
            self._files_dir = Path(tempfile.mkdtemp(prefix="ferry-agent-files-"))  # private (0700) to this user
        folder = self._files_dir
        target = folder / f"{entry_id}-{file_id}-{safe_name(file.name, 'file')}"
        self._download(entry_id, file_id, target, self._on_opened)

    def save_file(self, entry_id: int, file_id: int) -> None:
        """Ask where to save a received file and download it there."""
        chat = self._chats.get(entry_id)
        file = chat.files.get(file_id) if chat is not None else None
        target = self.choose_save(chat.window, safe_name(file.name, "file")) if chat and file else None
        if target is not None:
            self._download(entry_id, file_id, target, self._on_saved)

    def _download(self, entry_id: int, file_id: int, target: Path, done: Callable[[int, Path], None]) -> None:
        def fetch_and_write() -> Path:
            return _write(target, self._api.download(entry_id, file_id))
        self._runner.run(fetch_and_write, functools.partial(done, entry_id), functools.partial(self._problem, entry_id))

    def _on_opened(self, entry_id: int, path: Path) -> None:
        if not self.open_url(QUrl.fromLocalFile(str(path))):
            self._problem(entry_id, AgentError(self.tr("No program on this PC opens {0}: use Save as… instead."
                                                       ).format(path.name)))

    def _on_saved(self, entry_id: int, path: Path) -> None:
        self._note(entry_id, self.tr("Saved to {0}").format(path))

    # --- remote support and the end ---------------------------------------------------------

    def start_remote(self, entry_id: int) -> None:
        """POST /queue/{id}/remote; the code goes to the controller and the customer's chat."""
        chat = self._chats.get(entry_id)
        if chat is None or chat.over:
            return
        chat.tools.remote_button.setEnabled(False)
        self._runner.run(functools.partial(self._api.remote, entry_id), functools.partial(self._on_remote, entry_id),
                         functools.partial(self._on_remote_failed, entry_id))

    def _on_remote(self, entry_id: int, issued: IssuedCode) -> None:
        chat = self._chats.get(entry_id)
        if chat is not None:
            chat.tools.remote_button.setEnabled(not chat.over)
        self._note(entry_id, self.tr("Remote support code {0} was sent to the customer. The viewer opens when "
                                     "they run the connection program.").format(issued.code))
        self.code_issued.emit(issued)

    def _on_remote_failed(self, entry_id: int, error: AgentError) -> None:
        chat = self._chats.get(entry_id)
        if chat is not None:
            chat.tools.remote_button.setEnabled(not chat.over)
        self._problem(entry_id, AgentError(self.tr("Remote support could not be started: {0}").format(error)))

    def end(self, entry_id: int) -> None:
        """End the chat (the customer is served)."""
        chat = self._chats.get(entry_id)
        if chat is None or chat.over:
            return
        chat.tools.end_button.setEnabled(False)
        self._runner.run(functools.partial(self._api.end, entry_id, "served"),
                         lambda _none: self._finish(chat, self.tr("You ended the chat.")),
                         functools.partial(self._on_end_failed, entry_id))

    def _on_end_failed(self, entry_id: int, error: AgentError) -> None:
        chat = self._chats.get(entry_id)
        if chat is not None and not chat.over:
            chat.tools.end_button.setEnabled(True)
        self._problem(entry_id, AgentError(self.tr("The chat could not be ended: {0}").format(error)))

    def _finish(self, chat: _QueueChat, reason: str) -> None:
        if chat.over:
            return
        chat.over = True
        chat.window.panel.set_input_enabled(False, reason)
        chat.tools.set_over()
        self._note(chat.entry.id, reason)
        self.ended.emit(chat.entry.id)

    def is_over(self, entry_id: int) -> bool:
        chat = self._chats.get(entry_id)
        return chat is None or chat.over

