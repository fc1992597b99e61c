"""Run blocking calls (network) off the GUI thread; results come back through queued signals.

Rules: ``fn`` runs in a pool thread and must not touch any widget ("Be careful not to call
any UI routines in fn, as that may crash Qt"); ``on_success`` / ``on_failure`` run on the
thread that owns the runner (the GUI thread). Only AgentError is reported as a failure;
any other exception is a bug: it is logged and reported as an AgentError saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, SignalInstance, Slot

from agent.errors import AgentError

log = logging.getLogger(__name__)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], done: SignalInstance) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job_id = job_id
        self._fn = fn
        self._done = done

    def run(self) -> None:
        ok, payload = self._call()
        try:
            self._done.emit(self._job_id, ok, payload)
        except (RuntimeError, TypeError):  # the runner was deleted while we worked (PySide raises either)
            log.debug("background job %d finished after its runner was deleted", self._job_id)

    def _call(self) -> tuple[bool, object]:
        try:
            return True, self._fn()
        except AgentError as exc:
            return False, exc
        except Exception as exc:  # a bug in fn: report it rather than lose it in the pool thread
            log.exception("background job failed")
            text = QCoreApplication.translate("BackgroundRunner", "Internal error: {0}: {1}")
            return False, AgentError(text.format(type(exc).__name__, exc))


class BackgroundRunner(QObject):
    """A small private thread pool; ``max_threads=1`` runs jobs one after another, in order."""

    _job_done = Signal(int, bool, object)

    def __init__(self, parent: QObject | None = None, max_threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[AgentError], None]]] = {}
        self._next_id = 0
        self._job_done.connect(self._on_self_job_done)  # emitted from pool threads: queued to ours

    def run(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[AgentError], None],
    ) -> None:
        """Run ``fn()`` in the pool; then call one of the callbacks on this object's thread."""
        self._next_id += 1
        self._callbacks[self._next_id] = (on_success, on_failure)
        self._pool.start(_Job(self._next_id, fn, self._job_done))

    @property
    def busy(self) -> bool:
        """Jobs are running or queued, or their results not yet delivered."""
        return bool(self._callbacks)

    def wait(self, msecs: int = 5000) -> bool:
        """Block until queued jobs finish (for shutdown); True when the pool went idle."""
        return self._pool.waitForDone(msecs)

    def forget(self) -> None:
        """Drop the callbacks of jobs still running: their results will be ignored."""
        self._callbacks.clear()

    @Slot(int, bool, object)
    def _on_self_job_done(self, job_id: int, ok: bool, payload: object) -> None:
        callbacks = self._callbacks.pop(job_id, None)
        if callbacks is None:
            return
        on_success, on_failure = callbacks
        if ok:
            on_success(payload)
        else:
            on_failure(payload if isinstance(payload, AgentError) else AgentError(str(payload)))
