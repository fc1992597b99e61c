"""Events a SessionConnection reports besides the messages it received.

Events are frozen dataclasses named as nouns. ``SessionConnection.events()`` returns,
in order, the application messages the peer sent (as the message dataclasses of
protocol.messages) and these connection events.
"""

from __future__ import annotations

import dataclasses

from protocol.messages import Message


@dataclasses.dataclass(frozen=True, slots=True)
class HandshakeComplete:
    """Keys agreed and the peer's key confirmation verified; ``sas`` is the 6-digit string."""

    sas: str


@dataclasses.dataclass(frozen=True, slots=True)
class SessionLive:
    """The host accepted the session: video, input, control and chat may flow."""


@dataclasses.dataclass(frozen=True, slots=True)
class PeerError:
    """The peer's bytes broke the protocol (garbage, truncation, bad AEAD, replay, wrong secret…).

    A SessionEnded with the same reason follows; the state is ENDED.
    """

    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class SessionEnded:
    """The session is over. Every way into State.ENDED yields exactly one, last.

    ``by_peer`` is True when the peer ended it (SessionEnd, or a refused ConsentDecision).
    """

    reason: str
    by_peer: bool = False


ConnectionEvent = HandshakeComplete | SessionLive | PeerError | SessionEnded
Event = Message | ConnectionEvent
