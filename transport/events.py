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
