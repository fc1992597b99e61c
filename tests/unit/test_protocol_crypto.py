"""E2E protection: tampering, replay, reordering, reflection, bad handshakes; key schedule layout."""

from __future__ import annotations

import struct

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from protocol.crypto import Handshake, RecordError, RecordOpener, RecordSealer
from protocol.events import PeerError, SessionEnded
from protocol.messages import ChatLine, PointerMove, VideoFrame, encode_message
from protocol.session import WRONG_SECRET, Role, SessionConnection, State
from protocol.wire import HEADER_SIZE
from tests.unit.test_protocol_pair import SECRET, ConnectionPair


def live_frames(count: int) -> tuple[ConnectionPair, list[bytes]]:
    """A live pair and ``count`` undelivered viewer->host records carrying PointerMove(i, i).

    The viewer's seq 0 was its KEY_CONFIRM, so these records have seq 1, 2, …
    """
    pair = ConnectionPair()
    pair.go_live()
    for i in range(count):
        pair.viewer.send(PointerMove(i, i))
    frames = pair.viewer.frames_to_send()
    assert len(frames) == count
    return pair, frames


def peer_error(conn: SessionConnection) -> str:
    events = [e for e in conn.events() if not isinstance(e, PointerMove)]
    assert isinstance(events[0], PeerError), events
    assert isinstance(events[1], SessionEnded)
    assert conn.state is State.ENDED
    return events[0].reason


def flip(frame: bytes, index: int) -> bytes:
    return frame[:index] + bytes((frame[index] ^ 0x01,)) + frame[index + 1 :]


@pytest.mark.parametrize("index", [HEADER_SIZE, HEADER_SIZE + 3, -17, -1])  # ciphertext and tag bytes
def test_altered_ciphertext_is_rejected(index: int) -> None:
    pair, frames = live_frames(1)
    pair.host.receive_data(flip(frames[0], index % len(frames[0])), pair.now)
    assert peer_error(pair.host) == "record 1 failed authentication: it was altered on the way"


@pytest.mark.parametrize("index", range(HEADER_SIZE))
def test_altered_header_byte_is_rejected(index: int) -> None:
    pair, frames = live_frames(2)
    pair.host.receive_data(flip(frames[0], index), pair.now)
    pair.host.receive_data(frames[1], pair.now)  # a grown length field swallows the next frame…
    pair.host.receive_data(b"", pair.now)  # …and the stream ends inside it
    events = pair.host.events()
    assert isinstance(events[0], PeerError), events  # nothing of the altered frame got through
    assert events[1:] == [SessionEnded(events[0].reason)]
    assert pair.host.state is State.ENDED


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, "not a Ferry frame"),
        (2, "wire version"),
        (3, "unknown frame kind 3"),
        (7, "truncated frame: the stream ended after 36 of the frame's 37 bytes"),
        (15, "record out of sequence: expected seq 1, got 0"),
    ],
)
def test_altered_header_fields_name_the_problem(index: int, expected: str) -> None:
    pair, frames = live_frames(1)
    pair.host.receive_data(flip(frames[0], index), pair.now)
    pair.host.receive_data(b"", pair.now)
    assert expected in peer_error(pair.host)


def test_shortened_length_field_fails_authentication() -> None:
    pair, frames = live_frames(2)
    frame = frames[0][:7] + bytes((frames[0][7] - 1,)) + frames[0][8:]
    pair.host.receive_data(frame, pair.now)
    assert "record 1 failed authentication" in peer_error(pair.host)


def test_replayed_frame_is_rejected() -> None:
    pair, frames = live_frames(2)
    for frame in [frames[0], frames[1], frames[1]]:
        pair.host.receive_data(frame, pair.now)
    events = pair.host.events()
    assert events[:2] == [PointerMove(0, 0), PointerMove(1, 1)]
    assert isinstance(events[2], PeerError)
    assert events[2].reason.startswith("record out of sequence: expected seq 3, got 2")
    assert pair.host.state is State.ENDED


def test_swapped_frames_are_rejected() -> None:
    pair, frames = live_frames(3)
    for frame in [frames[0], frames[2], frames[1]]:
        pair.host.receive_data(frame, pair.now)
    events = pair.host.events()
    assert events[0] == PointerMove(0, 0)
    assert isinstance(events[1], PeerError) and "expected seq 2, got 3" in events[1].reason
    assert PointerMove(2, 2) not in events and PointerMove(1, 1) not in events


def test_dropped_frame_is_rejected() -> None:
    pair, frames = live_frames(2)
    pair.host.receive_data(frames[1], pair.now)
    assert "expected seq 1, got 2" in peer_error(pair.host)


def test_reflected_record_is_rejected() -> None:
    pair = ConnectionPair()
    pair.go_live()
    pair.host.send(ChatLine("mirror", "customer"))
    (frame,) = pair.host.frames_to_send()
    pair.host.receive_data(frame[:8] + (1).to_bytes(8, "big") + frame[16:], pair.now)  # seq it expects
    assert "failed authentication" in peer_error(pair.host)


def test_reflected_hello_is_rejected() -> None:
    conn = SessionConnection(Role.HOST, SECRET, 0.0)
    conn.initiate(0.0)
    (hello,) = conn.frames_to_send()
    conn.receive_data(hello, 0.0)
    assert "both ends say they are the host" in peer_error(conn)


