"""The support log asked for when a session ends (``support_log``: off / optional / required).

Rules: a *required* log cannot be closed (no Skip, the window's close and Esc do nothing, Save
disabled) until customer name and content are filled and, where the company has categories, one
is chosen. Saving runs on the BackgroundRunner; a failure keeps the dialog open with the server's
sentence and everything typed. The ``SupportLogDesk`` outlives a login: when the agent is logged
out (forced or idle) its dialogs stay open, and a log the agent tried to save meanwhile is saved
as soon as the next login attaches a new ``LogService`` (the log belongs to the session id).
Where the server says the log can never be saved (403/404, e.g. another agent logged in), the
dialog offers Discard even when the log is required, so it cannot block the agent forever.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent.background import BackgroundRunner
from agent.errors import AgentError, ApiError
from agent.model import support_log_missing
from agent.server_data import Category
from ui.theme import MUTED, WARNING, colour_style

NEVER_SAVABLE = frozenset({403, 404})
Save = Callable[[str, str, str, int | None], None]  # session_id, customer_name, content, category_id


@dataclasses.dataclass(frozen=True)
class LogService:
    """One login's way to the server: the runner and the two calls (bound to its client)."""

    runner: BackgroundRunner
    save: Save
    categories: Callable[[], list[Category]]


@dataclasses.dataclass(frozen=True)
class EndedSession:
    """What the dialog says about the session it is for."""

    session_id: str
    code: str
    pc_name: str


