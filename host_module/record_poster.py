"""Sends the customer's grants, refusals and revokes to the session record on the server (host token).

Rules: posting happens on its own thread and never blocks the GUI or the session; entries are sent in order,
in batches; a failed post is retried a few times with a pause, then given up with a log line (the customer's
own log file and the event stream still hold every entry); ``close`` waits briefly for what is queued.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping

import requests

from transport.errors import TransportError

log = logging.getLogger(__name__)

Post = Callable[[list[dict[str, object]]], None]
TRIES = 4
PAUSE_S = 1.0
BY = frozenset({"customer", "policy", "agent"})


def server_post(make_session: Callable[[], requests.Session], server: str, session_id: str,
                host_token: str) -> Post:
    """A Post that sends events to ``POST /api/v1/sessions/{id}/events`` with the host token; the HTTPS
    session (which may fetch the certificate to check the pin) is made on first use, on the poster's thread."""
    url = f"{server.rstrip('/')}/api/v1/sessions/{session_id}/events"
    made: list[requests.Session] = []

    def post(events: list[dict[str, object]]) -> None:
        if not made:
            made.append(make_session())
        answer = made[0].post(url, json={"events": events}, headers={"Authorization": f"Bearer {host_token}"},
                              timeout=10)
        answer.raise_for_status()

    return post


def as_event(entry: Mapping[str, object]) -> dict[str, object]:
    """A GrantLog entry in the shape the server keeps."""
    by = str(entry.get("by") or "customer")
    return {"kind": str(entry.get("kind") or "")[:32], "granted": bool(entry.get("granted")),
            "by": by if by in BY else "customer", "reason": str(entry.get("reason") or "")[:200]}


class RecordPoster:
    """A queue of events and the thread that posts them."""

    def __init__(self, post: Post, *, pause_s: float = PAUSE_S) -> None:
        self._post = post
        self._pause_s = pause_s
        self._queue: queue.Queue[dict[str, object] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="ferry-record-poster", daemon=True)
        self._thread.start()
        self.sent = 0
        self.given_up = 0

    def add(self, entry: Mapping[str, object]) -> None:
        """Queue one GrantLog entry."""
        self._queue.put(as_event(entry))

    def close(self, wait_s: float = 2.0) -> None:
        """Send what is queued (waiting at most ``wait_s``), then stop."""
        self._queue.put(None)
        self._thread.join(wait_s)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while not self._queue.empty() and len(batch) < 100:
                item = self._queue.get()
                if item is None:
                    self._send(batch)
                    return
                batch.append(item)
            self._send(batch)

    def _send(self, batch: list[dict[str, object]]) -> None:
        for attempt in range(TRIES):
            try:
                self._post(batch)
            except (requests.RequestException, TransportError, OSError) as exc:
                log.info("session record not updated yet (try %d): %s", attempt + 1, exc)
                time.sleep(self._pause_s)
                continue
            self.sent += len(batch)
            return
        self.given_up += len(batch)
        log.warning("gave up sending %d grant event(s) to the session record; the customer's log has them",
                    len(batch))
