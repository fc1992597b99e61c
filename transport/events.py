"""Events the transport adds to the protocol's own events (frozen dataclasses, nouns)."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class LinkConnected:
    """The WebSocket to the relay is open; the peer may not be there yet."""


@dataclasses.dataclass(frozen=True, slots=True)
class LinkPaired:
    """The relay reports both legs present; the handshake starts now."""


@dataclasses.dataclass(frozen=True, slots=True)
class LinkClosed:
    """The link is gone; ``reason`` says why in a sentence."""

    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class LinkReconnecting:
    """The link dropped and the session is kept while it is restored (auto_reconnect).

    ``peer`` is True when the other side's link dropped (the relay told us), False when ours did;
    ``window_s`` is how long the link keeps trying before the session ends. Nothing flows meanwhile.
    """

    reason: str
    peer: bool
    window_s: float


@dataclasses.dataclass(frozen=True, slots=True)
class LinkResumed:
    """The same session is live again after LinkReconnecting: a fresh handshake, new keys, ``sas`` anew."""

    sas: str