class SupportLogDialog(QDialog):
    """One session's support log; see the module rules."""

    saved = Signal(str)  # session_id

    def __init__(self, session: EndedSession, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.mode = mode
        self._service: LogService | None = None
        self._categories: list[Category] | None = None  # None: not loaded yet
        self._saving = False
        self._save_wanted = False  # Save was pressed while logged out
        self._done = False
        self.setWindowTitle(self.tr("Support log — {0}").format(session.pc_name or session.code))
        self._build()
        self._update_buttons()

    def _build(self) -> None:
        about = QLabel(self.tr("The session with {0} (code {1}) has ended. Write what was done.").format(
            self.session.pc_name or self.tr("the customer"), self.session.code), self)
        about.setWordWrap(True)
        self.customer_edit = QLineEdit(self)
        self.content_edit = QPlainTextEdit(self)
        self.category_tree = QTreeWidget(self)
        self.category_tree.setHeaderHidden(True)
        self.category_label = QLabel(self.tr("Loading the categories…"), self)
        self.category_label.setStyleSheet(colour_style(MUTED))
        form = QFormLayout()
        form.addRow(self.tr("Customer name"), self.customer_edit)
        form.addRow(self.tr("What was done"), self.content_edit)
        form.addRow(self.tr("Category"), self.category_tree)
        form.addRow("", self.category_label)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = self._make_skip_button()
        self.reload_button = QPushButton(self.tr("Load the categories again"), self)
        self.reload_button.hide()
        self.reload_button.clicked.connect(self._load_categories)
        self.buttons.accepted.connect(self.submit)
        self.customer_edit.textChanged.connect(self._update_buttons)
        self.content_edit.textChanged.connect(self._update_buttons)
        self.category_tree.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.reload_button)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.resize(480, 520)

    def _make_skip_button(self) -> QPushButton | None:
        if self.mode == "required":
            self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
            return None
        button = self.buttons.addButton(self.tr("Skip"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self._skip)
        return button

    # --- the login behind it ----------------------------------------------------------------

    def set_service(self, service: LogService | None) -> None:
        """A login to save through (None: logged out; what is typed is kept)."""
        self._service = service
        self._saving = False
        if service is None:
            if self._save_wanted:
                self._say(self.tr("You are logged out: this log is kept and saved when you log in again."))
            self._update_buttons()
            return
        if self._categories is None:
            self._load_categories()
        elif self._save_wanted:
            self._send()
        self._update_buttons()

    def _load_categories(self) -> None:
        if self._service is None:
            return
        self.reload_button.hide()
        self.category_label.setText(self.tr("Loading the categories…"))
        self._service.runner.run(self._service.categories, self._on_categories_loaded,
                                 self._on_categories_failed)

    def _on_categories_loaded(self, categories: list[Category]) -> None:
        if self._done:
            return  # a late answer for a dialog already closed
        self._categories = list(categories)
        self.category_tree.clear()
        self._add_categories(self.category_tree.invisibleRootItem(), self._categories)
        self.category_tree.expandAll()
        self.category_tree.setVisible(bool(self._categories))
        self.category_label.setText("" if self._categories else self.tr("Your company has no categories."))
        self._update_buttons()
        if self._save_wanted and self._service is not None and not self._saving:
            self._send()

    def _add_categories(self, parent: QTreeWidgetItem, categories: Sequence[Category]) -> None:
        for category in categories:
            item = QTreeWidgetItem(parent, [category.name])
            item.setData(0, Qt.ItemDataRole.UserRole, category.id)
            self._add_categories(item, category.children)

    def _on_categories_failed(self, error: AgentError) -> None:
        if self._done:
            return
        self.category_label.setText(self.tr("Could not load the categories: {0}").format(error))
        self.reload_button.show()
        self._update_buttons()

    # --- what is typed ----------------------------------------------------------------------

    def category_id(self) -> int | None:
        items = self.category_tree.selectedItems()
        return int(items[0].data(0, Qt.ItemDataRole.UserRole)) if items else None

    def select_category(self, category_id: int) -> bool:
        """Select the category ``category_id`` in the tree; False when it is not there."""
        for item in self._all_items(self.category_tree.invisibleRootItem()):
            if item.data(0, Qt.ItemDataRole.UserRole) == category_id:
                self.category_tree.setCurrentItem(item)
                return True
        return False

    def _all_items(self, parent: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        for index in range(parent.childCount()):
            child = parent.child(index)
            if child is not None:
                found += [child, *self._all_items(child)]
        return found

    def missing(self) -> list[str]:
        """What a required log still lacks (see model.support_log_missing)."""
        return support_log_missing(self.mode, self.customer_edit.text(), self.content_edit.toPlainText(),
                                   self.category_id(), bool(self._categories))

    def can_save(self) -> bool:
        if self._saving or self._done:
            return False
        if self.mode == "required" and self._categories is None:
            return False  # whether a category is needed is not known yet
        return not self.missing()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self.can_save())

    # --- saving -----------------------------------------------------------------------------

    def submit(self) -> None:
        """Save now, or as soon as the agent is logged in again."""
        if not self.can_save():
            return
        self._save_wanted = True
        if self._service is None:
            self._say(self.tr("You are logged out: this log is kept and saved when you log in again."))
            return
        self._send()

    def _send(self) -> None:
        assert self._service is not None
        self._saving = True
        self._update_buttons()
        self._say(self.tr("Saving…"), warning=False)
        call = functools.partial(self._service.save, self.session.session_id, self.customer_edit.text().strip(),
                                 self.content_edit.toPlainText().strip(), self.category_id())
        self._service.runner.run(call, self._on_save_succeeded, self._on_save_failed)

    def _on_save_succeeded(self, _: object) -> None:
        if self._done:
            return  # saved twice (a retry after a new login): the first answer closed the dialog
        self._saving = False
        self._save_wanted = False
        self._done = True
        self.saved.emit(self.session.session_id)
        self.accept()

    def _on_save_failed(self, error: AgentError) -> None:
        if self._done:
            return
        self._saving = False
        status = error.status if isinstance(error, ApiError) else None
        if self._service is None or status == 401:  # the login ended meanwhile: save after the next one
            self._say(self.tr("You are logged out: this log is kept and saved when you log in again."))
            self._update_buttons()
            return
        self._save_wanted = False
        self._say(self.tr("Could not save the support log: {0} Correct it and press Save again.").format(error))
        if status in NEVER_SAVABLE and self.skip_button is None:
            self.skip_button = self.buttons.addButton(self.tr("Discard"), QDialogButtonBox.ButtonRole.RejectRole)
            self.buttons.rejected.connect(self._skip)
        self._update_buttons()

    def _say(self, text: str, warning: bool = True) -> None:
        self.status_label.setStyleSheet(colour_style(WARNING) if warning else "")
        self.status_label.setText(text)

    # --- closing ----------------------------------------------------------------------------

    def discard(self) -> None:
        """Close without saving, whatever the mode (the app quits)."""
        self._done = True
        self.close()

    def _skip(self) -> None:
        self._done = True
        super().reject()

    def reject(self) -> None:
        """Esc: skip an optional log; a required one stays."""
        if self.skip_button is not None and not self._saving:
            self._skip()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._done or (self.skip_button is not None and not self._saving):
            self._done = True
            super().closeEvent(event)
        else:
            event.ignore()


class SupportLogDesk(QObject):
    """The open support-log dialogs of this run of the app, across logins."""

    saved = Signal(str)  # session_id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dialogs: dict[str, SupportLogDialog] = {}
        self._service: LogService | None = None

    def attach(self, service: LogService) -> None:
        """A login began: its dialogs can save (those the agent already tried to save are saved now)."""
        self._service = service
        for dialog in list(self._dialogs.values()):
            dialog.set_service(service)

    def detach(self) -> None:
        """The login ended: dialogs stay open with their text until the next login."""
        self._service = None
        for dialog in list(self._dialogs.values()):
            dialog.set_service(None)

    def open(self, session: EndedSession, mode: str) -> SupportLogDialog | None:
        """Ask for the log of a session that just ended (nothing when ``mode`` is off or one is open)."""
        if mode not in ("optional", "required") or session.session_id in self._dialogs:
            return self._dialogs.get(session.session_id)
        dialog = SupportLogDialog(session, mode)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        dialog.finished.connect(functools.partial(self._on_dialog_finished, session.session_id))
        dialog.saved.connect(self.saved)
        self._dialogs[session.session_id] = dialog
        dialog.set_service(self._service)
        dialog.show()
        dialog.raise_()
        return dialog

    def dialog(self, session_id: str) -> SupportLogDialog | None:
        return self._dialogs.get(session_id)

    def dialogs(self) -> list[SupportLogDialog]:
        return list(self._dialogs.values())

    def close_all(self) -> None:
        """The app quits: close every dialog (what was not saved is lost, as the agent chose to quit)."""
        for dialog in list(self._dialogs.values()):
            dialog.discard()
        self._dialogs.clear()

    def _on_dialog_finished(self, session_id: str, _result: int) -> None:
        dialog = self._dialogs.pop(session_id, None)
        if dialog is not None:
            dialog.deleteLater()
