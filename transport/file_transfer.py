"""File transfer over the session channel, both ways, free of Qt: offer, accept, chunks, acks, result, cancel.

Rules:
- All transfer state lives on one disk-worker thread: ``handle`` (network thread) and the owner's calls
  (GUI thread) only queue work there, so nothing blocks the network or the GUI, and reading, writing and
  hashing never run on either.
- The sender hashes the file (SHA-256, streamed), offers it, and sends chunks of CHUNK_SIZE from the
  offset the receiver accepts, never more than WINDOW bytes ahead of the receiver's FileAck: the video
  keeps its place on the link and nothing is ever loaded whole.
- The receiver writes to a ``.part`` name with a sidecar (transport.file_names) and hashes as it writes;
  a re-offer of the same file (name, size, SHA-256) is accepted from the bytes the ``.part`` holds. At the
  end the digest is checked: equal → moved to its final name (never over another file unless the owner
  said ``replace``) and FileResult(ok); different → ``.part`` deleted and FileResult(not ok). A cancel by
  either side deletes the ``.part``; a link that drops (``close``) keeps it for a resume.
- An outage (auto-reconnect): ``link_lost`` puts running transfers in WAITING (the ``.part`` stays, nothing
  is sent; a cancel's FileCancel is held for the restored link) and ``link_back`` sends what was held and
  offers each waiting outgoing file again under its id. The receiver takes a re-offer of a file it knows by
  that id (same name, size, SHA-256) from the bytes it wrote, without asking its owner again, or repeats
  how the transfer ended. The owner calls ``link_lost`` after handing in the old link's last message, so
  any message handled while the link is down came over the restored link.
- Transfer ids: each side numbers its own outgoing transfers with its own parity (``id_parity``), so a
  FileCancel is never ambiguous; an offer with this side's parity is refused.
- The owner learns everything through ``notify``: TransferUpdate (progress and states) and OfferArrived
  (answer with ``accept`` or ``refuse``), called on the worker thread — hand them to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from protocol.messages import FileAccept, FileAck, FileCancel, FileChunk, FileOffer, FileResult, Message
from transport.file_disk import DiskWorker, file_digest, prefix_digest
from transport.file_events import FINAL_STATES, OfferArrived, TransferState, TransferUpdate
from transport.file_names import part_paths, place, remove_quietly, resume_offset, sanitise_name, write_sidecar
from transport.file_outbox import Outbox
from transport.file_state import Transfer, chunk_problem, close_file

log = logging.getLogger(__name__)
CHUNK_SIZE = 128 * 1024
WINDOW = 1024 * 1024  # unacknowledged bytes a sender may have on the link
MAX_QUEUED = 8 * WINDOW  # chunk bytes a receiver holds waiting for the disk before it refuses more
PROGRESS_EVERY_S = 0.1
Send = Callable[[Message], object]


class TransferEngine:
    """Both directions of file transfer for one session end; see the module rules."""

    def __init__(self, send: Send, notify: Callable[[object], None], folder: Path, *, id_parity: int,
                 worker: DiskWorker | None = None, chunk_size: int = CHUNK_SIZE, window: int = WINDOW) -> None:
        self.folder = folder  # where received files go (the owner may change it between transfers)
        self._outbox = Outbox(send)  # holds how transfers ended during an outage
        self._notify = notify
        self._parity = id_parity % 2
        self._next_id = self._parity or 2
        self._worker = worker or DiskWorker()
        self._chunk = chunk_size
        self._window = window
        self._transfers: dict[int, Transfer] = {}
        self._closed = False
        self._lock = threading.Lock()
        self._queued = 0  # bytes of chunks handed in and not written yet

    # --- the owner's calls (any thread) -----------------------------------------------------------

    def new_id(self) -> int:
        """A fresh id for an outgoing transfer."""
        transfer_id, self._next_id = self._next_id, self._next_id + 2
        return transfer_id

    def send_file(self, transfer_id: int, path: Path) -> None:
        """Hash ``path`` and offer it to the other side."""
        self._worker.submit(self._start_sending, transfer_id, Path(path))

    def handle(self, message: Message) -> None:
        """A File* message from the other side (any thread; returns at once)."""
        if isinstance(message, FileChunk):
            with self._lock:
                flooded = self._queued + len(message.data) > MAX_QUEUED
                if not flooded:
                    self._queued += len(message.data)
            if flooded:  # a sender that ignores the window: no unbounded backlog in memory
                self._worker.submit(self._stop, message.transfer_id, "the sender ran ahead of the acknowledgements",
                                    TransferState.FAILED, True)
                return
        self._worker.submit(self._on_message, message)

    def accept(self, transfer_id: int, replace: bool = False) -> None:
        """Take an offered file; ``replace`` overwrites a file of the same name (the user said so)."""
        self._worker.submit(self._accept, transfer_id, replace)

    def refuse(self, transfer_id: int, reason: str) -> None:
        self._worker.submit(self._stop, transfer_id, reason, TransferState.CANCELLED, True)

    def cancel(self, transfer_id: int, reason: str = "cancelled") -> None:
        """Stop a transfer for both sides; a received ``.part`` is deleted."""
        self._worker.submit(self._stop, transfer_id, reason, TransferState.CANCELLED, True)

    def close(self, reason: str = "the session ended") -> None:
        """The link is gone: stop every transfer, keep received ``.part`` files for a resume, stop the worker."""
        self._worker.submit(self._close_all, reason)
        self._worker.stop()

    def link_lost(self) -> None:
        """The link is being restored: running transfers wait, keeping what they have (see the module rules)."""
        self._worker.submit(self._on_link_lost)

    def link_back(self) -> None:
        """The link is restored: held messages go out and waiting outgoing files are offered again."""
        self._worker.submit(self._on_link_back)

    def active(self) -> list[int]:
        """Ids of transfers not finished yet (a snapshot)."""
        return [t.transfer_id for t in list(self._transfers.values()) if t.state not in FINAL_STATES]

    # --- sending (worker thread) ------------------------------------------------------------------

    def _start_sending(self, transfer_id: int, path: Path) -> None:
        transfer = Transfer(transfer_id, True, path.name, 0, b"", TransferState.HASHING, path)
        self._transfers[transfer_id] = transfer
        try:
            transfer.size = path.stat().st_size
            self._report(transfer, force=True)
            transfer.sha256 = file_digest(path)
        except OSError as exc:
            self._finish(transfer, TransferState.FAILED, f"could not read {path}: {exc.strerror or exc}")
            return
        if transfer.state is not TransferState.HASHING:
            return  # cancelled meanwhile
        if self._outbox.down:
            transfer.state = TransferState.WAITING  # offered when the link is back
            self._report(transfer, force=True)
            return
        self._offer(transfer)

    def _offer(self, transfer: Transfer) -> None:
        transfer.state = TransferState.OFFERED
        self._send(FileOffer(transfer.transfer_id, transfer.name, transfer.size, transfer.sha256))
        self._report(transfer, force=True)

    def _on_accept(self, message: FileAccept) -> None:
        transfer = self._mine(message.transfer_id, TransferState.OFFERED)
        if transfer is None:
            return
        if not 0 <= message.offset <= transfer.size:
            self._stop(transfer.transfer_id, "the receiver asked for an offset beyond the file",
                       TransferState.FAILED, True)
            return
        try:
            close_file(transfer)  # a resumed transfer's earlier handle
            transfer.file = transfer.path.open("rb")
            transfer.file.seek(message.offset)
        except OSError as exc:
            self._stop(transfer.transfer_id, f"could not read the file: {exc.strerror or exc}",
                       TransferState.FAILED, True)
            return
        transfer.offset = transfer.done = transfer.sent = message.offset
        transfer.state = TransferState.RUNNING
        self._report(transfer, force=True)
        self._pump(transfer)

    def _pump(self, transfer: Transfer) -> None:
        while transfer.state is TransferState.RUNNING and transfer.sent - transfer.done < self._window:
            if transfer.sent >= transfer.size:
                transfer.state = TransferState.VERIFYING
                break
            assert transfer.file is not None
            data = transfer.file.read(min(self._chunk, transfer.size - transfer.sent))
            if not data:
                self._stop(transfer.transfer_id, "the file became shorter while it was sent",
                           TransferState.FAILED, True)
                return
            self._send(FileChunk(transfer.transfer_id, transfer.sent, data))
            transfer.sent += len(data)

    def _on_ack(self, message: FileAck) -> None:
        transfer = self._transfers.get(message.transfer_id)
        if transfer is None or not transfer.outgoing or transfer.state not in (TransferState.RUNNING,
                                                                              TransferState.VERIFYING):
            return
        transfer.done = max(transfer.done, min(message.received, transfer.sent))
        self._report(transfer)
        self._pump(transfer)

    def _on_result(self, message: FileResult) -> None:
        transfer = self._transfers.get(message.transfer_id)
        if transfer is None or not transfer.outgoing or transfer.state in FINAL_STATES:
            return
        if message.ok:
            transfer.done = transfer.size
        self._finish(transfer, TransferState.DONE if message.ok else TransferState.FAILED, message.reason)

    # --- receiving (worker thread) ----------------------------------------------------------------

    def _on_offer(self, message: FileOffer) -> None:
        known = self._transfers.get(message.transfer_id)
        if known is not None and not known.outgoing and known.same_file(sanitise_name(message.name), message.size,
                                                                        message.sha256):
            self._on_offered_again(known)
            return
        problem = self._offer_problem(message)
        if problem:
            self._send(FileCancel(message.transfer_id, problem))
            return
        name = sanitise_name(message.name)
        part, sidecar = part_paths(self.folder, name, message.sha256)
        transfer = Transfer(message.transfer_id, False, name, message.size, message.sha256, TransferState.ASKING,
                             self.folder / name, part=part, sidecar=sidecar)
        transfer.offset = resume_offset(part, sidecar, name, message.size, message.sha256)
        self._transfers[message.transfer_id] = transfer
        self._notify(OfferArrived(message.transfer_id, name, message.size, transfer.path.exists(), transfer.offset))

    def _on_offered_again(self, transfer: Transfer) -> None:
        """The sender offers a file it offered before an outage: carry on, or repeat how it ended."""
        transfer_id = transfer.transfer_id
        if transfer.state in (TransferState.RUNNING, TransferState.WAITING):
            transfer.state = TransferState.RUNNING
            transfer.offset = transfer.done
            self._send(FileAccept(transfer_id, transfer.done))
            self._report(transfer, force=True)
        elif transfer.state is TransferState.DONE:
            self._send(FileResult(transfer_id, True))
        elif transfer.state is TransferState.FAILED:
            self._send(FileResult(transfer_id, False, transfer.reason))
        elif transfer.state in FINAL_STATES:
            self._send(FileCancel(transfer_id, transfer.reason or "cancelled"))
        # ASKING: the owner's answer goes out when it is given

    def _offer_problem(self, message: FileOffer) -> str:
        if message.transfer_id % 2 == self._parity or message.transfer_id in self._transfers:
            return "this transfer id is already in use"
        if message.size < 0 or len(message.sha256) != 32:
            return "the offer has no valid size or SHA-256 digest"
        if self._closed:
            return "the session is ending"
        return ""

    def _accept(self, transfer_id: int, replace: bool) -> None:
        transfer = self._transfers.get(transfer_id)
        if transfer is None or transfer.outgoing or transfer.state is not TransferState.ASKING:
            return
        assert transfer.part is not None and transfer.sidecar is not None
        transfer.replace = replace
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            transfer.hasher = prefix_digest(transfer.part, transfer.offset)
            transfer.file = transfer.part.open("r+b" if transfer.offset else "wb")
            transfer.file.truncate(transfer.offset)
            transfer.file.seek(transfer.offset)
            write_sidecar(transfer.sidecar, transfer.name, transfer.size, transfer.sha256)
        except OSError as exc:
            transfer.state = TransferState.RUNNING  # so that what was written is deleted
            self._stop(transfer_id, f"could not write to {self.folder}: {exc.strerror or exc}",
                       TransferState.FAILED, True)
            return
        transfer.done = transfer.offset
        transfer.state = TransferState.RUNNING
        self._send(FileAccept(transfer_id, transfer.offset))
        self._report(transfer, force=True)
        if transfer.done == transfer.size:
            self._complete(transfer)

    def _on_chunk(self, message: FileChunk) -> None:
        transfer = self._transfers.get(message.transfer_id)
        if transfer is not None and not transfer.outgoing and (
                transfer.state in FINAL_STATES or transfer.state is TransferState.WAITING):
            return  # chunks that were on the way when it stopped or the link dropped
        if transfer is None or transfer.outgoing or transfer.state is not TransferState.RUNNING:
            self._send(FileCancel(message.transfer_id, "no file with this id was accepted"))
            return
        problem = chunk_problem(transfer, message)
        if problem:
            self._stop(transfer.transfer_id, problem, TransferState.FAILED, True)
            return
        assert transfer.file is not None and transfer.hasher is not None
        try:
            transfer.file.write(message.data)
        except OSError as exc:
            self._stop(transfer.transfer_id, f"could not write the file: {exc.strerror or exc}",
                       TransferState.FAILED, True)
            return
        transfer.hasher.update(message.data)
        transfer.done += len(message.data)
        self._send(FileAck(transfer.transfer_id, transfer.done))
        self._report(transfer)
        if transfer.done == transfer.size:
            self._complete(transfer)

    def _complete(self, transfer: Transfer) -> None:
        assert transfer.file is not None and transfer.hasher is not None and transfer.part is not None
        transfer.state = TransferState.VERIFYING
        transfer.file.close()
        transfer.file = None
        if transfer.hasher.digest() != transfer.sha256:
            self._stop(transfer.transfer_id, "the SHA-256 digest of the received file does not match; "
                                             "send it again", TransferState.FAILED, False)
            self._send(FileResult(transfer.transfer_id, False, "the SHA-256 digest does not match"))
            return
        try:
            transfer.path = place(transfer.part, transfer.path, transfer.replace)
        except OSError as exc:
            self._stop(transfer.transfer_id, f"could not save the file: {exc}", TransferState.FAILED, False)
            self._send(FileResult(transfer.transfer_id, False, "the receiver could not save the file"))
            return
        assert transfer.sidecar is not None
        remove_quietly(transfer.sidecar)
        self._send(FileResult(transfer.transfer_id, True))
        self._finish(transfer, TransferState.DONE)

    # --- both directions (worker thread) ----------------------------------------------------------

    def _on_message(self, message: Message) -> None:
        if isinstance(message, FileChunk):
            with self._lock:
                self._queued -= len(message.data)
        self._outbox.up()  # it came over a live link (see the module rules)
        handler = _HANDLERS.get(type(message))
        if handler is not None:
            handler(self, message)

    def _on_cancel(self, message: FileCancel) -> None:
        reason = message.reason or "cancelled by the other side"
        self._stop(message.transfer_id, reason, TransferState.CANCELLED, False)

    def _mine(self, transfer_id: int, state: TransferState) -> Transfer | None:
        transfer = self._transfers.get(transfer_id)
        if transfer is None or not transfer.outgoing or transfer.state is not state:
            return None
        return transfer

    def _stop(self, transfer_id: int, reason: str, state: TransferState, tell_peer: bool) -> None:
        """End a transfer that is not finished; a ``.part`` it was writing and its sidecar are deleted (one
        left by an earlier session stays when the offer is only refused)."""
        transfer = self._transfers.get(transfer_id)
        if transfer is None or transfer.state in FINAL_STATES:
            return
        if tell_peer:
            self._send(FileCancel(transfer_id, reason))
        close_file(transfer)
        writing = transfer.state in (TransferState.RUNNING, TransferState.VERIFYING, TransferState.WAITING)
        if writing and not transfer.outgoing and transfer.part is not None and transfer.sidecar is not None:
            remove_quietly(transfer.part, transfer.sidecar)
        self._finish(transfer, state, reason)

    def _on_link_lost(self) -> None:
        self._outbox.down = True
        for transfer in list(self._transfers.values()):
            moving = transfer.state in (TransferState.RUNNING, TransferState.VERIFYING)
            if moving or (transfer.outgoing and transfer.state is TransferState.OFFERED):
                if transfer.outgoing:
                    close_file(transfer)  # reopened at the offset the receiver accepts
                transfer.state = TransferState.WAITING
                self._report(transfer, force=True)

    def _on_link_back(self) -> None:
        self._outbox.up()
        for transfer in list(self._transfers.values()):
            if transfer.outgoing and transfer.state is TransferState.WAITING:
                self._offer(transfer)

    def _send(self, message: Message) -> None:
        self._outbox.send(message)

    def _close_all(self, reason: str) -> None:
        self._closed = True
        self._outbox.clear()  # the session is over: nobody to tell
        for transfer in list(self._transfers.values()):
            if transfer.state not in FINAL_STATES:
                close_file(transfer)
                self._finish(transfer, TransferState.INTERRUPTED, reason)

    def _finish(self, transfer: Transfer, state: TransferState, reason: str = "") -> None:
        close_file(transfer)
        transfer.state = state
        transfer.reason = reason
        self._report(transfer, force=True, reason=reason)

    def _report(self, transfer: Transfer, force: bool = False, reason: str = "") -> None:
        now = time.monotonic()
        if not force and now - transfer.notified_at < PROGRESS_EVERY_S and transfer.done < transfer.size:
            return
        transfer.notified_at = now
        self._notify(TransferUpdate(transfer.transfer_id, transfer.outgoing, transfer.name, transfer.size,
                                    transfer.done, transfer.state, reason, str(transfer.path), transfer.offset))


_HANDLERS: dict[type, Callable[[TransferEngine, Message], None]] = {
    FileOffer: TransferEngine._on_offer,  # type: ignore[dict-item]
    FileAccept: TransferEngine._on_accept,  # type: ignore[dict-item]
    FileChunk: TransferEngine._on_chunk,  # type: ignore[dict-item]
    FileAck: TransferEngine._on_ack,  # type: ignore[dict-item]
    FileResult: TransferEngine._on_result,  # type: ignore[dict-item]
    FileCancel: TransferEngine._on_cancel,  # type: ignore[dict-item]
}
