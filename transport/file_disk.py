"""Disk work for file transfers: one worker thread running jobs in order, and streamed SHA-256 digests.

Rules: jobs run one after another on the worker's own thread (started by the first job), never on the
network or GUI thread; files are read in blocks, never whole.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
HASH_BLOCK = 1024 * 1024


class DiskWorker:
    """One thread running queued jobs in order (started by the first job); a failing job is logged and the
    next one runs."""

    def __init__(self, name: str = "ferry-files") -> None:
        self._jobs: queue.Queue[tuple[Callable[..., object], tuple[object, ...]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._lock = threading.Lock()
        self._stopped = False

    def submit(self, job: Callable[..., object], *args: object) -> None:
        with self._lock:
            if self._stopped:
                return
            if self._thread.ident is None:
                self._thread.start()
            self._jobs.put((job, args))

    def stop(self, timeout: float = 5.0) -> None:
        """Run what is queued, then stop (idempotent)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            started = self._thread.ident is not None
            self._jobs.put(None)
        if started and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, args = item
            try:
                job(*args)
            except Exception:  # one transfer's bug must not stop the others
                log.exception("a file transfer job failed")


def file_digest(path: Path) -> bytes:
    """SHA-256 of a file, read in blocks (never whole)."""
    hasher = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(HASH_BLOCK):
            hasher.update(block)
    return hasher.digest()


def prefix_digest(path: Path, length: int) -> hashlib._Hash:
    """A running SHA-256 over the first ``length`` bytes of ``path`` (a resumed ``.part``)."""
    hasher = hashlib.sha256()
    if length == 0:
        return hasher
    with path.open("rb") as file:
        left = length
        while left and (block := file.read(min(HASH_BLOCK, left))):
            hasher.update(block)
            left -= len(block)
    if left:
        raise OSError(f"{path.name} is shorter than expected")
    return hasher
