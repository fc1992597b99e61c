"""Messages of the session channel: frozen dataclasses, and their plaintext encoding.

A message is encoded as one MessageType byte followed by a msgpack array of its
fields in declaration order. Decoding checks the type byte, the field count and
every field's type, and raises MessageDecodeError (never anything else) on bad input.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Sequence
from typing import Any, ClassVar

import msgpack

from protocol.errors import MessageDecodeError
from protocol.wire import MessageType


@dataclasses.dataclass(frozen=True, slots=True)
class VideoFrame:
    """One encoded video frame (H.264 access unit, or a still for screenshot mode)."""

    TYPE: ClassVar[MessageType] = MessageType.VIDEO_FRAME
    frame_id: int
    keyframe: bool
    width: int
    height: int
    capture_ns: int
    data: bytes
    codec: str = "h264"


@dataclasses.dataclass(frozen=True, slots=True)
class KeyframeRequest:
    """The viewer asks for a keyframe (after a loss or at start)."""

    TYPE: ClassVar[MessageType] = MessageType.KEYFRAME_REQUEST


@dataclasses.dataclass(frozen=True, slots=True)
class FrameAck:
    """The viewer has decoded the frame with this id."""

    TYPE: ClassVar[MessageType] = MessageType.FRAME_ACK
    frame_id: int


@dataclasses.dataclass(frozen=True, slots=True)
class PointerMove:
    """Move the pointer to host pixel (x, y) of the shared screen."""

    TYPE: ClassVar[MessageType] = MessageType.POINTER_MOVE
    x: int
    y: int


@dataclasses.dataclass(frozen=True, slots=True)
class PointerButton:
    """Press or release a pointer button (wire.Button) at host pixel (x, y)."""

    TYPE: ClassVar[MessageType] = MessageType.POINTER_BUTTON
    x: int
    y: int
    button: int
    pressed: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Wheel:
    """Scroll by whole wheel steps; positive dy scrolls up, positive dx right."""

    TYPE: ClassVar[MessageType] = MessageType.WHEEL
    dx: int
    dy: int


@dataclasses.dataclass(frozen=True, slots=True)
class KeyInput:
    """A key press or release.

    ``key`` names the key as an X keysym name ("a", "Return", "F5", "Control_L");
    ``text`` is the text the key produces on the agent's keyboard ("a", "한", "");
    ``modifiers`` is a wire.Modifier mask. A host types ``text`` when it is set and
    no modifier other than SHIFT is held; otherwise it presses ``key``.
    """

    TYPE: ClassVar[MessageType] = MessageType.KEY_INPUT
    key: str
    pressed: bool
    modifiers: int = 0
    text: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ControlRequest:
    """The agent asks for control of mouse and keyboard."""

    TYPE: ClassVar[MessageType] = MessageType.CONTROL_REQUEST


@dataclasses.dataclass(frozen=True, slots=True)
class ControlGrant:
    """The customer granted control."""

    TYPE: ClassVar[MessageType] = MessageType.CONTROL_GRANT


@dataclasses.dataclass(frozen=True, slots=True)
class ControlRevoke:
    """Control is withdrawn (or a request refused), with the reason."""

    TYPE: ClassVar[MessageType] = MessageType.CONTROL_REVOKE
    reason: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ConsentDecision:
    """The customer's answer to the session itself: live, or ended with the reason."""

    TYPE: ClassVar[MessageType] = MessageType.CONSENT_DECISION
    accepted: bool
    reason: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class HostInfo:
    """What the host tells about itself once live."""

    TYPE: ClassVar[MessageType] = MessageType.HOST_INFO
    pc_name: str
    os_name: str
    width: int
    height: int


