"""File transfer, the customer's side: files the agent sends land in the Downloads folder; files the customer
picks go to the agent.

Rules: the host enforces, whatever the viewer sends — a FileOffer or FileChunk is refused with a FileCancel
and a reason unless file_transfer is on and the customer (or the policy) granted file_send in this
session; files go to the agent only after a file_receive grant and only those the customer picks in the
file dialog. Nothing is written over an existing file without the customer's answer (keep both, replace,
cancel). The transfer core (transport.file_transfer) does the disk work on its own thread; this module
only routes messages (network thread: never blocks) and shows progress (GUI thread). A dropped link that is
restored (auto_reconnect) keeps the session's grants: transfers wait meanwhile and then go on.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDir
from PySide6.QtWidgets import QFileDialog, QMessageBox

from host_module.tools.files_panel import CANCEL, REPLACE, HostTransferPanel, chosen, conflict_box
from protocol.messages import FileAccept, FileAck, FileCancel, FileChunk, FileOffer, FileResult, Message, ToolResult
from transport.events import LinkReconnecting, LinkResumed
from transport.file_events import OfferArrived, TransferUpdate
from transport.file_names import downloads_folder
from transport.file_transfer import TransferEngine

if TYPE_CHECKING:
    from host_module.app import HostApp

ENV_DOWNLOADS = "FERRY_HOST_DOWNLOADS"  # where the agent's files go (tests); default: the Downloads folder
FILE_MESSAGES = (FileOffer, FileAccept, FileChunk, FileAck, FileResult, FileCancel)
NOT_ALLOWED = "the policy of this session does not allow file transfer"
NOT_GRANTED = "the customer has not allowed files to be sent in this session"


class HostFiles:
    """The customer's half of file transfer for one session; see the module rules."""

    def __init__(self, app: HostApp) -> None:
        self._app = app
        self.folder = downloads_folder(ENV_DOWNLOADS)
        self.engine = TransferEngine(self._send, app.bridge.post, self.folder, id_parity=0)
        self.panel: HostTransferPanel | None = None
        self.picker: QFileDialog | None = None
        self.boxes: list[QMessageBox] = []  # open "file already exists" questions
        self.updates: dict[int, TransferUpdate] = {}  # the latest of each transfer
        self.offers: dict[int, OfferArrived] = {}
        self.refused = 0  # File* messages refused because nothing was granted
        for message_type in FILE_MESSAGES:
            app.session.add_handler(message_type, self._on_message)
        app.on_gui(OfferArrived, self._on_offer_arrived)  # type: ignore[arg-type]
        app.on_gui(TransferUpdate, self._on_update)  # type: ignore[arg-type]
        app.on_gui(LinkReconnecting, self._on_link_reconnecting)
        app.on_gui(LinkResumed, self._on_link_resumed)
        app.on_permission.append(self._on_permission)
        app.on_finish.append(self.close)
        app.on_transfer.append(self._on_transfer)

    def _on_transfer(self) -> None:
        """Another agent took over: the old agent's transfers stop (a ``.part`` stays for a resume) and the new
        agent's transfer ids start afresh."""
        self.engine.close("the session was handed to another agent")
        self.engine = TransferEngine(self._send, self._app.bridge.post, self.folder, id_parity=0)
        for box in list(self.boxes):
            box.close()
        if self.picker is not None:
            self.picker.close()

    def _send(self, message: Message) -> None:
        self._app.session.send(message)

    def _on_message(self, message: object) -> None:
        """Network thread: refuse what was not granted, hand the rest to the transfer core."""
        assert isinstance(message, FILE_MESSAGES)
        refusal = self._refusal(message)
        if refusal:
            self.refused += 1
            self._send(FileCancel(message.transfer_id, refusal))
            return
        self.engine.handle(message)

    def _refusal(self, message: Message) -> str:
        if not isinstance(message, (FileOffer, FileChunk)):
            return ""  # answers to the customer's own offers, acks and cancels: the core checks their ids
        if not self._app.policy.file_transfer:
            return NOT_ALLOWED
        if "file_send" not in self._app.session.granted_kinds:
            return NOT_GRANTED
        return ""

    def _on_offer_arrived(self, offer: OfferArrived) -> None:
        self.offers[offer.transfer_id] = offer
        if not offer.conflict:
            self.engine.accept(offer.transfer_id)
            return
        box = conflict_box(offer.name, str(self.folder), self._app.notice)
        box.finished.connect(lambda _r: self._on_conflict_answered(box, offer.transfer_id))
        self.boxes.append(box)
        box.show()
        box.raise_()

    def _on_conflict_answered(self, box: QMessageBox, transfer_id: int) -> None:
        if box in self.boxes:
            self.boxes.remove(box)
        choice = chosen(box)
        if choice == CANCEL:
            self.engine.refuse(transfer_id, "the customer already has a file of that name and cancelled")
        else:
            self.engine.accept(transfer_id, replace=choice == REPLACE)

    def _on_update(self, update: TransferUpdate) -> None:
        self.updates[update.transfer_id] = update
        if self.panel is None:
            self.panel = HostTransferPanel()
            self.panel.cancel_requested.connect(self._on_panel_cancel_requested)
            self._place_panel()
        self.panel.show_update(update)

    def _place_panel(self) -> None:
        assert self.panel is not None
        notice = self._app.notice.frameGeometry()
        self.panel.move(notice.left(), notice.bottom() + 8)

    def _on_panel_cancel_requested(self, transfer_id: int) -> None:
        self.engine.cancel(transfer_id, "cancelled by the customer")

    def _on_permission(self, kind: str, granted: bool) -> None:
        """A file_receive grant: the customer picks the files the agent gets."""
        if kind != "file_receive" or not granted or self._app.ended_reason is not None:
            return
        if self.picker is not None:
            self.picker.raise_()
            return
        title = QCoreApplication.translate("HostFiles", "Choose the files to send to {agent}").format(
            agent=self._app.ticket.agent_name)
        picker = QFileDialog(self._app.notice, title, QDir.homePath())
        picker.setFileMode(QFileDialog.FileMode.ExistingFiles)
        picker.setOption(QFileDialog.Option.DontUseNativeDialog)  # the same dialog everywhere (and in tests)
        picker.filesSelected.connect(self._on_picker_files_selected)
        picker.finished.connect(self._on_picker_finished)
        self.picker = picker
        picker.show()
        picker.raise_()

    def _on_picker_files_selected(self, paths: list[str]) -> None:
        for path in paths:
            self.engine.send_file(self.engine.new_id(), Path(path))

    def _on_picker_finished(self, result: int) -> None:
        if result != QFileDialog.DialogCode.Accepted:
            self._send(ToolResult(0, "file_receive", False, "the customer chose no file"))
        self.picker = None

    def _on_link_reconnecting(self, _event: object) -> None:
        """The link dropped and is being restored: running transfers wait (a ``.part`` stays)."""
        self.engine.link_lost()

    def _on_link_resumed(self, _event: object) -> None:
        """The link is back: files the customer was sending are offered again (the grants still hold)."""
        self.engine.link_back()

    def close(self) -> None:
        """The session ended: stop transfers (a ``.part`` stays for a resume) and close the windows."""
        self.engine.close()
        for box in list(self.boxes):
            box.close()
        if self.picker is not None:
            self.picker.close()
        if self.panel is not None:
            self.panel.close()


def install(app: HostApp) -> HostFiles:
    return HostFiles(app)
