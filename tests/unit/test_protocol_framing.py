"""Framing: any chunking works; garbage, bad headers, oversize and truncated input become PeerError."""

from __future__ import annotations

import random

import pytest

from protocol.events import HandshakeComplete, PeerError, SessionEnded, SessionLive
from protocol.framing import FrameReader, FramingError, pack_header
from protocol.messages import ChatLine, ConsentDecision, PointerMove, VideoFrame
from protocol.session import Role, SessionConnection, State
from protocol.wire import HEADER, MAGIC, MAX_PAYLOAD, WIRE_VERSION, FrameKind
from tests.unit.test_protocol_pair import SECRET, Chunker, ConnectionPair

LIMITS = {FrameKind.HELLO: (4, 4), FrameKind.RECORD: (1, MAX_PAYLOAD)}


def byte_by_byte(frame: bytes) -> list[bytes]:
    return [frame[i : i + 1] for i in range(len(frame))]


def random_chunks(seed: int) -> Chunker:
    rng = random.Random(seed)

    def chunker(frame: bytes) -> list[bytes]:
        chunks, pos = [], 0
        while pos < len(frame):
            size = rng.randint(1, 40)
            chunks.append(frame[pos : pos + size])
            pos += size
        return chunks

    return chunker


def single_error(conn: SessionConnection) -> str:
    """The reason of the one PeerError the connection reported, checking SessionEnded follows."""
    events = conn.events()
    assert len(events) == 2, events
    assert isinstance(events[0], PeerError)
    assert events[1] == SessionEnded(events[0].reason, by_peer=False)
    assert conn.state is State.ENDED
    return events[0].reason


def fresh_viewer() -> SessionConnection:
    conn = SessionConnection(Role.VIEWER, SECRET, 0.0)
    conn.initiate(0.0)
    return conn


def test_byte_by_byte_handshake_consent_and_live_traffic() -> None:
    pair = ConnectionPair()
    host_events, viewer_events = pair.handshake(byte_by_byte)
    assert isinstance(host_events[0], HandshakeComplete) and host_events == viewer_events
    pair.host.send(ConsentDecision(True))
    sent = [VideoFrame(1, True, 640, 480, 5, bytes(range(256)) * 20), ChatLine("hi", "customer")]
    for message in sent:
        pair.host.send(message)
    pair.pump(byte_by_byte)
    assert pair.viewer.events() == [SessionLive(), *sent]


def test_byte_by_byte_live_traffic() -> None:
    pair = ConnectionPair()
    pair.go_live()
    sent = [VideoFrame(1, True, 640, 480, 5, bytes(range(256)) * 20), ChatLine("hi", "customer")]
    for message in sent:
        pair.host.send(message)
    pair.pump(byte_by_byte)
    assert pair.viewer.events() == sent


@pytest.mark.parametrize("seed", range(5))
def test_random_chunks_and_coalesced_frames(seed: int) -> None:
    pair = ConnectionPair()
    pair.go_live()
    sent = [PointerMove(i, i) for i in range(50)]
    for message in sent:
        pair.viewer.send(message)
    stream = b"".join(pair.viewer.frames_to_send())
    chunker = random_chunks(seed)
    for chunk in chunker(stream):
        pair.host.receive_data(chunk, pair.now)
    assert pair.host.events() == sent


def test_whole_stream_in_one_chunk() -> None:
    pair = ConnectionPair()
    pair.go_live()
    sent = [ChatLine(f"line {i}", "agent") for i in range(20)]
    for message in sent:
        pair.viewer.send(message)
    pair.host.receive_data(bytearray(b"".join(pair.viewer.frames_to_send())), pair.now)
    assert pair.host.events() == sent


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"GET / HTTP/1.1\r\nHost: relay\r\n\r\n", "not a Ferry frame"),
        (bytes(64), "not a Ferry frame"),
        (HEADER.pack(MAGIC, 2, FrameKind.HELLO, 67, 0), "the peer speaks wire version 2"),
        (HEADER.pack(MAGIC, 0, FrameKind.RECORD, 67, 0), "the peer speaks wire version 0"),
        (HEADER.pack(MAGIC, WIRE_VERSION, 9, 67, 0), "unknown frame kind 9"),
        (
            HEADER.pack(MAGIC, WIRE_VERSION, FrameKind.HELLO, 1000, 0),
            "HELLO frame of 1000 bytes: expected 67",
        ),
        (HEADER.pack(MAGIC, WIRE_VERSION, FrameKind.RECORD, 3, 0), "RECORD frame of 3 bytes"),
    ],
)
def test_bad_headers_are_rejected_on_the_header(data: bytes, expected: str) -> None:
    conn = fresh_viewer()
    conn.receive_data(data, 1.0)
    assert expected in single_error(conn)