@dataclasses.dataclass(frozen=True, slots=True)
class PermissionRequest:
    """The agent asks the customer for something the policy may make them confirm.

    ``kind`` is one of PERMISSION_KINDS; ``detail`` says what (a file name and size, a URL, …);
    ``request_id`` pairs the answer with the question.
    """

    TYPE: ClassVar[MessageType] = MessageType.PERMISSION_REQUEST
    request_id: int
    kind: str
    detail: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class PermissionDecision:
    """The host's answer to a PermissionRequest (the customer's, or the policy's); ``reason`` when refused."""

    TYPE: ClassVar[MessageType] = MessageType.PERMISSION_DECISION
    request_id: int
    kind: str
    granted: bool
    reason: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class SharingState:
    """The customer paused (``paused``) or resumed sharing their screen; no frames flow while paused."""

    TYPE: ClassVar[MessageType] = MessageType.SHARING_STATE
    paused: bool
    reason: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class BlinderRegions:
    """The screen areas the host blacks out before encoding, for the viewer to hatch.

    ``rects`` packs (x, y, width, height) quadruples in frame pixels: see pack_rects / unpack_rects.
    """

    TYPE: ClassVar[MessageType] = MessageType.BLINDER_REGIONS
    rects: bytes = b""


PERMISSION_KINDS = frozenset({"file_send", "file_receive", "recording", "screen_save", "url_open",
                              "process_end", "clipboard", "system_info", "blinders", "session_transfer",
                              "session_share"})
"""What a PermissionRequest may ask; the host refuses any other kind."""

_RECT = struct.Struct(">HHHH")
MAX_RECTS = 256


def pack_rects(rects: Sequence[tuple[int, int, int, int]]) -> bytes:
    """(x, y, width, height) rectangles (each value 0..65535, at most MAX_RECTS) as BlinderRegions.rects."""
    if len(rects) > MAX_RECTS:
        raise ValueError(f"at most {MAX_RECTS} blinder rectangles")
    return b"".join(_RECT.pack(*rect) for rect in rects)


def unpack_rects(data: bytes) -> list[tuple[int, int, int, int]]:
    """The rectangles of BlinderRegions.rects; MessageDecodeError when the bytes are not whole rectangles."""
    if len(data) % _RECT.size or len(data) > _RECT.size * MAX_RECTS:
        raise MessageDecodeError("BlinderRegions.rects: not a whole number of rectangles (or too many)")
    return [_RECT.unpack_from(data, offset) for offset in range(0, len(data), _RECT.size)]


@dataclasses.dataclass(frozen=True, slots=True)
class ChatLine:
    """A chat line; ``sent_ms`` is the sender's wall clock in ms since the epoch."""

    TYPE: ClassVar[MessageType] = MessageType.CHAT_LINE
    text: str
    sender: str
    sent_ms: int = 0


# --- viewer tools (issue 6) ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class FileOffer:
    """The sender offers a file: ``name`` is a bare file name (the receiver sanitises it again),
    ``sha256`` the digest of the whole file, checked by the receiver at the end."""

    TYPE: ClassVar[MessageType] = MessageType.FILE_OFFER
    transfer_id: int
    name: str
    size: int
    sha256: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class FileAccept:
    """The receiver takes the offered file from ``offset`` (the bytes it already holds, for a resume)."""

    TYPE: ClassVar[MessageType] = MessageType.FILE_ACCEPT
    transfer_id: int
    offset: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class FileChunk:
    """``data`` of the file at byte ``offset``."""

    TYPE: ClassVar[MessageType] = MessageType.FILE_CHUNK
    transfer_id: int
    offset: int
    data: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class FileAck:
    """The receiver holds the first ``received`` bytes (flow control and progress)."""

    TYPE: ClassVar[MessageType] = MessageType.FILE_ACK
    transfer_id: int
    received: int


