"""What the file-transfer core (transport.file_transfer) tells its owner: frozen events, on its worker thread."""

from __future__ import annotations

import dataclasses
import enum


class TransferState(enum.Enum):
    HASHING = "hashing"  # the sender reads the file for its digest
    OFFERED = "offered"  # the sender waits for the receiver's answer
    ASKING = "asking"  # the receiver's owner decides (accept / refuse)
    RUNNING = "running"
    VERIFYING = "verifying"  # every byte sent; the receiver checks the digest
    WAITING = "waiting"  # the link is being restored: nothing moves; the sender offers it again when it is back
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the link dropped; a received ``.part`` is kept for a resume


FINAL_STATES = frozenset({TransferState.DONE, TransferState.FAILED, TransferState.CANCELLED,
                          TransferState.INTERRUPTED})


@dataclasses.dataclass(frozen=True, slots=True)
class TransferUpdate:
    """Where one transfer stands: ``done`` of ``size`` bytes; ``offset`` where it (re)started; ``path`` the
    sender's file or, when done, the receiver's final file."""

    transfer_id: int
    outgoing: bool
    name: str
    size: int
    done: int
    state: TransferState
    reason: str = ""
    path: str = ""
    offset: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class OfferArrived:
    """The other side offers a file: ``name`` sanitised; ``conflict`` when a file of that name is already in
    the folder (ask: keep both or replace); ``resume_from`` the bytes a matching ``.part`` holds."""

    transfer_id: int
    name: str
    size: int
    conflict: bool
    resume_from: int
