"""The chat panel shared by the agent app and the customer's notice window.

Rules: pure UI. The panel owns no network: what the user wants to send leaves through
``message_submitted`` (typed text, a shortcut message or a favorite's URL), and the owner
adds lines and changes their status through methods (``add_line``, ``set_status``). Every
line has an id the owner chooses; a line's status is always visible, and a failed line
says so in red with the reason in its tooltip. Without shortcut texts the shortcut row is
hidden and Alt+1 … Alt+0 do nothing; without favorites the favorites button is hidden.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence

from PySide6.QtCore import QDateTime, QKeyCombination, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.theme import MUTED, WARNING

SHORTCUT_SLOTS = 10
MAX_TEXT = 4000  # the server stores lines of at most this many characters
_DIGIT_KEYS = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5, Qt.Key.Key_6,
               Qt.Key.Key_7, Qt.Key.Key_8, Qt.Key.Key_9, Qt.Key.Key_0]
_BUTTON_TEXT_CHARS = 14
COL_TIME, COL_SENDER, COL_TEXT, COL_STATUS = range(4)


class LineStatus(enum.Enum):
    """Where a chat line is: on its way, delivered, received from the other side, stored, or failed."""

    SENDING = "sending"
    SENT = "sent"
    RECEIVED = "received"
    SAVED = "saved"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class FavoriteLink:
    """A favorite as the panel shows it: a title and the URL sent when it is picked."""

    title: str
    url: str


def shortcut_key(slot: int) -> QKeySequence:
    """Alt+1 … Alt+9 for slots 1..9, Alt+0 for slot 10."""
    return QKeySequence(QKeyCombination(Qt.KeyboardModifier.AltModifier, _DIGIT_KEYS[slot - 1]))


def _elide(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ChatPanel(QWidget):
    """A conversation, an input line with Send, optional shortcut buttons and a favorites menu."""

    message_submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._status: dict[str, LineStatus] = {}
        self._shortcuts: list[str] = []
        self._enabled = True
        self.conversation = self._build_conversation()
        self.input = QLineEdit(self)
        self.input.setMaxLength(MAX_TEXT)
        self.input.setPlaceholderText(self.tr("Type a message and press Enter"))
        self.input.returnPressed.connect(self._on_input_return_pressed)
        self.send_button = QPushButton(self.tr("Send"), self)
        self.send_button.clicked.connect(self._on_input_return_pressed)
        self.favorites_button = QToolButton(self)
        self.favorites_button.setText(self.tr("Favorites"))
        self.favorites_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.favorites_button.setMenu(QMenu(self.favorites_button))
        self.favorites_button.hide()
        self.shortcut_row = QWidget(self)
        self.shortcut_buttons = self._build_shortcut_row()
        self.shortcut_row.hide()
        self._hotkeys = [self._hotkey(slot) for slot in range(1, SHORTCUT_SLOTS + 1)]
        self._layout()

    def _build_conversation(self) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setHeaderLabels([self.tr("Time"), self.tr("From"), self.tr("Message"), self.tr("Status")])
        tree.setRootIsDecorated(False)
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = tree.header()
        header.setStretchLastSection(False)
        for column in (COL_TIME, COL_SENDER, COL_STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        return tree

    def _build_shortcut_row(self) -> list[QPushButton]:
        grid = QGridLayout(self.shortcut_row)
        grid.setContentsMargins(0, 0, 0, 0)
        buttons = []
        for slot in range(1, SHORTCUT_SLOTS + 1):
            button = QPushButton(str(slot % 10), self.shortcut_row)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, s=slot: self.send_shortcut(s))
            grid.addWidget(button, (slot - 1) // 5, (slot - 1) % 5)
            buttons.append(button)
        return buttons

    def _hotkey(self, slot: int) -> QShortcut:
        hotkey = QShortcut(shortcut_key(slot), self)
        hotkey.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        hotkey.activated.connect(lambda s=slot: self.send_shortcut(s))
        hotkey.setEnabled(False)
        return hotkey

    def _layout(self) -> None:
        entry = QHBoxLayout()
        entry.addWidget(self.input, 1)
        entry.addWidget(self.send_button)
        entry.addWidget(self.favorites_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.conversation, 1)
        column.addWidget(self.shortcut_row)
        column.addLayout(entry)

    # --- what the owner tells the panel ---------------------------------------------------

    def set_shortcuts(self, texts: Sequence[str]) -> None:
        """The shortcut messages, slot 1 first (at most 10); an empty list hides the row."""
        self._shortcuts = list(texts[:SHORTCUT_SLOTS])
        for slot, button in enumerate(self.shortcut_buttons, start=1):
            text = self._shortcuts[slot - 1] if slot <= len(self._shortcuts) else ""
            key = shortcut_key(slot).toString(QKeySequence.SequenceFormat.NativeText)
            button.setText(f"{slot % 10}. {_elide(text, _BUTTON_TEXT_CHARS)}" if text else str(slot % 10))
            button.setToolTip(f"{key}: {text}" if text else "")
            button.setEnabled(bool(text) and self._enabled)
        self.shortcut_row.setVisible(bool(self._shortcuts))
        self._refresh_hotkeys()

    def set_favorites(self, favorites: Sequence[FavoriteLink]) -> None:
        """The favorites menu; picking one sends its URL. An empty list hides the button."""
        menu = QMenu(self.favorites_button)
        for favorite in favorites:
            action = menu.addAction(favorite.title or favorite.url)
            action.setToolTip(favorite.url)
            action.setData(favorite.url)
            action.triggered.connect(lambda _checked=False, url=favorite.url: self._submit(url))
        menu.setToolTipsVisible(True)
        old = self.favorites_button.menu()
        self.favorites_button.setMenu(menu)
        if old is not None:
            old.deleteLater()
        self.favorites_button.setVisible(bool(favorites))

    def favorite_actions(self) -> list[tuple[str, str]]:
        """(title, url) of the favorites menu, in order."""
        menu = self.favorites_button.menu()
        return [(action.text(), str(action.data())) for action in menu.actions()] if menu else []

    def set_input_enabled(self, enabled: bool, reason: str = "") -> None:
        """Allow or stop sending; ``reason`` shows in the empty input line while stopped."""
        self._enabled = enabled
        self.input.setEnabled(enabled)
        self.send_button.setEnabled(enabled)
        self.favorites_button.setEnabled(enabled)
        self.input.setPlaceholderText(self.tr("Type a message and press Enter") if enabled else reason)
        for slot, button in enumerate(self.shortcut_buttons, start=1):
            button.setEnabled(enabled and slot <= len(self._shortcuts) and bool(self._shortcuts[slot - 1]))
        self._refresh_hotkeys()

    def add_line(self, line_id: str, sender: str, text: str, sent_ms: int, status: LineStatus) -> None:
        """Append a line (ignored when ``line_id`` is already shown) and scroll to it."""
        if line_id in self._items:
            return
        when = QDateTime.fromMSecsSinceEpoch(sent_ms).toString("HH:mm:ss") if sent_ms else ""
        item = QTreeWidgetItem([when, sender, text, ""])
        item.setToolTip(COL_TEXT, text)
        self.conversation.addTopLevelItem(item)
        self._items[line_id] = item
        self.set_status(line_id, status)
        self.conversation.scrollToItem(item)

    def set_status(self, line_id: str, status: LineStatus, reason: str = "") -> None:
        """Change a line's status; ``reason`` (why it failed) shows in the status tooltip."""
        item = self._items.get(line_id)
        if item is None:
            return
        self._status[line_id] = status
        item.setText(COL_STATUS, self._status_text(status))
        item.setToolTip(COL_STATUS, reason or self._status_text(status))
        font = QFont(item.font(COL_STATUS))
        font.setBold(status is LineStatus.FAILED)
        item.setFont(COL_STATUS, font)
        colour = WARNING if status is LineStatus.FAILED else MUTED
        for column in (COL_STATUS,) if status is not LineStatus.FAILED else range(4):
            item.setForeground(column, QBrush(colour))

    def status(self, line_id: str) -> LineStatus | None:
        """A line's status, or None for an unknown id."""
        return self._status.get(line_id)

    def line_ids(self) -> list[str]:
        """The ids of the lines shown, oldest first."""
        return list(self._items)

    def line(self, line_id: str) -> tuple[str, str, str]:
        """(sender, text, status text) of a line as shown."""
        item = self._items[line_id]
        return item.text(COL_SENDER), item.text(COL_TEXT), item.text(COL_STATUS)

    def _status_text(self, status: LineStatus) -> str:
        texts = {
            LineStatus.SENDING: self.tr("sending…"),
            LineStatus.SENT: self.tr("sent"),
            LineStatus.RECEIVED: "",
            LineStatus.SAVED: self.tr("saved on server"),
            LineStatus.FAILED: self.tr("✗ failed"),
        }
        return texts[status]

    # --- what the user does ---------------------------------------------------------------

    def send_shortcut(self, slot: int) -> None:
        """Send shortcut message ``slot`` (1..10) when there is one and sending is allowed."""
        if self._enabled and 1 <= slot <= len(self._shortcuts) and self._shortcuts[slot - 1].strip():
            self._submit(self._shortcuts[slot - 1])

    def _on_input_return_pressed(self) -> None:
        text = self.input.text()
        if self._enabled and text.strip():
            self.input.clear()
            self._submit(text)

    def _submit(self, text: str) -> None:
        if self._enabled:
            self.message_submitted.emit(text.strip())

    def _refresh_hotkeys(self) -> None:
        for slot, hotkey in enumerate(self._hotkeys, start=1):
            hotkey.setEnabled(self._enabled and slot <= len(self._shortcuts))
