"""Wire constants of the Ferry session channel (viewer <-> host, through the relay).

Every frame on the wire is a 16-byte header followed by a payload:

    offset size field
    0      2    magic   b"FY"
    2      1    version WIRE_VERSION
    3      1    kind    FrameKind (HELLO is plaintext, RECORD is AEAD ciphertext)
    4      4    length  payload length in bytes (big endian), at most MAX_PAYLOAD
    8      8    seq     record counter of the sender (big endian); 0 for HELLO

The header is the associated data of the AEAD, so it cannot be altered without the
frame failing authentication. A RECORD's plaintext is one byte of MessageType followed
by the msgpack-encoded fields of that message; the message type therefore never shows
on the wire.
"""

from __future__ import annotations

import enum
import struct

MAGIC = b"FY"
WIRE_VERSION = 1
HEADER = struct.Struct("!2sBBIQ")
HEADER_SIZE = HEADER.size  # 16
MAX_PAYLOAD = 16 * 1024 * 1024  # a 4K keyframe fits many times over
AEAD_TAG_SIZE = 16

HANDSHAKE_TIMEOUT_S = 30.0
HEARTBEAT_INTERVAL_S = 5.0
IDLE_TIMEOUT_S = 20.0
SAS_DIGITS = 6


class FrameKind(enum.IntEnum):
    """What a frame's payload is."""

    HELLO = 1  # plaintext handshake message (SPAKE2 + X25519 public values)
    RECORD = 2  # AEAD-protected message


class MessageType(enum.IntEnum):
    """The first plaintext byte of a RECORD."""

    KEY_CONFIRM = 1
    VIDEO_FRAME = 10
    KEYFRAME_REQUEST = 11
    FRAME_ACK = 12
    POINTER_MOVE = 20
    POINTER_BUTTON = 21
    WHEEL = 22
    KEY_INPUT = 23
    CONTROL_REQUEST = 30
    CONTROL_GRANT = 31
    CONTROL_REVOKE = 32
    CONSENT_DECISION = 33
    HOST_INFO = 34
    PERMISSION_REQUEST = 35
    PERMISSION_DECISION = 36
    SHARING_STATE = 37
    BLINDER_REGIONS = 38
    CHAT_LINE = 40
    FILE_OFFER = 60
    FILE_ACCEPT = 61
    FILE_CHUNK = 62
    FILE_ACK = 63
    FILE_RESULT = 64
    FILE_CANCEL = 65
    CLIPBOARD_DATA = 70
    TOOL_REQUEST = 71
    TOOL_RESULT = 72
    LASER_POINTER = 80
    DRAW_STROKE = 81
    DRAW_COMMAND = 82
    CURSOR_TRACE = 83
    MONITOR_LIST = 90
    MONITOR_SELECT = 91
    VIDEO_MODE = 92
    SESSION_END = 50
    HEARTBEAT = 51
    ERROR = 52


class Modifier(enum.IntFlag):
    """Modifier keys held during a KeyInput or a pointer event."""

    NONE = 0
    SHIFT = 1
    CTRL = 2
    ALT = 4
    META = 8


class Button(enum.IntEnum):
    """Pointer buttons, numbered as X11 numbers them."""

    LEFT = 1
    MIDDLE = 2
    RIGHT = 3
