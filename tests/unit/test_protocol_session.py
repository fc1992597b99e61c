"""Session rules: every message round-trips in LIVE, role and state rules, ending, misuse."""

from __future__ import annotations

from typing import Any

import pytest

from protocol.errors import LocalProtocolError, MessageDecodeError
from protocol.events import PeerError, SessionEnded
from protocol.messages import (
    BlinderRegions,
    ChatLine,
    ConsentDecision,
    ControlGrant,
    ControlRequest,
    ControlRevoke,
    ErrorMessage,
    FrameAck,
    Heartbeat,
    HostInfo,
    KeyframeRequest,
    KeyInput,
    Message,
    PermissionDecision,
    PermissionRequest,
    PointerButton,
    PointerMove,
    SessionEnd,
    SharingState,
    VideoFrame,
    Wheel,
    encode_message,
    pack_rects,
    unpack_rects,
)
from protocol.session import Role, SessionConnection, State
from protocol.wire import MAX_PAYLOAD, Button, Modifier
from tests.unit.test_protocol_pair import SECRET, ConnectionPair

HOST_ONLY: list[Message] = [
    VideoFrame(7, True, 1920, 1080, 123_456_789, b"\x00\x00\x00\x01" + bytes(range(256)) * 40),
    ControlGrant(),
    HostInfo("PC-042", "Windows 11", 2560, 1440),
    PermissionDecision(3, "file_send", False, "the customer said no"),
    SharingState(True, "paused by the customer"),
    BlinderRegions(pack_rects([(10, 20, 300, 200), (0, 0, 65535, 1)])),
]
VIEWER_ONLY: list[Message] = [
    PointerMove(640, 480),
    PointerButton(10, 20, Button.RIGHT, True),
    Wheel(-1, 3),
    KeyInput("a", True, Modifier.SHIFT | Modifier.CTRL, "A"),
    KeyInput("Return", False),
    KeyframeRequest(),
    FrameAck(7),
    ControlRequest(),
    PermissionRequest(3, "file_send", "report.pdf (2.1 MB)"),
]
LIVE_EITHER: list[Message] = [
    ChatLine("안녕하세요 — hello", "Agent Kim", 1_700_000_000_000),
    ControlRevoke("the customer took control back"),
]
ERROR = ErrorMessage("decoder", "could not decode frame 7")
EITHER: list[Message] = [*LIVE_EITHER, ERROR]


def forge(sender: SessionConnection, message: Message) -> bytes:
    """A correctly encrypted record carrying ``message``, bypassing the sender's own rule checks.

    It stands for a buggy or hostile peer that holds the keys.
    """
    keys = sender._keys
    assert keys is not None
    frame: bytes = keys.sealer.seal(encode_message(message))
    return frame


def live_pair() -> ConnectionPair:
    pair = ConnectionPair()
    pair.go_live()
    return pair


@pytest.mark.parametrize("message", HOST_ONLY + EITHER, ids=repr)
def test_host_messages_round_trip_in_live(message: Message) -> None:
    pair = live_pair()
    pair.host.send(message)
    pair.pump()
    assert pair.viewer.events() == [message]
    assert pair.host.events() == []


@pytest.mark.parametrize("message", VIEWER_ONLY + EITHER, ids=repr)
def test_viewer_messages_round_trip_in_live(message: Message) -> None:
    pair = live_pair()
    pair.viewer.send(message)
    pair.pump()
    assert pair.host.events() == [message]


def test_many_messages_keep_their_order() -> None:
    pair = live_pair()
    sent = [PointerMove(x, x * 2) for x in range(200)]
    for message in sent:
        pair.viewer.send(message)
    pair.pump()
    assert pair.host.events() == sent


def test_heartbeat_is_accepted_silently() -> None:
    pair = live_pair()
    frames_before = pair.viewer.stats.frames_in
    pair.host.send(Heartbeat())
    pair.pump()
    assert pair.viewer.events() == []
    assert pair.viewer.stats.frames_in == frames_before + 1
    assert pair.viewer.state is State.LIVE


@pytest.mark.parametrize("message", HOST_ONLY, ids=repr)
def test_viewer_may_not_send_host_messages(message: Message) -> None:
    pair = live_pair()
    with pytest.raises(LocalProtocolError, match=f"only the host may send {type(message).__name__}"):
        pair.viewer.send(message)
    assert pair.viewer.frames_to_send() == []
    assert pair.viewer.state is State.LIVE


