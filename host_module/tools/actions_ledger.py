"""Which PermissionRequest the customer (or the policy) answered how, by request id.

Rules: the host acts on a grant only for exactly what was asked — the URL the customer read, the
process they agreed to end — so a grant is kept per request, not per kind, and is used once.
A request's question (kind and detail) and its answer may arrive in either order: the policy answers
inside the session's own handler, before the tools see the request; the customer answers later.
When both are known and the answer is a grant, ``on_granted(request_id, kind, detail)`` is called
(on the thread that completed the pair). Thread-safe.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from host_module.session import HostSession

KEEP = 256  # answers of requests the tools never saw (other kinds) are forgotten beyond this many
Granted = Callable[[int, str, str], None]


class PermissionLedger:
    """Pairs each watched PermissionRequest with its answer; see the module rules."""

    def __init__(self, watched: frozenset[str], on_granted: Granted) -> None:
        self._watched = watched
        self._on_granted = on_granted
        self._lock = threading.Lock()
        self._asked: dict[int, tuple[str, str]] = {}
        self._answers: collections.OrderedDict[int, bool] = collections.OrderedDict()
        self._granted: dict[int, tuple[str, str]] = {}

    def asked(self, request_id: int, kind: str, detail: str) -> None:
        """The viewer asked ``kind`` (``detail``) with ``request_id``; the first question of an id counts."""
        if kind not in self._watched:
            return
        with self._lock:
            if request_id in self._asked or request_id in self._granted:
                return
            self._asked[request_id] = (kind, detail)
        self._pair(request_id)

    def answered(self, request_id: int, granted: bool) -> bool:
        """The request was answered; False when an answer for it is already waiting (this one is ignored)."""
        with self._lock:
            if request_id in self._answers or request_id in self._granted:
                return False
            self._answers[request_id] = granted
            while len(self._answers) > KEEP:
                self._answers.popitem(last=False)
        self._pair(request_id)
        return True

    def forget(self, request_id: int) -> None:
        """The answer did not go out after all (the session refused it): drop it."""
        with self._lock:
            self._answers.pop(request_id, None)
            self._granted.pop(request_id, None)

    def take_grant(self, request_id: int, kind: str) -> str | None:
        """The detail of a granted, unused request of ``kind``, which is now used; None when there is none."""
        with self._lock:
            found = self._granted.get(request_id)
            if found is None or found[0] != kind:
                return None
            del self._granted[request_id]
            return found[1]

    def _pair(self, request_id: int) -> None:
        with self._lock:
            if request_id not in self._asked or request_id not in self._answers:
                return
            kind, detail = self._asked.pop(request_id)
            granted = self._answers.pop(request_id)
            if granted:
                self._granted[request_id] = (kind, detail)
        if granted:
            self._on_granted(request_id, kind, detail)


def watch_answers(session: HostSession, ledger: Callable[[], PermissionLedger]) -> None:
    """Tell the ledger in use (``ledger()``) every answer ``session`` gives, by request id, before it leaves."""
    session.answer_listeners.append(lambda request_id, granted: ledger().answered(request_id, granted))