@dataclasses.dataclass(frozen=True, slots=True)
class FileResult:
    """The receiver's last word: the file is whole at its final name (``ok``), or why it is not."""

    TYPE: ClassVar[MessageType] = MessageType.FILE_RESULT
    transfer_id: int
    ok: bool
    reason: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class FileCancel:
    """Either side stops a transfer; nothing is left at the final name."""

    TYPE: ClassVar[MessageType] = MessageType.FILE_CANCEL
    transfer_id: int
    reason: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ClipboardData:
    """Clipboard content: ``mime`` "text/plain" (UTF-8) or "image/png"."""

    TYPE: ClassVar[MessageType] = MessageType.CLIPBOARD_DATA
    mime: str
    data: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class ToolRequest:
    """The viewer asks the host to do ``tool`` (system_info, process_list, process_end, url_open,
    ctrl_alt_del, clipboard_get, handover, …) with ``argument`` (text or JSON); one ToolResult answers."""

    TYPE: ClassVar[MessageType] = MessageType.TOOL_REQUEST
    request_id: int
    tool: str
    argument: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ToolResult:
    """The host's answer to a ToolRequest: ``body`` is the result (text or JSON), or why it failed."""

    TYPE: ClassVar[MessageType] = MessageType.TOOL_RESULT
    request_id: int
    tool: str
    ok: bool
    body: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class LaserPointer:
    """Show (or hide) the agent's laser dot at host pixel (x, y) on the customer's screen."""

    TYPE: ClassVar[MessageType] = MessageType.LASER_POINTER
    x: int
    y: int
    visible: bool = True


@dataclasses.dataclass(frozen=True, slots=True)
class DrawStroke:
    """A pen stroke drawn on the customer's screen: ``points`` packed by pack_points (host pixels),
    ``color`` 0xRRGGBBAA, ``width`` in pixels. A stroke id sent again extends that stroke."""

    TYPE: ClassVar[MessageType] = MessageType.DRAW_STROKE
    stroke_id: int
    color: int
    width: int
    points: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class DrawCommand:
    """``action`` "undo" (the last stroke) or "clear" (every stroke) on the customer's overlay."""

    TYPE: ClassVar[MessageType] = MessageType.DRAW_COMMAND
    action: str
    stroke_id: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class CursorTrace:
    """Where the customer's pointer was (host pixels, pack_points), oldest first."""

    TYPE: ClassVar[MessageType] = MessageType.CURSOR_TRACE
    points: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class MonitorList:
    """The customer's monitors (pack_rects, in order; relative to the top-left corner of all monitors together,
    since monitor origins may be negative) and which is shared: its 0-based position in the list, -1 for all."""

    TYPE: ClassVar[MessageType] = MessageType.MONITOR_LIST
    monitors: bytes
    current: int


@dataclasses.dataclass(frozen=True, slots=True)
class MonitorSelect:
    """The viewer asks to share the monitor at 0-based position ``index`` of the MonitorList (-1: all of them)."""

    TYPE: ClassVar[MessageType] = MessageType.MONITOR_SELECT
    index: int


@dataclasses.dataclass(frozen=True, slots=True)
class VideoMode:
    """``mode`` "video" or "stills" (screenshot mode: a still every few seconds); the viewer asks,
    the host says what it does and why (``reason``)."""

    TYPE: ClassVar[MessageType] = MessageType.VIDEO_MODE
    mode: str
    reason: str = ""


_POINT = struct.Struct(">HH")
MAX_POINTS = 4096


def pack_points(points: Sequence[tuple[int, int]]) -> bytes:
    """(x, y) points (each 0..65535, at most MAX_POINTS) as DrawStroke.points / CursorTrace.points."""
    if len(points) > MAX_POINTS:
        raise ValueError(f"at most {MAX_POINTS} points")
    return b"".join(_POINT.pack(*point) for point in points)


def unpack_points(data: bytes) -> list[tuple[int, int]]:
    """The points of pack_points; MessageDecodeError when the bytes are not whole points."""
    if len(data) % _POINT.size or len(data) > _POINT.size * MAX_POINTS:
        raise MessageDecodeError("points: not a whole number of points (or too many)")
    return [_POINT.unpack_from(data, offset) for offset in range(0, len(data), _POINT.size)]


@dataclasses.dataclass(frozen=True, slots=True)
class SessionEnd:
    """The sender ends the session."""

    TYPE: ClassVar[MessageType] = MessageType.SESSION_END
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class Heartbeat:
    """Keeps an idle channel alive."""

    TYPE: ClassVar[MessageType] = MessageType.HEARTBEAT


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorMessage:
    """The sender reports an error it hit (it may end the session next)."""

    TYPE: ClassVar[MessageType] = MessageType.ERROR
    code: str
    reason: str


