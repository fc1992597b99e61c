"""One file transfer's state as the engine (transport.file_transfer) keeps it on its worker thread."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from pathlib import Path
from typing import BinaryIO

from protocol.messages import FileChunk
from transport.file_events import TransferState

log = logging.getLogger(__name__)
MAX_CHUNK = 1024 * 1024  # a receiver refuses bigger chunks


@dataclasses.dataclass
class Transfer:
    transfer_id: int
    outgoing: bool
    name: str
    size: int
    sha256: bytes
    state: TransferState
    path: Path  # the sender's file; the receiver's final name
    file: BinaryIO | None = None
    done: int = 0  # sender: acknowledged; receiver: written
    sent: int = 0  # sender only
    offset: int = 0
    part: Path | None = None
    sidecar: Path | None = None
    replace: bool = False
    hasher: hashlib._Hash | None = None
    notified_at: float = 0.0
    reason: str = ""  # why it ended

    def same_file(self, name: str, size: int, sha256: bytes) -> bool:
        """An offer of this very file (``name`` sanitised)."""
        return (self.name, self.size, self.sha256) == (name, size, sha256)


def close_file(transfer: Transfer) -> None:
    """Close the file a transfer reads or writes, if open."""
    if transfer.file is not None:
        try:
            transfer.file.close()
        except OSError as exc:
            log.warning("could not close %s: %s", transfer.path, exc)
        transfer.file = None


def chunk_problem(transfer: Transfer, message: FileChunk) -> str:
    """Why a received chunk cannot be written ("" when it can)."""
    if message.offset != transfer.done:
        return f"a chunk arrived at byte {message.offset}, expected {transfer.done}"
    if len(message.data) > MAX_CHUNK or transfer.done + len(message.data) > transfer.size:
        return "a chunk was too large for the offered file"
    return ""
