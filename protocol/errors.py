"""Exceptions of the protocol package. One base class; messages say what failed."""

from __future__ import annotations


class ProtocolError(Exception):
    """Base class of every exception raised by ``protocol``."""


class LocalProtocolError(ProtocolError):
    """The local program misused the API (sent a message the state does not allow)."""


class MessageDecodeError(ProtocolError):
    """Bytes from the peer do not form a valid message. Turned into an event, never escapes."""


class HandshakeError(ProtocolError):
    """The key exchange failed: wrong session secret, or a tampered handshake."""


class RemoteProtocolError(ProtocolError):
    """The peer broke the protocol (bad frame, replay, forbidden message). Turned into a PeerError event."""
