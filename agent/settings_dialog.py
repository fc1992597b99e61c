"""My settings: the agent's own shortcut messages and favorites.

Rules: every server call runs on the BackgroundRunner; while one runs, the buttons that start
calls are disabled and the status line says so; a failure shows the server's sentence there.
What the server answers replaces what is shown (so the dialog never shows an unsaved guess),
and is announced through ``shortcuts_changed`` / ``favorites_changed`` for the chat panels.
The company's favorites are shown but cannot be removed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent import server_data
from agent.api import ServerClient
from agent.background import BackgroundRunner
from agent.errors import AgentError
from agent.server_data import Favorite, Shortcut
from ui.chat_panel import MAX_TEXT, SHORTCUT_SLOTS, shortcut_key
from ui.theme import WARNING, colour_style


class SettingsDialog(QDialog):
    """Edit own shortcut texts (or reset a slot to the company's or default text); add and remove favorites."""

    shortcuts_changed = Signal(list)  # list[Shortcut]
    favorites_changed = Signal(list)  # list[Favorite]

    def __init__(self, client: ServerClient, runner: BackgroundRunner, options: Mapping[str, Any],
                 language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("My settings"))
        self._client = client
        self._runner = runner
        self._language = language
        self._busy = 0
        self._loaded: dict[int, Shortcut] = {}
        self._favorites: list[Favorite] = []
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.texts: list[QLineEdit] = []
        self.sources: list[QLabel] = []
        self.resets: list[QPushButton] = []
        self.tabs = QTabWidget(self)
        self._shortcuts_on = bool(options.get("agent_shortcut_messages", True))
        self._favorites_on = bool(options.get("agent_favorites", True))
        self.tabs.addTab(self._shortcut_page() if self._shortcuts_on else self._off_page(
            self.tr("Your group has turned shortcut messages off.")), self.tr("Shortcut messages"))
        self.tabs.addTab(self._favorite_page() if self._favorites_on else self._off_page(
            self.tr("Your group has turned favorites off.")), self.tr("Favorites"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.status)
        column.addWidget(buttons)
        self.resize(640, 480)
        self.reload()

    # --- pages ------------------------------------------------------------------------------

    def _off_page(self, text: str) -> QWidget:
        page = QLabel(text)
        page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return page

    def _shortcut_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        for slot in range(1, SHORTCUT_SLOTS + 1):
            text, source = QLineEdit(page), QLabel(page)
            text.setMaxLength(MAX_TEXT)
            reset = QPushButton(self.tr("Reset"), page)
            reset.setToolTip(self.tr("Use the company's or the default text again"))
            reset.clicked.connect(functools.partial(self._on_reset_clicked, slot))
            grid.addWidget(QLabel(shortcut_key(slot).toString()), slot - 1, 0)
            grid.addWidget(text, slot - 1, 1)
            grid.addWidget(source, slot - 1, 2)
            grid.addWidget(reset, slot - 1, 3)
            self.texts.append(text)
            self.sources.append(source)
            self.resets.append(reset)
        self.save_button = QPushButton(self.tr("Save shortcut messages"), page)
        self.save_button.clicked.connect(self._on_save_clicked)
        grid.addWidget(self.save_button, SHORTCUT_SLOTS, 1, 1, 3, Qt.AlignmentFlag.AlignRight)
        return page

    def _favorite_page(self) -> QWidget:
        page = QWidget()
        self.favorite_list = QTreeWidget(page)
        self.favorite_list.setHeaderLabels([self.tr("Title"), self.tr("URL"), self.tr("From")])
        self.favorite_list.setRootIsDecorated(False)
        self.favorite_list.itemSelectionChanged.connect(self._refresh_buttons)
        self.title_edit = QLineEdit(page)
        self.title_edit.setPlaceholderText(self.tr("Title"))
        self.url_edit = QLineEdit(page)
        self.url_edit.setPlaceholderText("https://")
        self.add_button = QPushButton(self.tr("Add"), page)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button = QPushButton(self.tr("Remove"), page)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        entry = QHBoxLayout()
        entry.addWidget(self.title_edit, 1)
        entry.addWidget(self.url_edit, 2)
        entry.addWidget(self.add_button)
        column = QVBoxLayout(page)
        column.addWidget(self.favorite_list, 1)
        column.addLayout(entry)
        column.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    # --- server calls -----------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch the shortcut messages and favorites again."""
        if self._shortcuts_on:
            self._call(functools.partial(server_data.shortcuts, self._client, self._language), self._show_shortcuts)
        if self._favorites_on:
            self._call(functools.partial(server_data.favorites, self._client), self._show_favorites)

    def _call(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self._busy += 1
        self._say(self._busy_text())
        self._refresh_buttons()
        self._runner.run(fn, functools.partial(self._finished, done), self._failed)

    def _finished(self, done: Callable[[Any], None], result: Any) -> None:
        self._busy -= 1
        if self._busy == 0 and self.status.text() == self._busy_text():
            self._say("")
        done(result)
        self._refresh_buttons()

    def _failed(self, error: AgentError) -> None:
        self._busy -= 1
        self._say(self.tr("{0} Try again, or close and reopen My settings.").format(error), problem=True)
        self._refresh_buttons()

    def _on_save_clicked(self) -> None:
        changes: dict[int, str | None] = {}
        for slot, edit in enumerate(self.texts, start=1):
            loaded = self._loaded.get(slot)
            text = edit.text().strip()
            if loaded is None or text != loaded.text:
                changes[slot] = text or None
        if not changes:
            self._say(self.tr("Nothing to save: no text was changed."))
            return
        self._save_shortcuts(changes)

    def _on_reset_clicked(self, slot: int) -> None:
        self._save_shortcuts({slot: None})

    def _save_shortcuts(self, changes: Mapping[int, str | None]) -> None:
        call = functools.partial(server_data.set_shortcuts, self._client, dict(changes), self._language)
        self._call(call, self._show_shortcuts)

    def _on_add_clicked(self) -> None:
        title, url = self.title_edit.text().strip(), self.url_edit.text().strip()
        if not url.startswith(("http://", "https://")):
            self._say(self.tr("Enter a URL that starts with http:// or https://."), problem=True)
            return
        self._call(functools.partial(server_data.add_favorite, self._client, title or url, url), self._added)

    def _on_remove_clicked(self) -> None:
        favorite = self._selected_favorite()
        if favorite is not None and favorite.editable:
            self._call(functools.partial(server_data.delete_favorite, self._client, favorite.id),
                       functools.partial(self._removed, favorite))

    # --- showing answers --------------------------------------------------------------------

    def _show_shortcuts(self, shortcuts: Sequence[Shortcut]) -> None:
        self._loaded = {s.slot: s for s in shortcuts}
        names = {"own": self.tr("your own"), "company": self.tr("company"), "default": self.tr("default")}
        for slot, (edit, source) in enumerate(zip(self.texts, self.sources, strict=True), start=1):
            shortcut = self._loaded.get(slot)
            edit.setText(shortcut.text if shortcut else "")
            source.setText(names.get(shortcut.source, shortcut.source) if shortcut else "")
        self.shortcuts_changed.emit(list(shortcuts))

    def _show_favorites(self, favorites: Sequence[Favorite]) -> None:
        self._favorites = list(favorites)
        self.favorite_list.clear()
        for favorite in self._favorites:
            kind = self.tr("you") if favorite.editable else self.tr("company (read-only)")
            item = QTreeWidgetItem([favorite.title, favorite.url, kind])
            if not favorite.editable:
                for column in range(3):
                    item.setForeground(column, self.palette().placeholderText())
            self.favorite_list.addTopLevelItem(item)
        self.favorites_changed.emit(list(self._favorites))

    def _added(self, favorite: Favorite) -> None:
        self.title_edit.clear()
        self.url_edit.clear()
        self._show_favorites([*self._favorites, favorite])

    def _removed(self, favorite: Favorite, _answer: object) -> None:
        self._show_favorites([f for f in self._favorites if f.id != favorite.id])

    def _selected_favorite(self) -> Favorite | None:
        item = self.favorite_list.currentItem()
        row = -1 if item is None else self.favorite_list.indexOfTopLevelItem(item)
        return self._favorites[row] if 0 <= row < len(self._favorites) else None

    def _refresh_buttons(self) -> None:
        idle = self._busy == 0
        if self._shortcuts_on:
            self.save_button.setEnabled(idle)
            for slot, reset in enumerate(self.resets, start=1):
                shortcut = self._loaded.get(slot)
                reset.setEnabled(idle and shortcut is not None and shortcut.source == "own")
        if self._favorites_on:
            self.add_button.setEnabled(idle)
            favorite = self._selected_favorite()
            self.remove_button.setEnabled(idle and favorite is not None and favorite.editable)

    def _busy_text(self) -> str:
        return self.tr("Talking to the server…")

    def _say(self, text: str, problem: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(colour_style(WARNING) if problem else "")
