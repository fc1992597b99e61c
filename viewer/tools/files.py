"""File transfer, the agent's side: send files (toolbar or drag and drop onto the picture), receive the files
the customer picks, see progress and cancel.

Rules: every send first asks the customer (PermissionRequest "file_send", the host's policy decides or asks)
and offers the files only when granted; files from the customer are taken only after a granted
"file_receive" and go to the folder the agent chose (FERRY_VIEWER_DOWNLOADS, else the Downloads folder).
Dropping files on the picture sends them when file_transfer and file_drag_drop are both on. Reading,
hashing and writing run on the transfer core's thread (transport.file_transfer); this module only asks,
routes and shows. While a dropped link is restored (auto_reconnect) transfers wait, and when it is back the
files this side was sending go on from where they stopped, without asking the customer again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from protocol.messages import (
    FileAccept,
    FileAck,
    FileCancel,
    FileChunk,
    FileOffer,
    FileResult,
    PermissionDecision,
    ToolResult,
)
from transport.events import LinkReconnecting, LinkResumed
from transport.file_events import OfferArrived, TransferState, TransferUpdate
from transport.file_names import downloads_folder
from transport.file_transfer import TransferEngine
from ui.bridge import EventBridge
from viewer.tools.files_panel import CANCEL, REPLACE, TransfersDialog, chosen, conflict_box

if TYPE_CHECKING:
    from viewer.window import ViewerWindow

ENV_DOWNLOADS = "FERRY_VIEWER_DOWNLOADS"
FILE_MESSAGES = (FileOffer, FileAccept, FileChunk, FileAck, FileResult, FileCancel)
DETAIL_NAMES = 5  # file names listed in the customer's question


def size_text(size: int) -> str:
    """A short size: 512 B, 1.4 MB, 2.1 GB."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def send_detail(paths: list[Path]) -> str:
    """What the customer's question names: "<name> (<size>)" for each of the first few files."""
    parts = [f"{path.name} ({size_text(path.stat().st_size)})" for path in paths[:DETAIL_NAMES]]
    if len(paths) > DETAIL_NAMES:
        parts.append(f"+{len(paths) - DETAIL_NAMES}")
    return ", ".join(parts)


