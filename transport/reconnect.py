"""Auto-reconnect rules shared by the link and its tests: the window, the backoff, the give-up reason.

Rules: a link reconnects only when the relay agreed at pairing (both legs asked for it, see
``server.relay``); the window counts from the first drop of an outage; attempts back off from
FIRST_DELAY_S doubling up to MAX_DELAY_S. Refusals (4xxx) are final; network failures are not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

RECONNECT_WINDOW_S = 60.0  # how long a dropped link is retried (and the relay keeps the session)
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 5.0
LINK_IDLE_S = 15.0  # with reconnect on, this long without a byte from the relay counts as a drop
PEER_MARGIN_S = 5.0  # the leg whose peer dropped waits this much longer than the relay's window
FINAL_CLOSE_CODES = frozenset({1003, 4400, 4401, 4403, 4404, 4409, 4410})


def backoff_delays(first: float = FIRST_DELAY_S, cap: float = MAX_DELAY_S) -> Iterator[float]:
    """0.5, 1, 2, 4, 5, 5, … seconds: the waits before successive attempts."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * 2)


def lost_reason(window_s: float) -> str:
    """Why a session ended after its reconnect window ran out."""
    span = "a minute" if window_s >= RECONNECT_WINDOW_S else f"{window_s:g} seconds"
    return f"the connection was lost and could not be restored within {span}"


@dataclasses.dataclass
class Outage:
    """One outage: from the first drop until the session is live again (or the deadline)."""

    deadline: float
    window_s: float

    def remaining(self, now: float) -> float:
        return max(0.0, self.deadline - now)

    def expired(self, now: float) -> bool:
        return now >= self.deadline
