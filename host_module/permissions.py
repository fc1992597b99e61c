"""Requests the customer answers during a session, and the record of every grant and revoke.

Rules: each PermissionRequest is answered exactly once (a second answer, or an answer to a request
never asked, is ignored); every grant, refusal and revoke — the customer's or the policy's — is one
line in the customer's log file and one ``{"event": "permission", …}`` record on the host's event
stream (``--events-stdout``), from which the session record is written. Thread-safe.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from host_module.cleanup import receipt_log_path

log = logging.getLogger(__name__)
ENV_LOG = "FERRY_HOST_LOG"  # where the customer's log goes (tests); default: customer_log_path()
Emit = Callable[[dict[str, object]], None]


@dataclasses.dataclass(frozen=True, slots=True)
class PermissionAsked:
    """The agent asks for ``kind`` (``detail`` says what) and the customer must answer."""

    request_id: int
    kind: str
    detail: str = ""


def customer_log_path(env: dict[str, str] | None = None) -> Path:
    """The customer's Ferry log: FERRY_HOST_LOG, else the one the self-deletion receipt goes to (the user's
    state folder: it outlives the module)."""
    env = dict(os.environ) if env is None else env
    return Path(env[ENV_LOG]) if env.get(ENV_LOG) else receipt_log_path(env=env)


class PendingRequests:
    """The PermissionRequests asked and not answered yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, str] = {}

    def add(self, request_id: int, kind: str) -> bool:
        """Remember a request; False when one with this id is already waiting."""
        with self._lock:
            if request_id in self._pending:
                return False
            self._pending[request_id] = kind
            return True

    def take(self, request_id: int) -> str | None:
        """The kind of a waiting request, which is no longer waiting; None when there is none."""
        with self._lock:
            return self._pending.pop(request_id, None)

    def clear(self) -> list[int]:
        with self._lock:
            ids = list(self._pending)
            self._pending.clear()
            return ids


class GrantLog:
    """Writes every grant and revoke to the customer's log file and the event stream."""

    def __init__(self, session_id: str, path: Path | None, emit: Emit | None = None) -> None:
        self._session_id = session_id
        self._path = path
        self._emit = emit
        self._lock = threading.Lock()
        self.entries: list[dict[str, object]] = []

    def record(self, kind: str, granted: bool, by: str, reason: str = "", detail: str = "") -> None:
        """``kind`` (control, file_send, …) was granted or refused/revoked ``by`` the customer or the policy."""
        entry: dict[str, object] = {"event": "permission", "session_id": self._session_id, "kind": kind,
                                    "granted": granted, "by": by, "reason": reason, "detail": detail[:200],
                                    "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
        with self._lock:
            self.entries.append(entry)
            self._write(entry)
        if self._emit is not None:
            self._emit(entry)

    def _write(self, entry: dict[str, object]) -> None:
        if self._path is None:
            return
        verb = "granted" if entry["granted"] else "refused"
        line = (f"{entry['at']} session {self._session_id}: {entry['kind']} {verb} by {entry['by']}"
                f"{' (' + str(entry['reason']) + ')' if entry['reason'] else ''}\n")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with self._path.open("a", encoding="utf-8") as file:
                file.write(line)
        except OSError as exc:  # the session goes on; the event stream still has the entry
            log.warning("could not write the customer's log %s: %s", self._path, exc)
