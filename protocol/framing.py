"""Splitting the peer's byte stream into frames (wire.HEADER + payload), sans-IO.

Rules this module keeps:

1. Any chunking of the stream gives the same frames: feed() buffers a partial frame
   and returns nothing for it until the rest arrives.
2. A header is judged as soon as its 16 bytes are there: wrong magic, wrong version,
   unknown kind or a length outside the kind's range raise FramingError at once, so an
   oversize frame is refused on its header, never waited for.
3. No quadratic work: when a chunk holds whole frames and nothing is buffered, payloads
   are memoryview slices of that chunk (no copy); only a trailing partial frame is copied
   into the buffer, and the buffer is flattened once per completed frame.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping

from protocol.errors import RemoteProtocolError
from protocol.wire import HEADER, HEADER_SIZE, MAGIC, MAX_PAYLOAD, WIRE_VERSION, FrameKind

Payload = bytes | bytearray | memoryview


class FramingError(RemoteProtocolError):
    """The byte stream does not hold a valid frame header."""


@dataclasses.dataclass(frozen=True, slots=True)
class Frame:
    """One whole frame: its parsed header fields, the raw header bytes and the payload."""

    kind: FrameKind
    seq: int
    header: bytes
    payload: Payload

    @property
    def wire_size(self) -> int:
        """Header plus payload, in bytes."""
        return HEADER_SIZE + len(self.payload)


def pack_header(kind: FrameKind, length: int, seq: int) -> bytes:
    """The 16-byte header of a frame with this kind, payload length and sequence number."""
    return HEADER.pack(MAGIC, WIRE_VERSION, kind, length, seq)


def parse_header(header: Payload, limits: Mapping[FrameKind, tuple[int, int]]) -> tuple[FrameKind, int, int]:
    """Check a 16-byte header and return (kind, length, seq); FramingError when it is not valid."""
    magic, version, kind, length, seq = HEADER.unpack(header)
    if magic != MAGIC:
        raise FramingError(f"not a Ferry frame: the header starts with {magic!r}, expected {MAGIC!r}")
    if version != WIRE_VERSION:
        raise FramingError(
            f"the peer speaks wire version {version}, this end speaks {WIRE_VERSION}: "
            "update both ends to the same Ferry release"
        )
    if kind not in limits:
        raise FramingError(f"unknown frame kind {kind}")
    frame_kind = FrameKind(kind)
    low, high = limits[frame_kind]
    if length > MAX_PAYLOAD:
        raise FramingError(f"oversize frame: {length} bytes announced, the limit is {MAX_PAYLOAD}")
    if not low <= length <= high:
        raise FramingError(f"{frame_kind.name} frame of {length} bytes: expected {low} to {high}")
    return frame_kind, length, seq


class FrameReader:
    """Turns chunks of the peer's byte stream into whole frames."""

    def __init__(self, limits: Mapping[FrameKind, tuple[int, int]]) -> None:
        self._limits = dict(limits)
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame held back."""
        return len(self._buffer)

    def truncation_reason(self) -> str | None:
        """Why the stream would be truncated if it ended now, or None if it is on a frame boundary."""
        have = len(self._buffer)
        if have == 0:
            return None
        if have < HEADER_SIZE:
            return f"truncated frame: the stream ended after {have} of the {HEADER_SIZE} header bytes"
        length = HEADER.unpack_from(self._buffer)[3]
        return f"truncated frame: the stream ended after {have} of the frame's {HEADER_SIZE + length} bytes"

    def feed(self, data: Payload) -> Iterator[Frame]:
        """Yield the frames completed by ``data``; FramingError (raised lazily) on a bad header."""
        if self._buffer:
            self._buffer += data
            if not self._buffer_has_frame():
                return
            data = bytes(self._buffer)
            self._buffer.clear()
        view = memoryview(data)
        end = len(view)
        pos = 0
        while end - pos >= HEADER_SIZE:
            header = view[pos : pos + HEADER_SIZE]
            kind, length, seq = parse_header(header, self._limits)
            stop = pos + HEADER_SIZE + length
            if stop > end:
                break
            yield Frame(kind, seq, bytes(header), view[pos + HEADER_SIZE : stop])
            pos = stop
        if pos < end:
            self._buffer += view[pos:]

    def _buffer_has_frame(self) -> bool:
        if len(self._buffer) < HEADER_SIZE:
            return False
        _, length, _ = parse_header(self._buffer[:HEADER_SIZE], self._limits)
        return len(self._buffer) >= HEADER_SIZE + length
