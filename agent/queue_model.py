"""What the agent knows of the queue, without Qt: the entries, the alerts, the refresh gate, the chat lines.

Rules:
- ``QueueBoard.replace`` takes GET /queue's answer whole: the server decides who sees what.
- An alert (a "queue_alert" push, or an entry listed with ``alerted_to_me``) rings until the entry is
  taken or the alert moves on ("queue_taken"), accepted, gone from the queue, or RING_LIMIT_S has passed;
  after a withdrawal only a new push rings for that entry again (a listing fetched earlier does not).
  A push may arrive before the listing that holds its entry, so an alert for an entry not listed yet is
  kept for ALERT_GRACE_S.
- ``RefreshGate``: at most one GET /queue in flight; requests made meanwhile become one more fetch.
- ``ChatLines`` keeps the server ids of lines already shown, so history and pushes never show a line twice.
Time is passed in (seconds, any monotonic clock).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from agent.queue_api import QueueItem

ALERT_GRACE_S = 5.0
RING_LIMIT_S = 60.0
ACCEPTED = "accepted"


@dataclasses.dataclass
class _Alert:
    entry_id: int
    since: float
    listed: bool = False


class QueueBoard:
    """The entries this agent may see (oldest first) and the alerts ringing for them."""

    def __init__(self) -> None:
        self._items: list[QueueItem] = []
        self._alerts: dict[int, _Alert] = {}
        self._withdrawn: set[int] = set()  # taken or moved on: a listing fetched earlier must not ring again

    def replace(self, items: Iterable[QueueItem], now: float) -> list[QueueItem]:
        """The server's listing; alerts of entries gone, accepted or stale stop. The entries it alerts that
        were not ringing yet (ring for them)."""
        self._items = list(items)
        listed = {item.id: item for item in self._items}
        fresh = [item for item in self._items
                 if item.alerted_to_me and item.state != ACCEPTED and item.id not in self._alerts
                 and item.id not in self._withdrawn]
        for item in fresh:
            self._alerts[item.id] = _Alert(item.id, now, listed=True)
        self._withdrawn &= set(listed)  # fetches run one after another: an entry gone stays gone
        for alert in list(self._alerts.values()):
            if self._stale(alert, listed.get(alert.entry_id), now):
                del self._alerts[alert.entry_id]
        return fresh

    @staticmethod
    def _stale(alert: _Alert, item: QueueItem | None, now: float) -> bool:
        if item is not None:
            alert.listed = True
            return item.state == ACCEPTED
        return alert.listed or now - alert.since > ALERT_GRACE_S

    def alert(self, entry_id: int, now: float) -> bool:
        """A queue_alert push; True when it is new (ring), False when it already rings."""
        if entry_id in self._alerts or any(i.id == entry_id and i.state == ACCEPTED for i in self._items):
            return False
        self._withdrawn.discard(entry_id)
        self._alerts[entry_id] = _Alert(entry_id, now, listed=any(i.id == entry_id for i in self._items))
        return True

    def withdraw(self, entry_id: int) -> bool:
        """The entry was taken (by anyone) or its alert moved on: it stops; True when one was ringing."""
        self._withdrawn.add(entry_id)
        return self._alerts.pop(entry_id, None) is not None

    def expire(self, now: float) -> bool:
        """Stop alerts older than RING_LIMIT_S; True when some stopped."""
        old = [entry_id for entry_id, alert in self._alerts.items() if now - alert.since >= RING_LIMIT_S]
        for entry_id in old:
            del self._alerts[entry_id]
        return bool(old)

    @property
    def ringing(self) -> bool:
        return bool(self._alerts)

    def alerted(self, entry_id: int) -> bool:
        return entry_id in self._alerts

    def waiting(self) -> list[QueueItem]:
        """Entries not accepted yet, oldest first."""
        return [item for item in self._items if item.state != ACCEPTED]

    def accepted(self) -> list[QueueItem]:
        """Entries this agent accepted (the server lists accepted entries only to their agent)."""
        return [item for item in self._items if item.state == ACCEPTED]

    def get(self, entry_id: int) -> QueueItem | None:
        return next((item for item in self._items if item.id == entry_id), None)


def waited_seconds(item: QueueItem, now: dt.datetime) -> int:
    """Whole seconds since the customer joined (never negative: clocks differ a little)."""
    return max(0, int((now - item.created_at).total_seconds()))


def request_text(fields: Sequence[tuple[str, str]]) -> str:
    """The request fields as one line: "Phone: 010-1234 · Topic: card"."""
    return " · ".join(f"{label}: {value}" for label, value in fields if value)


class RefreshGate:
    """At most one fetch in flight; asks made meanwhile are folded into one more fetch afterwards."""

    def __init__(self) -> None:
        self._busy = False
        self._again = False

    def ask(self) -> bool:
        """True: start a fetch now; False: one runs, it will be followed by another."""
        if self._busy:
            self._again = True
            return False
        self._busy = True
        return True

    def done(self) -> bool:
        """The fetch finished; True: start the folded one now (the gate stays busy)."""
        if self._again:
            self._again = False
            return True
        self._busy = False
        return False


class ChatLines:
    """Server ids of the lines a chat window shows (history, answers and pushes may repeat a line)."""

    def __init__(self) -> None:
        self._shown: set[int] = set()

    def first_time(self, server_id: int) -> bool:
        """True the first time ``server_id`` is seen (show it), False afterwards."""
        if server_id in self._shown:
            return False
        self._shown.add(server_id)
        return True