@pytest.mark.parametrize("message", VIEWER_ONLY, ids=repr)
def test_host_may_not_send_viewer_messages(message: Message) -> None:
    pair = live_pair()
    with pytest.raises(LocalProtocolError, match=f"only the viewer may send {type(message).__name__}"):
        pair.host.send(message)
    assert pair.host.state is State.LIVE


@pytest.mark.parametrize("message", [*HOST_ONLY, ConsentDecision(True)], ids=repr)
def test_host_message_from_the_viewer_is_a_peer_error(message: Message) -> None:
    pair = live_pair()
    pair.host.receive_data(forge(pair.viewer, message), pair.now)
    events = pair.host.events()
    assert isinstance(events[0], PeerError)
    assert f"only the host may send {type(message).__name__}, not the viewer" in events[0].reason
    assert isinstance(events[1], SessionEnded)
    assert pair.host.state is State.ENDED


@pytest.mark.parametrize("message", VIEWER_ONLY, ids=repr)
def test_viewer_message_from_the_host_is_a_peer_error(message: Message) -> None:
    pair = live_pair()
    pair.viewer.receive_data(forge(pair.host, message), pair.now)
    events = pair.viewer.events()
    assert isinstance(events[0], PeerError)
    assert f"only the viewer may send {type(message).__name__}" in events[0].reason
    assert pair.viewer.state is State.ENDED


@pytest.mark.parametrize("message", HOST_ONLY + LIVE_EITHER, ids=repr)
def test_live_messages_may_not_be_sent_while_waiting_for_consent(message: Message) -> None:
    pair = ConnectionPair()
    pair.handshake()
    with pytest.raises(LocalProtocolError, match="waiting for the customer's consent"):
        pair.host.send(message)
    assert pair.host.frames_to_send() == []


@pytest.mark.parametrize("message", VIEWER_ONLY + LIVE_EITHER, ids=repr)
def test_live_messages_arriving_before_consent_are_a_peer_error(message: Message) -> None:
    pair = ConnectionPair()
    pair.handshake()
    pair.host.receive_data(forge(pair.viewer, message), pair.now)
    events = pair.host.events()
    assert isinstance(events[0], PeerError)
    assert "while the session is waiting for the customer's consent" in events[0].reason
    assert pair.host.state is State.ENDED


def test_error_message_and_heartbeat_may_flow_while_waiting_for_consent() -> None:
    pair = ConnectionPair()
    pair.handshake()
    pair.viewer.send(ERROR)
    pair.viewer.send(Heartbeat())
    pair.host.send(Heartbeat())
    pair.pump()
    assert pair.host.events() == [ERROR]
    assert pair.viewer.events() == []
    assert pair.host.state is pair.viewer.state is State.WAITING_CONSENT


def test_video_arriving_before_consent_is_a_peer_error() -> None:
    pair = ConnectionPair()
    pair.handshake()
    pair.viewer.receive_data(forge(pair.host, HOST_ONLY[0]), pair.now)
    events = pair.viewer.events()
    assert isinstance(events[0], PeerError)
    assert "VideoFrame may not be sent while the session is waiting" in events[0].reason
    assert pair.viewer.state is State.ENDED


@pytest.mark.parametrize(
    "message", [*HOST_ONLY, ConsentDecision(True), SessionEnd("bye"), Heartbeat()], ids=repr
)
def test_nothing_may_be_sent_during_the_handshake(message: Message) -> None:
    pair = ConnectionPair()
    pair.initiate()
    with pytest.raises(LocalProtocolError, match="still in its handshake"):
        pair.host.send(message)


def test_consent_may_not_be_given_twice() -> None:
    pair = live_pair()
    with pytest.raises(LocalProtocolError, match="ConsentDecision may not be sent while the session is live"):
        pair.host.send(ConsentDecision(True))


def test_viewer_may_end_while_waiting_for_consent() -> None:
    pair = ConnectionPair()
    pair.handshake()
    pair.viewer.send(SessionEnd("the agent gave up"))
    assert pair.viewer.events() == [SessionEnded("the agent gave up", by_peer=False)]
    pair.pump()
    assert pair.host.events() == [SessionEnded("the agent gave up", by_peer=True)]
    assert pair.host.state is State.ENDED


