"""Runs input injection on its own thread, so the network thread never waits for the X server.

Rules: calls run in the order submitted; the queue is bounded — when the agent's input
comes faster than the desktop takes it, the newest calls are dropped and counted, never
buffered without end.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
QUEUE_LIMIT = 512


class InputWorker:
    """A thread that runs submitted calls one after the other."""

    def __init__(self) -> None:
        self._calls: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = queue.Queue(QUEUE_LIMIT)
        self._thread = threading.Thread(target=self._run, name="ferry-input", daemon=True)
        self.dropped = 0

    def start(self) -> None:
        self._thread.start()

    def submit(self, function: Callable[..., Any], *args: Any) -> None:
        """Run ``function(*args)`` on the input thread (thread-safe)."""
        try:
            self._calls.put_nowait((function, args))
        except queue.Full:
            self.dropped += 1

    def stop(self) -> None:
        """Finish what is queued, then end the thread (waits at most 2 s)."""
        if self._thread.is_alive():
            try:
                self._calls.put(None, timeout=1)
            except queue.Full:
                return
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while (call := self._calls.get()) is not None:
            function, args = call
            try:
                function(*args)
            except Exception:  # one bad call must not end injection for the session
                log.exception("input injection failed")
