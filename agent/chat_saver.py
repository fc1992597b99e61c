"""Saving chat lines on the server without losing any: a queue with batches, backoff and a time limit.

``SaveQueue`` holds the rule (no Qt; time passed in); ``ChatSaver`` drives it on the BackgroundRunner. A batch
that fails because the server is unreachable or busy is retried with backoff; a line not saved within
SAVE_LIMIT_S is reported failed; a refusal (another 4xx) fails the batch at once with the server's sentence.
Resending a batch is harmless: the server skips client ids it already holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from agent.background import BackgroundRunner
from agent.errors import AgentError, ApiError
from agent.server_data import ChatLine

log = logging.getLogger(__name__)

SAVE_LIMIT_S = 120.0
BATCH_SIZE = 50
BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
SAVE_TICK_MS = 500
RETRYABLE_STATUS = frozenset({408, 429})
SaveFunction = Callable[[str, Sequence[ChatLine]], object]


def iso_time(ms: int) -> str:
    """Milliseconds since the epoch as an ISO time in UTC (what the server wants for ``sent_at``)."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat()


def retryable(error: AgentError) -> bool:
    """Worth trying again later: no answer at all, a server error, a timeout or too many requests."""
    status = error.status if isinstance(error, ApiError) else None
    return status is None or status >= 500 or status in RETRYABLE_STATUS


# --- the save queue (no Qt: time is passed in) ------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Batch:
    """Lines of one session sent to the server together."""

    session_id: str
    lines: tuple[ChatLine, ...]


@dataclasses.dataclass
class _Waiting:
    session_id: str
    line: ChatLine
    queued_at: float


class SaveQueue:
    """Lines waiting to be saved, oldest first; at most one batch in flight; backoff after failures."""

    def __init__(self, limit_s: float = SAVE_LIMIT_S, batch_size: int = BATCH_SIZE,
                 backoff_s: Sequence[float] = BACKOFF_S) -> None:
        self._limit = limit_s
        self._batch_size = batch_size
        self._backoff = tuple(backoff_s)
        self._waiting: list[_Waiting] = []
        self._in_flight: Batch | None = None
        self._failures = 0
        self._next_try = 0.0

    def __len__(self) -> int:
        return len(self._waiting)

    @property
    def limit_s(self) -> float:
        """How long a line may wait before it is marked failed."""
        return self._limit

    def add(self, session_id: str, line: ChatLine, now: float) -> None:
        """Queue a line (a client id already queued for the session is ignored)."""
        if not any(w.session_id == session_id and w.line.client_id == line.client_id for w in self._waiting):
            self._waiting.append(_Waiting(session_id, line, now))

    def take(self, now: float) -> Batch | None:
        """The next batch to send, or None (one in flight, backing off, or nothing waiting)."""
        if self._in_flight is not None or now < self._next_try or not self._waiting:
            return None
        session_id = self._waiting[0].session_id
        lines = [w.line for w in self._waiting if w.session_id == session_id][: self._batch_size]
        self._in_flight = Batch(session_id, tuple(lines))
        return self._in_flight

    def saved(self, batch: Batch) -> list[str]:
        """The batch is stored: forget its lines; their client ids."""
        self._failures, self._next_try = 0, 0.0
        return self._remove(batch)

    def refused(self, batch: Batch) -> list[str]:
        """The server refused the batch for good: forget its lines; their client ids (to mark failed)."""
        return self._remove(batch)

    def retry_later(self, now: float) -> list[tuple[str, str]]:
        """The batch could not be saved now: back off; (session id, client id) of lines past the limit."""
        self._in_flight = None
        self._failures += 1
        self._next_try = now + self._backoff[min(self._failures, len(self._backoff)) - 1]
        expired = [w for w in self._waiting if now - w.queued_at >= self._limit]
        self._waiting = [w for w in self._waiting if w not in expired]
        return [(w.session_id, w.line.client_id) for w in expired]

    def _remove(self, batch: Batch) -> list[str]:
        self._in_flight = None
        ids = {line.client_id for line in batch.lines}
        self._waiting = [w for w in self._waiting if not (w.session_id == batch.session_id
                                                          and w.line.client_id in ids)]
        return [line.client_id for line in batch.lines]


class ChatSaver(QObject):
    """Drives a SaveQueue: ``save`` runs on the BackgroundRunner; results come back as signals."""

    saved = Signal(str, str)  # session id, client id
    failed = Signal(str, str, str)  # session id, client id, reason

    def __init__(self, save: SaveFunction, runner: BackgroundRunner, clock: Callable[[], float],
                 queue: SaveQueue | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._runner = runner
        self._clock = clock
        self.queue = queue or SaveQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(SAVE_TICK_MS)
        self._timer.timeout.connect(self.poke)

    def add(self, session_id: str, line: ChatLine) -> None:
        """Queue a line and try to save it now."""
        self.queue.add(session_id, line, self._clock())
        self._timer.start()
        self.poke()

    def poke(self) -> None:
        """Send the next batch when one is due (the timer calls this; tests call it after moving the clock)."""
        batch = self.queue.take(self._clock())
        if batch is None:
            if not len(self.queue):
                self._timer.stop()
            return
        self._runner.run(functools.partial(self._save, batch.session_id, batch.lines),
                         functools.partial(self._on_save_done, batch),
                         functools.partial(self._on_save_failed, batch))

    def _on_save_done(self, batch: Batch, _stored: object) -> None:
        for client_id in self.queue.saved(batch):
            self.saved.emit(batch.session_id, client_id)
        self.poke()

    def _on_save_failed(self, batch: Batch, error: AgentError) -> None:
        if not retryable(error):
            reason = self.tr("Not saved on the server: {0}").format(error)
            for client_id in self.queue.refused(batch):
                self.failed.emit(batch.session_id, client_id, reason)
            self.poke()
            return
        log.warning("chat lines not saved yet, will retry: %s", error)
        expired = self.queue.retry_later(self._clock())
        reason = self.tr("Not saved on the server: it could not be reached for {0} seconds ({1}).").format(
            round(self.queue.limit_s), error)
        for session_id, client_id in expired:
            self.failed.emit(session_id, client_id, reason)


# --- the window and the coordinator ---------------------------------------------------------
