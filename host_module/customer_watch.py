"""Notices the customer's own mouse movement, so that without simultaneous_control the agent's input waits.

The pointer is read a few times a second on a thread of its own. A move is the customer's when the pointer is
somewhere our last injected move did not put it (the agent's moves land exactly on their target). The thread
never touches widgets; ``on_customer`` is called on it (HostSession.note_customer_input is thread-safe).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from input_injection.errors import InjectionError

log = logging.getLogger(__name__)

Position = tuple[int, int]
INTERVAL_S = 0.04


def customer_moved(previous: Position | None, now: Position, agent_target: Position | None) -> bool:
    """True when the pointer moved from ``previous`` to ``now`` and ``now`` is not where the agent put it."""
    return previous is not None and now not in (previous, agent_target)


class CustomerPointerWatch:
    """Polls the pointer and calls ``on_customer`` when the customer moves it."""

    def __init__(self, read_position: Callable[[], Position], agent_target: Callable[[], Position | None],
                 on_customer: Callable[[], None], interval_s: float = INTERVAL_S) -> None:
        self._read = read_position
        self._agent_target = agent_target
        self._on_customer = on_customer
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ferry-customer-watch", daemon=True)
        self.noticed = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(1.0)

    def _run(self) -> None:
        previous: Position | None = None
        while not self._stop.wait(self._interval_s):
            try:
                now = self._read()
            except InjectionError as exc:
                log.info("stopped watching the customer's pointer: %s", exc)
                return
            if customer_moved(previous, now, self._agent_target()):
                self.noticed += 1
                self._on_customer()
            previous = now
