"""The session channel's connection (sans-IO): bytes in, events out, time passed in.

    conn = SessionConnection(Role.VIEWER, secret, now)
    conn.initiate(now)                      # when the relay says "paired"
    conn.receive_data(chunk, now)           # any chunking; b"" means the stream closed
    for event in conn.events(): ...
    conn.send(KeyInput("a", pressed=True))
    for frame in conn.frames_to_send(): websocket.send(frame)
    conn.handle_timer(now)                  # at conn.next_timer()

Rules this module keeps:

1. No I/O and no clock. Callers pass bytes in, take whole frames out and pass ``now``
   (monotonic seconds) in; send() and end() use the latest ``now`` they were given.
2. Bytes from the peer never raise. Anything wrong in them (see crypto and framing)
   becomes a PeerError event, then SessionEnded, and State.ENDED. Misuse of the API by
   the local program raises LocalProtocolError.
3. The state changes only in _move(), by a lookup in rules.TRANSITIONS; whether a
   message may be sent or accepted is decided by rules.violation() alone, for our
   sends and the peer's records alike.
4. Fail closed. Only HELLO is plaintext; every message is a RECORD, and nothing but
   KEY_CONFIRM is sent or accepted before the peer's key confirmation verifies.
5. Every way into ENDED yields exactly one SessionEnded event, the last one. After
   ENDED, receive_data() ignores its input and send() raises LocalProtocolError.
6. ConsentDecision, SessionEnd and Heartbeat drive the state machine and are reported
   as SessionLive / SessionEnded (heartbeats not at all); every other message the peer
   sends is reported as itself.
7. Time: the handshake must finish HANDSHAKE_TIMEOUT_S after initiate(); afterwards a
   Heartbeat goes out after HEARTBEAT_INTERVAL_S without sending, and IDLE_TIMEOUT_S
   without a record from the peer ends the session.

Not thread-safe: one owner (the transport's loop) calls it.
"""

from __future__ import annotations

import dataclasses

from protocol.crypto import (
    HELLO_PAYLOAD,
    KEY_CONFIRM_TYPE,
    Handshake,
    PeerHello,
    RecordError,
    SessionKeys,
    parse_hello,
)
from protocol.errors import (
    HandshakeError,
    LocalProtocolError,
    MessageDecodeError,
    ProtocolError,
    RemoteProtocolError,
)
from protocol.events import Event, HandshakeComplete, PeerError, SessionEnded, SessionLive
from protocol.framing import Frame, FrameReader, Payload
from protocol.messages import (
    MESSAGE_CLASSES,
    ConsentDecision,
    Heartbeat,
    Message,
    SessionEnd,
    decode_message,
    encode_message,
)
from protocol.rules import TRANSITIONS as _TRANSITIONS
from protocol.rules import Role, State, Trigger, violation
from protocol.wire import (
    AEAD_TAG_SIZE,
    HANDSHAKE_TIMEOUT_S,
    HEARTBEAT_INTERVAL_S,
    IDLE_TIMEOUT_S,
    MAX_PAYLOAD,
    FrameKind,
)

__all__ = ["Role", "SessionConnection", "SessionStats", "State"]

_FRAME_LIMITS = {
    FrameKind.HELLO: (HELLO_PAYLOAD.size, HELLO_PAYLOAD.size),
    FrameKind.RECORD: (AEAD_TAG_SIZE + 1, MAX_PAYLOAD),
}
_PEER_ERRORS = (RemoteProtocolError, HandshakeError, MessageDecodeError)
_HEARTBEAT = encode_message(Heartbeat())
WRONG_SECRET = (
    "the session secret does not match the other side's (or someone altered the handshake): "
    "check the code or session password and connect again"
)


@dataclasses.dataclass(frozen=True, slots=True)
class SessionStats:
    """Counters of one connection: wire bytes and whole frames, each way."""

    bytes_in: int = 0
    bytes_out: int = 0
    frames_in: int = 0
    frames_out: int = 0