@pytest.mark.parametrize("length", [MAX_PAYLOAD + 1, 2**32 - 1])
def test_oversize_frame_is_refused_without_waiting_for_its_payload(length: int) -> None:
    conn = fresh_viewer()
    conn.receive_data(HEADER.pack(MAGIC, WIRE_VERSION, FrameKind.RECORD, length, 0), 1.0)
    reason = single_error(conn)
    assert reason == f"oversize frame: {length} bytes announced, the limit is {MAX_PAYLOAD}"


def test_oversize_header_split_across_chunks_is_refused() -> None:
    conn = fresh_viewer()
    header = HEADER.pack(MAGIC, WIRE_VERSION, FrameKind.RECORD, MAX_PAYLOAD + 1, 0)
    conn.receive_data(header[:5], 1.0)
    assert conn.events() == []
    conn.receive_data(header[5:], 1.0)
    assert single_error(conn).startswith("oversize frame")


def test_garbage_after_valid_frames_is_found_after_they_are_handled() -> None:
    pair = ConnectionPair()
    pair.go_live()
    pair.viewer.send(PointerMove(1, 2))
    stream = b"".join(pair.viewer.frames_to_send()) + b"\xffgarbage garbage"
    pair.host.receive_data(stream, pair.now)
    events = pair.host.events()
    assert events[0] == PointerMove(1, 2)
    assert isinstance(events[1], PeerError) and "not a Ferry frame" in events[1].reason
    assert pair.host.state is State.ENDED


@pytest.mark.parametrize("cut", [1, 15, 16, 40, 82])
def test_truncated_frame_at_close_is_a_peer_error(cut: int) -> None:
    sender = SessionConnection(Role.HOST, SECRET, 0.0)
    sender.initiate(0.0)
    (hello,) = sender.frames_to_send()
    assert len(hello) == 83
    conn = fresh_viewer()
    conn.receive_data(hello[:cut], 1.0)
    assert conn.events() == []
    conn.receive_data(b"", 2.0)
    reason = single_error(conn)
    assert reason.startswith("truncated frame: the stream ended after")
    assert f"after {cut} of" in reason


def test_close_on_a_frame_boundary_is_a_lost_connection_not_an_error() -> None:
    pair = ConnectionPair()
    pair.go_live()
    pair.host.receive_data(b"", pair.now)
    assert pair.host.events() == [SessionEnded("connection lost: the stream closed before the session ended")]
    assert pair.host.state is State.ENDED


def test_record_before_hello_is_a_peer_error() -> None:
    conn = fresh_viewer()
    conn.receive_data(pack_header(FrameKind.RECORD, 40, 0) + bytes(40), 1.0)
    assert "encrypted record before the handshake" in single_error(conn)


def test_second_hello_is_a_peer_error() -> None:
    pair = ConnectionPair()
    pair.go_live()
    pair.host.receive_data(pair.viewer._handshake.hello_frame, pair.now)
    assert "second HELLO" in single_error(pair.host)


def test_hello_with_nonzero_seq_is_a_peer_error() -> None:
    sender = SessionConnection(Role.HOST, SECRET, 0.0)
    sender.initiate(0.0)
    (hello,) = sender.frames_to_send()
    conn = fresh_viewer()
    conn.receive_data(hello[:15] + b"\x01" + hello[16:], 1.0)
    assert "HELLO has seq 1" in single_error(conn)


def test_frame_reader_yields_views_and_keeps_the_partial_tail() -> None:
    reader = FrameReader(LIMITS)
    first = pack_header(FrameKind.HELLO, 4, 0) + b"abcd"
    second = pack_header(FrameKind.RECORD, 3, 7) + b"xyz"
    frames = list(reader.feed(first + second[:10]))
    assert [(f.kind, f.seq, bytes(f.payload)) for f in frames] == [(FrameKind.HELLO, 0, b"abcd")]
    assert reader.pending == 10
    frames = list(reader.feed(second[10:]))
    assert [(f.kind, f.seq, bytes(f.payload), f.header) for f in frames] == [
        (FrameKind.RECORD, 7, b"xyz", second[:16])
    ]
    assert reader.pending == 0 and reader.truncation_reason() is None


def test_frame_reader_raises_framing_error_on_a_bad_magic() -> None:
    reader = FrameReader(LIMITS)
    with pytest.raises(FramingError, match="not a Ferry frame"):
        list(reader.feed(b"XY" + bytes(14)))