def local_files(event: QDropEvent) -> list[Path]:
    """The regular local files a drag carries (folders and remote URLs are left out)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and Path(url.toLocalFile()).is_file()]


class ViewerFiles(QObject):
    """The agent's half of file transfer for one window; see the module rules."""

    def __init__(self, window: ViewerWindow) -> None:
        super().__init__(window)
        self._window = window
        self._bridge = EventBridge(self)
        self._bridge.connect_handler(self._on_bridge_posted)
        self.engine = TransferEngine(window.session.send, self._bridge.post, downloads_folder(ENV_DOWNLOADS),
                                     id_parity=1)
        self.receiving = False  # the customer granted file_receive: their offers are taken
        self.updates: dict[int, TransferUpdate] = {}
        self.boxes: list[QMessageBox] = []
        self.dialog: TransfersDialog | None = None
        self.send_action = QAction(self.tr("Send files…"), window)
        self.send_action.triggered.connect(self._on_send_action_triggered)
        self.receive_action = QAction(self.tr("Get files from the customer"), window)
        self.receive_action.triggered.connect(self._on_receive_action_triggered)
        self.transfers_action = QAction(self.tr("Transfers"), window)
        self.transfers_action.triggered.connect(self.show_dialog)
        self.shown = window.add_tool(self.send_action, "file_transfer")
        window.add_tool(self.receive_action, "file_transfer")
        window.add_tool(self.transfers_action, "file_transfer", live_only=False)
        self.drop_enabled = self.shown and window.policy.allows("file_drag_drop")
        if self.drop_enabled:
            window.view.setAcceptDrops(True)
            window.view.installEventFilter(self)
        for message_type in FILE_MESSAGES:
            window.on_message(message_type, self.engine.handle)
        window.on_message(ToolResult, self._on_tool_result)
        window.on_state(LinkReconnecting, self._on_link_reconnecting)
        window.on_state(LinkResumed, self._on_link_resumed)
        window.on_finish.append(self.close)

    # --- sending ----------------------------------------------------------------------------------

    def send_paths(self, paths: list[Path]) -> bool:
        """Ask the customer, then send ``paths``; False when nothing can be sent now."""
        paths = [path for path in paths if path.is_file()]
        if not paths or not self._window.live or not self.shown:
            return False
        self._window.request_permission("file_send", send_detail(paths),
                                        lambda decision: self._on_send_decision(decision, paths))
        self._window.show_status(self.tr("Asking the customer to accept {count} file(s)…").format(count=len(paths)))
        return True

    def _on_send_decision(self, decision: PermissionDecision, paths: list[Path]) -> None:
        if not decision.granted:
            self._window.show_status(self.tr("The customer did not accept the files: {reason}").format(
                reason=decision.reason))
            return
        self.show_dialog()
        for path in paths:
            self.engine.send_file(self.engine.new_id(), path)

    def _on_send_action_triggered(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(self._window, self.tr("Files to send to the customer"))
        self.send_paths([Path(name) for name in names])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Drops on the picture: local files are sent (after the customer's answer)."""
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDropEvent)  # QDragEnterEvent and QDragMoveEvent are drop events
            if self._window.live and local_files(event):
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = local_files(event)
            if paths and self.send_paths(paths):
                event.acceptProposedAction()
                return True
        return super().eventFilter(watched, event)

    # --- receiving --------------------------------------------------------------------------------

    def ask_to_receive(self) -> None:
        """Ask the customer to pick files for the agent."""
        if self._window.live and self.shown:
            self._window.request_permission("file_receive", "", self._on_receive_decision)
            self._window.show_status(self.tr("Asking the customer for files…"))

    def _on_receive_action_triggered(self) -> None:
        self.ask_to_receive()

    def _on_receive_decision(self, decision: PermissionDecision) -> None:
        if decision.granted:
            self.receiving = True
            self._window.show_status(self.tr("The customer is choosing the files to send you…"))
        else:
            self._window.show_status(self.tr("The customer did not agree to send files: {reason}").format(
                reason=decision.reason))

    def _on_tool_result(self, result: ToolResult) -> None:
        if result.tool == "file_receive" and not result.ok:
            self._window.show_status(self.tr("No file came: {reason}").format(reason=result.body))

    def _on_offer_arrived(self, offer: OfferArrived) -> None:
        if not self.receiving:
            self.engine.refuse(offer.transfer_id, "the agent did not ask for files")
            return
        self.show_dialog()
        if not offer.conflict:
            self.engine.accept(offer.transfer_id)
            return
        box = conflict_box(offer.name, str(self.engine.folder), self._window)
        box.finished.connect(lambda _r: self._on_conflict_answered(box, offer.transfer_id))
        self.boxes.append(box)
        box.show()

    def _on_conflict_answered(self, box: QMessageBox, transfer_id: int) -> None:
        if box in self.boxes:
            self.boxes.remove(box)
        choice = chosen(box)
        if choice == CANCEL:
            self.engine.refuse(transfer_id, "the agent already has a file of that name and cancelled")
        else:
            self.engine.accept(transfer_id, replace=choice == REPLACE)

    # --- both -------------------------------------------------------------------------------------

    def show_dialog(self) -> TransfersDialog:
        if self.dialog is None:
            self.dialog = TransfersDialog(self.engine.folder, self._window)
            self.dialog.cancel_requested.connect(self._on_dialog_cancel_requested)
            self.dialog.folder_chosen.connect(self._on_dialog_folder_chosen)
            for update in self.updates.values():
                self.dialog.show_update(update)
        self.dialog.show()
        return self.dialog

    def _on_dialog_cancel_requested(self, transfer_id: int) -> None:
        self.engine.cancel(transfer_id, "cancelled by the agent")

    def _on_dialog_folder_chosen(self, folder: str) -> None:
        self.engine.folder = Path(folder)
        if self.dialog is not None:
            self.dialog.show_folder(self.engine.folder)

    def _on_bridge_posted(self, event: object) -> None:
        if isinstance(event, OfferArrived):
            self._on_offer_arrived(event)
        elif isinstance(event, TransferUpdate):
            self._on_update(event)

    def _on_update(self, update: TransferUpdate) -> None:
        self.updates[update.transfer_id] = update
        if self.dialog is not None:
            self.dialog.show_update(update)
        if update.state is TransferState.DONE:
            self._window.show_status(self.tr("{name} was transferred.").format(name=update.name))
        elif update.state in (TransferState.FAILED, TransferState.CANCELLED):
            self._window.show_status(self.tr("{name} was not transferred: {reason}").format(
                name=update.name, reason=update.reason))

    def _on_link_reconnecting(self, _event: LinkReconnecting) -> None:
        """The link dropped and is being restored: running transfers wait (a ``.part`` stays)."""
        self.engine.link_lost()

    def _on_link_resumed(self, _event: LinkResumed) -> None:
        """The link is back: files this side was sending are offered again and go on from where they stopped."""
        self.engine.link_back()

    def close(self) -> None:
        """The session ended: stop transfers; a received ``.part`` stays for a resume."""
        self.engine.close()
        for box in list(self.boxes):
            box.close()


def install(window: ViewerWindow) -> ViewerFiles:
    return ViewerFiles(window)