def test_end_reaches_the_peer_and_closes_both_sides() -> None:
    pair = live_pair()
    pair.host.end("the customer closed the notice window")
    assert pair.host.state is State.ENDED
    assert pair.host.events() == [SessionEnded("the customer closed the notice window", by_peer=False)]
    pair.pump()
    assert pair.viewer.events() == [SessionEnded("the customer closed the notice window", by_peer=True)]
    assert pair.viewer.state is State.ENDED
    assert pair.viewer.frames_to_send() == []  # an ended session answers nothing


def test_after_end_send_raises_and_input_is_ignored() -> None:
    pair = live_pair()
    pair.viewer.send(ChatLine("last words", "agent"))
    pending = pair.viewer.frames_to_send()
    pair.host.end("done")
    pair.host.events()
    with pytest.raises(LocalProtocolError, match=r"the session is over \(done\)"):
        pair.host.send(ChatLine("too late", "customer"))
    stats = pair.host.stats
    for frame in [*pending, b"garbage after the end"]:
        pair.host.receive_data(frame, pair.now)
    assert pair.host.events() == []
    assert pair.host.stats == stats
    pair.host.end("again")
    assert pair.host.events() == []
    assert len(pair.host.frames_to_send()) == 1  # the one SessionEnd
    assert pair.host.next_timer() is None


def test_end_before_keys_are_confirmed_sends_nothing() -> None:
    pair = ConnectionPair()
    pair.initiate()
    pair.deliver(pair.host)  # the viewer now has keys and queued its KEY_CONFIRM
    pair.viewer.end("cancelled")
    assert [frame[3] for frame in pair.viewer.frames_to_send()] == [1, 2]  # HELLO, KEY_CONFIRM only
    assert pair.viewer.events() == [SessionEnded("cancelled", by_peer=False)]


def test_end_before_initiate_then_initiate_raises() -> None:
    conn = SessionConnection(Role.VIEWER, SECRET, 0.0)
    conn.end("not needed")
    assert conn.frames_to_send() == []
    with pytest.raises(LocalProtocolError):
        conn.initiate(1.0)


def test_initiate_twice_raises() -> None:
    conn = SessionConnection(Role.HOST, SECRET, 0.0)
    conn.initiate(0.0)
    with pytest.raises(LocalProtocolError, match="once"):
        conn.initiate(0.0)


def test_empty_secret_is_refused() -> None:
    with pytest.raises(LocalProtocolError, match="secret is empty"):
        SessionConnection(Role.HOST, b"", 0.0)


@pytest.mark.parametrize("thing", [PeerError("x"), "text", None])
def test_sending_something_that_is_not_a_message_raises(thing: Any) -> None:
    pair = live_pair()
    with pytest.raises(LocalProtocolError, match=r"not a protocol\.messages message"):
        pair.host.send(thing)


def test_oversize_message_is_refused_locally() -> None:
    pair = live_pair()
    with pytest.raises(LocalProtocolError, match="exceeds"):
        pair.host.send(VideoFrame(1, True, 1, 1, 0, bytes(MAX_PAYLOAD)))
    assert pair.host.state is State.LIVE
    assert pair.host.frames_to_send() == []


def test_largest_frame_that_fits_round_trips() -> None:
    pair = live_pair()
    probe = encode_message(VideoFrame(1, True, 1, 1, 0, b""))
    data = bytes(MAX_PAYLOAD - 16 - len(probe) - 3)  # bin8 (2-byte prefix) becomes bin32 (5 bytes)
    pair.host.send(VideoFrame(1, True, 1, 1, 0, data))
    frames = pair.deliver(pair.host)
    assert len(frames[0]) == MAX_PAYLOAD + 16
    events = pair.viewer.events()
    assert isinstance(events[0], VideoFrame) and events[0].data == data


def test_peer_error_in_live_tells_the_peer_why() -> None:
    pair = live_pair()
    pair.host.receive_data(forge(pair.viewer, ControlGrant()), pair.now)
    reason = pair.host.events()[0]
    assert isinstance(reason, PeerError)
    pair.pump()
    events = pair.viewer.events()
    assert len(events) == 1 and isinstance(events[0], SessionEnded)
    assert events[0].by_peer
    assert events[0].reason == f"the other side ended the session after an error: {reason.reason}"


def test_blinder_rectangles_pack_and_unpack() -> None:
    rects = [(10, 20, 300, 200), (0, 0, 65535, 1)]
    assert unpack_rects(pack_rects(rects)) == rects
    with pytest.raises(MessageDecodeError):
        unpack_rects(b"\x00" * 7)
    with pytest.raises(ValueError, match="at most"):
        pack_rects([(0, 0, 1, 1)] * 257)
