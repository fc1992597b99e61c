"""Fuzzing with a fixed seed (no hypothesis): random and mutated input never raises, never leaks.

Invariants checked on every run: receive_data() returns normally; the messages reported
are exactly a prefix of what the peer really sent (a mutated record is never accepted);
when anything went wrong there is one PeerError, one SessionEnded, and the state is ENDED.
"""

from __future__ import annotations

import random

from protocol.events import Event, PeerError, SessionEnded
from protocol.messages import ChatLine, PointerMove
from protocol.session import Role, SessionConnection, State
from protocol.wire import HEADER, MAGIC, MAX_PAYLOAD, WIRE_VERSION, FrameKind
from tests.unit.test_protocol_pair import SECRET, ConnectionPair

SEED = 20240611


def chunks(rng: random.Random, data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        size = rng.choice((1, 2, 7, 16, 17, 64, 1000))
        out.append(data[pos : pos + size])
        pos += size
    return out


def mutate(rng: random.Random, stream: bytes) -> bytes:
    """One random corruption of a byte stream."""
    data = bytearray(stream)
    pos = rng.randrange(len(data))
    kind = rng.randrange(6)
    if kind == 0:
        data[pos] ^= 1 << rng.randrange(8)
    elif kind == 1:
        del data[pos : pos + rng.randint(1, 20)]
    elif kind == 2:
        data[pos:pos] = rng.randbytes(rng.randint(1, 20))
    elif kind == 3:
        data[pos:pos] = data[: rng.randint(1, len(data))]  # replay a prefix
    elif kind == 4:
        data[pos:pos] = HEADER.pack(MAGIC, WIRE_VERSION, rng.choice(list(FrameKind)), rng.randrange(2**32), 0)
    else:
        data = data[:pos]
    return bytes(data)


def check_outcome(events: list[Event], sent: list[object], conn: SessionConnection) -> None:
    messages = [e for e in events if not isinstance(e, PeerError | SessionEnded)]
    assert messages == sent[: len(messages)]
    errors = [e for e in events if isinstance(e, PeerError)]
    ends = [e for e in events if isinstance(e, SessionEnded)]
    assert len(errors) <= 1 and len(ends) == (1 if conn.state is State.ENDED else 0)
    if errors:
        assert events[-1] == SessionEnded(errors[0].reason) and conn.state is State.ENDED


def test_random_bytes_after_the_handshake_never_raise() -> None:
    rng = random.Random(SEED)
    for _ in range(40):
        pair = ConnectionPair()
        pair.go_live()
        target = rng.choice((pair.host, pair.viewer))
        garbage = rng.randbytes(rng.randint(1, 300))
        if rng.random() < 0.5:  # garbage that looks like a frame header at first
            garbage = HEADER.pack(MAGIC, WIRE_VERSION, FrameKind.RECORD, rng.randint(17, 400), 0) + garbage
        for chunk in chunks(rng, garbage):
            target.receive_data(chunk, pair.now)
        target.receive_data(b"", pair.now)
        events = target.events()
        check_outcome(events, [], target)
        assert isinstance(events[0], PeerError)
        assert target.state is State.ENDED
        target.receive_data(rng.randbytes(50), pair.now)  # ignored after the end
        assert target.events() == []


def test_mutated_live_streams_never_raise_nor_deliver_altered_messages() -> None:
    rng = random.Random(SEED + 1)
    for _ in range(60):
        pair = ConnectionPair()
        pair.go_live()
        sent: list[object] = []
        for i in range(rng.randint(1, 6)):
            message = rng.choice((PointerMove(i, -i), ChatLine("x" * rng.randint(0, 90), "agent")))
            pair.viewer.send(message)
            sent.append(message)
        stream = mutate(rng, b"".join(pair.viewer.frames_to_send()))
        for chunk in chunks(rng, stream):
            pair.host.receive_data(chunk, pair.now)
        pair.host.receive_data(b"", pair.now)
        check_outcome(pair.host.events(), sent, pair.host)
        assert pair.host.state is State.ENDED


def test_random_hellos_never_raise() -> None:
    rng = random.Random(SEED + 2)
    sender = SessionConnection(Role.HOST, SECRET, 0.0)
    sender.initiate(0.0)
    (hello,) = sender.frames_to_send()
    for _ in range(150):
        conn = SessionConnection(Role.VIEWER, SECRET, 0.0)
        conn.initiate(0.0)
        if rng.random() < 0.5:
            payload = rng.randbytes(67)
        else:
            payload = bytearray(hello[16:])
            for _ in range(rng.randint(1, 4)):
                payload[rng.randrange(67)] = rng.randrange(256)
        conn.receive_data(HEADER.pack(MAGIC, WIRE_VERSION, FrameKind.HELLO, 67, 0) + bytes(payload), 0.0)
        events = conn.events()
        assert events == [] or isinstance(events[0], PeerError)
        if events:
            assert conn.state is State.ENDED


def test_random_frames_before_the_handshake_never_raise() -> None:
    rng = random.Random(SEED + 3)
    for _ in range(100):
        conn = SessionConnection(rng.choice(list(Role)), SECRET, 0.0)
        if rng.random() < 0.5:
            conn.initiate(0.0)
        kind = rng.choice((1, 2, 3, 0, 255))
        length = rng.choice((0, 1, 16, 17, 67, 68, MAX_PAYLOAD, MAX_PAYLOAD + 1))
        header = HEADER.pack(MAGIC, WIRE_VERSION, kind, length, rng.randrange(4))
        data = header + rng.randbytes(rng.randint(0, 100))
        for chunk in chunks(rng, data):
            conn.receive_data(chunk, 0.0)
        conn.receive_data(b"", 0.0)
        events = conn.events()
        assert events and isinstance(events[-1], SessionEnded)
        assert conn.state is State.ENDED