@pytest.mark.parametrize("index", [17, 18, 40, 50, 60, 82])  # role byte is 17, SPAKE2 18..50, X25519 51..82
def test_altered_hello_fails_the_handshake(index: int) -> None:
    pair = ConnectionPair()
    pair.initiate()
    (hello,) = pair.host.frames_to_send()
    pair.viewer.receive_data(flip(hello, index), pair.now)
    pair.pump()
    host_reasons = [e.reason for e in pair.host.events() if isinstance(e, PeerError)]
    viewer_reasons = [e.reason for e in pair.viewer.events() if isinstance(e, PeerError)]
    assert viewer_reasons or host_reasons
    assert pair.viewer.state is State.ENDED
    assert pair.host.state is not State.WAITING_CONSENT  # never confirmed
    assert pair.host.sas is None and pair.viewer.sas is None
    if index >= 51:  # a valid but different X25519 key: keys differ, confirmation catches it
        assert host_reasons == [WRONG_SECRET] or viewer_reasons == [WRONG_SECRET]


def test_low_order_x25519_key_is_rejected() -> None:
    sender = SessionConnection(Role.HOST, SECRET, 0.0)
    sender.initiate(0.0)
    (hello,) = sender.frames_to_send()
    conn = SessionConnection(Role.VIEWER, SECRET, 0.0)
    conn.initiate(0.0)
    conn.receive_data(hello[:-32] + bytes(32), 0.0)
    assert "X25519 key is not usable" in peer_error(conn)


def test_invalid_spake2_element_is_rejected() -> None:
    sender = SessionConnection(Role.HOST, SECRET, 0.0)
    sender.initiate(0.0)
    (hello,) = sender.frames_to_send()
    conn = SessionConnection(Role.VIEWER, SECRET, 0.0)
    conn.initiate(0.0)
    conn.receive_data(hello[:19] + bytes(32) + hello[51:], 0.0)  # the zero element
    assert "SPAKE2 message is not valid" in peer_error(conn)


def test_key_confirm_must_come_first() -> None:
    pair = ConnectionPair()
    pair.initiate()
    pair.deliver(pair.host)
    viewer_hello, _confirmation = pair.viewer.frames_to_send()
    pair.host.receive_data(viewer_hello, pair.now)
    viewer_keys = pair.viewer._keys
    assert viewer_keys is not None
    viewer_keys.sealer.seq = 0  # a viewer that skips its confirmation and sends chat at seq 0
    pair.host.receive_data(viewer_keys.sealer.seal(encode_message(ChatLine("early", "x"))), pair.now)
    assert peer_error(pair.host) == "the peer sent a message before confirming the session keys"
    assert pair.host.sas is None


def test_garbled_key_confirm_is_a_wrong_secret() -> None:
    pair = ConnectionPair()
    pair.initiate()
    pair.deliver(pair.host)
    viewer_hello, confirmation = pair.viewer.frames_to_send()
    pair.host.receive_data(viewer_hello, pair.now)
    pair.host.receive_data(flip(confirmation, 20), pair.now)
    assert peer_error(pair.host) == WRONG_SECRET


def test_record_layout_is_chacha20_poly1305_with_counter_nonce_and_header_as_aad() -> None:
    key = bytes(range(32))
    sealer = RecordSealer(key)
    sealer.seal(b"\x33first")
    frame = sealer.seal(b"\x33second")
    header = frame[:HEADER_SIZE]
    assert header == b"FY\x01\x02" + struct.pack("!IQ", 7 + 16, 1)
    nonce = bytes(4) + (1).to_bytes(8, "big")
    assert frame[HEADER_SIZE:] == ChaCha20Poly1305(key).encrypt(nonce, b"\x33second", header)
    opener = RecordOpener(key)
    with pytest.raises(RecordError, match="expected seq 0, got 1"):
        opener.open(1, header, frame[HEADER_SIZE:])
    opener.seq = 1
    assert opener.open(1, header, memoryview(frame)[HEADER_SIZE:]) == b"\x33second"


def test_sas_is_six_digits_from_the_last_okm_bytes() -> None:
    handshake = Handshake(True, SECRET)
    okm = bytes(128) + (42).to_bytes(8, "big")
    assert handshake._keys(okm, bytes(32)).sas == "000042"
    okm = bytes(128) + (2**64 - 1).to_bytes(8, "big")
    assert handshake._keys(okm, bytes(32)).sas == f"{(2**64 - 1) % 10**6:06d}"


def test_directional_keys_differ_and_match_across_roles() -> None:
    host, viewer = Handshake(True, SECRET), Handshake(False, SECRET)
    okm = bytes(range(136))
    host_keys, viewer_keys = host._keys(okm, bytes(32)), viewer._keys(okm, bytes(32))
    assert host_keys.own_confirm == viewer_keys.peer_confirm != host_keys.peer_confirm
    frame = host_keys.sealer.seal(b"\x28hi")
    assert viewer_keys.opener.open(0, frame[:16], frame[16:]) == b"\x28hi"
    with pytest.raises(RecordError):
        host_keys.opener.open(0, frame[:16], frame[16:])


def test_large_video_frame_survives_encryption() -> None:
    pair = ConnectionPair()
    pair.go_live()
    data = bytes(range(256)) * 1200
    pair.host.send(VideoFrame(9, False, 1920, 1080, 1, data))
    (frame,) = pair.deliver(pair.host)
    assert data[:64] not in frame  # no plaintext on the wire
    (event,) = pair.viewer.events()
    assert isinstance(event, VideoFrame) and event.data == data