class SessionConnection:
    """One end (host or viewer) of an end-to-end encrypted session channel."""

    def __init__(self, role: Role, secret: bytes, now: float) -> None:
        if not secret:
            raise LocalProtocolError("the session secret is empty: pass the pairing secret or the password")
        self._role = role
        self._peer_role = Role.VIEWER if role is Role.HOST else Role.HOST
        self._handshake = Handshake(role is Role.HOST, secret)
        self._reader = FrameReader(_FRAME_LIMITS)
        self._state = State.HANDSHAKE
        self._keys: SessionKeys | None = None
        self._confirmed = False
        self._peer_hello: tuple[bytes, PeerHello] | None = None
        self._handshake_deadline: float | None = None
        self._end_reason = ""
        self._events: list[Event] = []
        self._outgoing: list[bytes] = []
        self._now = now
        self._last_sent = now
        self._last_received = now
        self._bytes_in = self._bytes_out = self._frames_in = self._frames_out = 0

    @property
    def role(self) -> Role:
        """Which end this connection is."""
        return self._role

    @property
    def state(self) -> State:
        """Where the session is."""
        return self._state

    @property
    def sas(self) -> str | None:
        """The 6-digit short authentication string once keys are agreed, else None."""
        return self._keys.sas if self._keys is not None and self._confirmed else None

    @property
    def stats(self) -> SessionStats:
        """A snapshot of the byte and frame counters."""
        return SessionStats(self._bytes_in, self._bytes_out, self._frames_in, self._frames_out)

    def initiate(self, now: float) -> None:
        """Queue our HELLO and start the handshake timeout; call once, when the relay pairs the legs."""
        if self._handshake_deadline is not None or self._state is State.ENDED:
            raise LocalProtocolError("initiate() may be called once, before the session ends")
        self._now = now
        self._handshake_deadline = now + HANDSHAKE_TIMEOUT_S
        self._queue_frame(self._handshake.hello_frame)
        try:
            self._maybe_finish_handshake()
        except _PEER_ERRORS as exc:
            self._fail(str(exc))

    def receive_data(self, data: Payload, now: float) -> None:
        """Take bytes of the peer's stream (any chunking; b"" = it closed). Never raises on peer input."""
        if self._state is State.ENDED:
            return
        self._now = now
        if not data:
            self._on_stream_closed()
            return
        self._bytes_in += len(data)
        try:
            for frame in self._reader.feed(data):
                if not self._on_frame(frame):
                    return
        except _PEER_ERRORS as exc:
            self._fail(str(exc))

    def events(self) -> list[Event]:
        """Drain what happened since the last call, in order."""
        events, self._events = self._events, []
        return events

    def send(self, message: Message) -> None:
        """Queue ``message`` as an encrypted record; LocalProtocolError when role or state forbid it."""
        if not isinstance(message, MESSAGE_CLASSES):
            raise LocalProtocolError(f"cannot send {message!r}: it is not a protocol.messages message")
        if self._state is State.ENDED:
            name = type(message).__name__
            raise LocalProtocolError(f"cannot send {name}: the session is over ({self._end_reason})")
        problem = violation(self._role, self._state, message.TYPE)
        if problem is not None:
            raise LocalProtocolError(f"cannot send {type(message).__name__}: {problem}")
        if isinstance(message, SessionEnd):
            self.end(message.reason)
            return
        self._queue_record(encode_message(message))
        if isinstance(message, ConsentDecision):
            self._on_consent(message, by_peer=False)

    def frames_to_send(self) -> list[bytes]:
        """Drain the frames to send, in order; each is one whole frame (one WebSocket message)."""
        frames, self._outgoing = self._outgoing, []
        return frames

    def next_timer(self) -> float | None:
        """When handle_timer() should next be called, or None when no timer runs."""
        if self._state is State.HANDSHAKE:
            return self._handshake_deadline
        if self._state is State.ENDED:
            return None
        return min(self._last_sent + HEARTBEAT_INTERVAL_S, self._last_received + IDLE_TIMEOUT_S)

    def handle_timer(self, now: float) -> None:
        """Act on time passing: handshake timeout, idle timeout, heartbeat."""
        self._now = now
        if self._state is State.HANDSHAKE:
            if self._handshake_deadline is not None and now >= self._handshake_deadline:
                reason = f"timeout: the handshake did not finish within {HANDSHAKE_TIMEOUT_S:g} s"
                self._close(f"{reason}; check the network and connect again", by_peer=False)
        elif self._state is not State.ENDED:
            if now >= self._last_received + IDLE_TIMEOUT_S:
                reason = f"timeout: nothing received from the other side for {IDLE_TIMEOUT_S:g} s"
                self._close(reason, by_peer=False, notice=reason)
            elif now >= self._last_sent + HEARTBEAT_INTERVAL_S:
                self._queue_record(_HEARTBEAT)

    def end(self, reason: str) -> None:
        """End the session: queue SessionEnd (once keys are confirmed) and go ENDED. No-op when over."""
        if self._state is not State.ENDED:
            self._close(reason, by_peer=False, notice=reason)

    # --- receiving -------------------------------------------------------------------

    def _on_stream_closed(self) -> None:
        truncation = self._reader.truncation_reason()
        if truncation is not None:
            self._fail(truncation)
        else:
            self._close("connection lost: the stream closed before the session ended", by_peer=False)

    def _on_frame(self, frame: Frame) -> bool:
        """Handle one frame; False when the session ended on it."""
        self._frames_in += 1
        if frame.kind is FrameKind.HELLO:
            self._on_hello(frame)
        else:
            self._on_record(frame)
        return self._state is not State.ENDED

    def _on_hello(self, frame: Frame) -> None:
        if self._peer_hello is not None:
            raise RemoteProtocolError("the peer sent a second HELLO")
        if frame.seq != 0:
            raise RemoteProtocolError(f"the peer's HELLO has seq {frame.seq}, expected 0")
        peer = parse_hello(frame.payload, self._handshake.role)
        self._peer_hello = (frame.header + frame.payload, peer)
        self._maybe_finish_handshake()

    def _maybe_finish_handshake(self) -> None:
        if self._keys is not None or self._peer_hello is None or self._handshake_deadline is None:
            return
        self._keys = self._handshake.finish(*self._peer_hello)
        self._queue_record(self._keys.key_confirm_plaintext())

    def _on_record(self, frame: Frame) -> None:
        keys = self._keys
        if keys is None:
            raise RemoteProtocolError("the peer sent an encrypted record before the handshake")
        if self._state is State.HANDSHAKE:
            self._on_key_confirm(keys, frame)
            return
        plaintext = keys.opener.open(frame.seq, frame.header, frame.payload)
        self._last_received = self._now
        self._on_message(decode_message(plaintext))

    def _on_key_confirm(self, keys: SessionKeys, frame: Frame) -> None:
        try:
            plaintext = keys.opener.open(frame.seq, frame.header, frame.payload)
        except RecordError:
            raise HandshakeError(WRONG_SECRET) from None
        if plaintext[:1] != KEY_CONFIRM_TYPE:
            raise RemoteProtocolError("the peer sent a message before confirming the session keys")
        if not keys.peer_confirm_valid(plaintext):
            raise HandshakeError(WRONG_SECRET)
        self._confirmed = True
        self._last_received = self._now
        self._move(Trigger.KEYS_CONFIRMED)
        self._events.append(HandshakeComplete(keys.sas))

    def _on_message(self, message: Message) -> None:
        problem = violation(self._peer_role, self._state, message.TYPE)
        if problem is not None:
            raise RemoteProtocolError(f"the peer broke the session rules: {problem}")
        if isinstance(message, ConsentDecision):
            self._on_consent(message, by_peer=True)
        elif isinstance(message, SessionEnd):
            self._close(message.reason, by_peer=True)
        elif not isinstance(message, Heartbeat):
            self._events.append(message)

    # --- state changes -----------------------------------------------------------------

    def _on_consent(self, decision: ConsentDecision, by_peer: bool) -> None:
        if decision.accepted:
            self._move(Trigger.CONSENT_ACCEPTED)
            self._events.append(SessionLive())
        else:
            self._close(decision.reason or "the customer declined the session", by_peer=by_peer)

    def _fail(self, reason: str) -> None:
        self._events.append(PeerError(reason))
        notice = f"the other side ended the session after an error: {reason}"
        self._close(reason, by_peer=False, notice=notice)

    def _close(self, reason: str, by_peer: bool, notice: str | None = None) -> None:
        """Go ENDED; ``notice`` is sent to the peer as SessionEnd when keys are confirmed."""
        if notice is not None and self._state in (State.WAITING_CONSENT, State.LIVE):
            self._queue_record(encode_message(SessionEnd(notice)))
        self._move(Trigger.CLOSED)
        self._end_reason = reason
        self._events.append(SessionEnded(reason, by_peer))

    def _move(self, trigger: Trigger) -> None:
        following = _TRANSITIONS[self._state].get(trigger)
        if following is None:
            raise ProtocolError(f"internal error: no transition from {self._state.name} on {trigger.name}")
        self._state = following

    # --- sending -------------------------------------------------------------------------

    def _queue_record(self, plaintext: bytes) -> None:
        if self._keys is None:
            raise ProtocolError("internal error: a record was queued before the keys exist")
        self._queue_frame(self._keys.sealer.seal(plaintext))

    def _queue_frame(self, frame: bytes) -> None:
        self._outgoing.append(frame)
        self._bytes_out += len(frame)
        self._frames_out += 1
        self._last_sent = self._now
