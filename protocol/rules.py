"""The session state machine as data: states, roles, who may send what, and when.

Rules this module keeps (h11 style):

1. Everything that decides whether a message may be sent or accepted lives here, as
   tables: SENDERS (which role may send a message type) and ALLOWED (which message
   types may flow in a state). The same tables judge our own send() (a violation is
   LocalProtocolError) and the peer's records (a violation is a PeerError, and ENDED).
2. Every state change is a lookup in TRANSITIONS; a trigger missing for a state is a bug.
3. ENDED is final: nothing flows, nothing leaves it.
4. Nothing but KEY_CONFIRM flows before the peer's key confirmation verifies
   (HANDSHAKE allows no message type; KEY_CONFIRM is handled by the crypto layer).
"""

from __future__ import annotations

import enum

from protocol.messages import MESSAGE_CLASSES
from protocol.wire import MessageType as T


class Role(enum.Enum):
    """Which end of the session channel a connection is."""

    HOST = "host"
    VIEWER = "viewer"


class State(enum.Enum):
    """Where a session is: HANDSHAKE -> WAITING_CONSENT -> LIVE -> ENDED (ENDED from anywhere)."""

    HANDSHAKE = "handshake"
    WAITING_CONSENT = "waiting_consent"
    LIVE = "live"
    ENDED = "ended"


class Trigger(enum.Enum):
    """What moves the state machine."""

    KEYS_CONFIRMED = "keys confirmed"
    CONSENT_ACCEPTED = "consent accepted"
    CLOSED = "closed"


_BOTH = frozenset({Role.HOST, Role.VIEWER})
_HOST = frozenset({Role.HOST})
_VIEWER = frozenset({Role.VIEWER})

SENDERS: dict[T, frozenset[Role]] = {
    T.VIDEO_FRAME: _HOST,
    T.CONTROL_GRANT: _HOST,
    T.CONSENT_DECISION: _HOST,
    T.HOST_INFO: _HOST,
    T.PERMISSION_DECISION: _HOST,
    T.SHARING_STATE: _HOST,
    T.BLINDER_REGIONS: _HOST,
    T.PERMISSION_REQUEST: _VIEWER,
    T.KEYFRAME_REQUEST: _VIEWER,
    T.FRAME_ACK: _VIEWER,
    T.POINTER_MOVE: _VIEWER,
    T.POINTER_BUTTON: _VIEWER,
    T.WHEEL: _VIEWER,
    T.KEY_INPUT: _VIEWER,
    T.CONTROL_REQUEST: _VIEWER,
    T.CONTROL_REVOKE: _BOTH,
    T.CHAT_LINE: _BOTH,
    T.FILE_OFFER: _BOTH,
    T.FILE_ACCEPT: _BOTH,
    T.FILE_CHUNK: _BOTH,
    T.FILE_ACK: _BOTH,
    T.FILE_RESULT: _BOTH,
    T.FILE_CANCEL: _BOTH,
    T.CLIPBOARD_DATA: _BOTH,
    T.TOOL_REQUEST: _VIEWER,
    T.TOOL_RESULT: _HOST,
    T.LASER_POINTER: _VIEWER,
    T.DRAW_STROKE: _VIEWER,
    T.DRAW_COMMAND: _VIEWER,
    T.CURSOR_TRACE: _HOST,
    T.MONITOR_LIST: _HOST,
    T.MONITOR_SELECT: _VIEWER,
    T.VIDEO_MODE: _BOTH,
    T.SESSION_END: _BOTH,
    T.HEARTBEAT: _BOTH,
    T.ERROR: _BOTH,
}

_ANY_TIME = frozenset({T.SESSION_END, T.HEARTBEAT, T.ERROR})
ALLOWED: dict[State, frozenset[T]] = {
    State.HANDSHAKE: frozenset(),
    State.WAITING_CONSENT: _ANY_TIME | {T.CONSENT_DECISION},
    State.LIVE: frozenset(SENDERS) - {T.CONSENT_DECISION},
    State.ENDED: frozenset(),
}

TRANSITIONS: dict[State, dict[Trigger, State]] = {
    State.HANDSHAKE: {Trigger.KEYS_CONFIRMED: State.WAITING_CONSENT, Trigger.CLOSED: State.ENDED},
    State.WAITING_CONSENT: {Trigger.CONSENT_ACCEPTED: State.LIVE, Trigger.CLOSED: State.ENDED},
    State.LIVE: {Trigger.CLOSED: State.ENDED},
    State.ENDED: {},
}


def violation(sender: Role, state: State, message_type: T) -> str | None:
    """Why ``sender`` may not send a ``message_type`` in ``state``, or None when it may."""
    name = _NAMES.get(message_type, message_type.name)
    if message_type not in SENDERS:
        return f"{name} is not a session message"
    if sender not in SENDERS[message_type]:
        return f"only the {_other(sender).value} may send {name}, not the {sender.value}"
    if message_type not in ALLOWED[state]:
        return f"{name} may not be sent while the session is {_STATE_TEXT[state]}"
    return None


def _other(role: Role) -> Role:
    return Role.VIEWER if role is Role.HOST else Role.HOST


_STATE_TEXT = {
    State.HANDSHAKE: "still in its handshake",
    State.WAITING_CONSENT: "waiting for the customer's consent",
    State.LIVE: "live",
    State.ENDED: "over",
}
_NAMES: dict[T, str] = {cls.TYPE: cls.__name__ for cls in MESSAGE_CLASSES}