Message = (
    VideoFrame
    | KeyframeRequest
    | FrameAck
    | PointerMove
    | PointerButton
    | Wheel
    | KeyInput
    | ControlRequest
    | ControlGrant
    | ControlRevoke
    | ConsentDecision
    | HostInfo
    | PermissionRequest
    | PermissionDecision
    | SharingState
    | BlinderRegions
    | ChatLine
    | FileOffer
    | FileAccept
    | FileChunk
    | FileAck
    | FileResult
    | FileCancel
    | ClipboardData
    | ToolRequest
    | ToolResult
    | LaserPointer
    | DrawStroke
    | DrawCommand
    | CursorTrace
    | MonitorList
    | MonitorSelect
    | VideoMode
    | SessionEnd
    | Heartbeat
    | ErrorMessage
)

MESSAGE_CLASSES: tuple[type[Any], ...] = (
    VideoFrame,
    KeyframeRequest,
    FrameAck,
    PointerMove,
    PointerButton,
    Wheel,
    KeyInput,
    ControlRequest,
    ControlGrant,
    ControlRevoke,
    ConsentDecision,
    HostInfo,
    PermissionRequest,
    PermissionDecision,
    SharingState,
    BlinderRegions,
    ChatLine,
    FileOffer,
    FileAccept,
    FileChunk,
    FileAck,
    FileResult,
    FileCancel,
    ClipboardData,
    ToolRequest,
    ToolResult,
    LaserPointer,
    DrawStroke,
    DrawCommand,
    CursorTrace,
    MonitorList,
    MonitorSelect,
    VideoMode,
    SessionEnd,
    Heartbeat,
    ErrorMessage,
)
_BY_TYPE: dict[int, type[Any]] = {cls.TYPE: cls for cls in MESSAGE_CLASSES}
_INT_LIMIT = 2**63


def encode_message(message: Message) -> bytes:
    """Encode a message to its plaintext form: type byte + msgpack array of fields."""
    values = [getattr(message, f.name) for f in dataclasses.fields(message)]
    body: bytes = msgpack.packb(values, use_bin_type=True)
    return bytes((int(message.TYPE),)) + body


def decode_message(plaintext: bytes) -> Message:
    """Decode a plaintext produced by encode_message; MessageDecodeError on anything else."""
    if not plaintext:
        raise MessageDecodeError("empty message")
    cls = _BY_TYPE.get(plaintext[0])
    if cls is None:
        raise MessageDecodeError(f"unknown message type {plaintext[0]}")
    try:
        values = msgpack.unpackb(memoryview(plaintext)[1:], raw=False, use_list=True, strict_map_key=True)
    except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as exc:
        raise MessageDecodeError(f"{cls.__name__}: body is not valid msgpack ({exc})") from exc
    return _build(cls, values)


def _build(cls: type[Any], values: object) -> Message:
    fields = dataclasses.fields(cls)
    required = sum(1 for f in fields if f.default is dataclasses.MISSING)
    if not isinstance(values, list) or not required <= len(values) <= len(fields):
        raise MessageDecodeError(f"{cls.__name__}: expected {len(fields)} fields")
    for field, value in zip(fields, values, strict=False):
        _check_field(cls.__name__, field.name, field.type, value)
    message: Message = cls(*values)
    return message


_FIELD_TYPES: dict[str, type[Any]] = {"int": int, "bool": bool, "str": str, "bytes": bytes}


def _check_field(owner: str, name: str, annotation: object, value: object) -> None:
    expected = _FIELD_TYPES[str(annotation)]
    ok = type(value) is expected
    if expected is int and ok:
        ok = -_INT_LIMIT <= value < _INT_LIMIT  # type: ignore[operator]
    if not ok:
        raise MessageDecodeError(f"{owner}.{name}: expected {expected.__name__}, got {type(value).__name__}")
