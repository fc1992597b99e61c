"""Time passed in: handshake timeout, heartbeats while idle, idle timeout; next_timer()."""

from __future__ import annotations

import pytest

from protocol.events import SessionEnded
from protocol.messages import ChatLine, Heartbeat, PointerMove, decode_message
from protocol.session import Role, SessionConnection, State
from protocol.wire import HANDSHAKE_TIMEOUT_S, HEARTBEAT_INTERVAL_S, IDLE_TIMEOUT_S
from tests.unit.test_protocol_pair import SECRET, ConnectionPair

HANDSHAKE_TIMEOUT = (
    f"timeout: the handshake did not finish within {HANDSHAKE_TIMEOUT_S:g} s; "
    "check the network and connect again"
)
IDLE_TIMEOUT = f"timeout: nothing received from the other side for {IDLE_TIMEOUT_S:g} s"


def open_record(receiver: SessionConnection, frame: bytes) -> object:
    """Decrypt a frame meant for ``receiver`` with a copy of its keys (to look inside)."""
    keys = receiver._keys
    assert keys is not None
    return decode_message(keys.opener.open(keys.opener.seq, frame[:16], frame[16:]))


def test_no_timer_before_initiate() -> None:
    conn = SessionConnection(Role.VIEWER, SECRET, 5.0)
    assert conn.next_timer() is None
    conn.handle_timer(1_000_000.0)
    assert conn.state is State.HANDSHAKE and conn.events() == []


def test_handshake_times_out_from_initiate() -> None:
    conn = SessionConnection(Role.VIEWER, SECRET, 0.0)
    conn.initiate(10.0)
    assert conn.next_timer() == 10.0 + HANDSHAKE_TIMEOUT_S
    conn.frames_to_send()
    conn.handle_timer(10.0 + HANDSHAKE_TIMEOUT_S - 0.01)
    assert conn.events() == [] and conn.state is State.HANDSHAKE
    conn.handle_timer(10.0 + HANDSHAKE_TIMEOUT_S)
    assert conn.events() == [SessionEnded(HANDSHAKE_TIMEOUT, by_peer=False)]
    assert conn.state is State.ENDED
    assert conn.frames_to_send() == []  # no keys: nothing may be sent
    assert conn.next_timer() is None


def test_handshake_timer_stops_once_confirmed() -> None:
    pair = ConnectionPair(now=0.0)
    pair.handshake()
    assert pair.host.next_timer() == HEARTBEAT_INTERVAL_S  # no longer HANDSHAKE_TIMEOUT_S
    pair.host.handle_timer(HEARTBEAT_INTERVAL_S)
    assert pair.host.state is State.WAITING_CONSENT
    assert pair.host.events() == []
    assert len(pair.host.frames_to_send()) == 1  # a heartbeat


def test_heartbeat_after_send_idleness_and_only_then() -> None:
    pair = ConnectionPair(now=0.0)
    pair.go_live()
    host = pair.host
    assert host.next_timer() == HEARTBEAT_INTERVAL_S  # the ConsentDecision went out at 0
    host.handle_timer(HEARTBEAT_INTERVAL_S - 0.1)
    assert host.frames_to_send() == []
    host.handle_timer(HEARTBEAT_INTERVAL_S)
    (frame,) = host.frames_to_send()
    assert open_record(pair.viewer, frame) == Heartbeat()
    assert host.next_timer() == 2 * HEARTBEAT_INTERVAL_S


def test_sending_postpones_the_heartbeat() -> None:
    pair = ConnectionPair(now=0.0)
    pair.go_live()
    pair.viewer.handle_timer(4.0)  # the viewer learns the time
    pair.viewer.send(PointerMove(1, 1))
    pair.viewer.frames_to_send()
    assert pair.viewer.next_timer() == 4.0 + HEARTBEAT_INTERVAL_S
    pair.viewer.handle_timer(4.0 + HEARTBEAT_INTERVAL_S - 0.5)
    assert pair.viewer.frames_to_send() == []


def test_heartbeats_keep_an_idle_session_alive() -> None:
    pair = ConnectionPair(now=0.0)
    pair.go_live()
    for step in range(1, 121):  # two minutes of silence but for heartbeats, in half seconds
        pair.now = step * 0.5
        pair.host.handle_timer(pair.now)
        pair.viewer.handle_timer(pair.now)
        pair.pump()
    assert pair.host.state is pair.viewer.state is State.LIVE
    assert pair.host.events() == pair.viewer.events() == []
    assert pair.host.stats.frames_out >= 60 / HEARTBEAT_INTERVAL_S


def test_silent_peer_times_out_and_is_told() -> None:
    pair = ConnectionPair(now=0.0)
    pair.go_live()
    pair.host.handle_timer(IDLE_TIMEOUT_S / 2)
    pair.host.frames_to_send()  # its heartbeat is lost on the way
    assert pair.viewer.next_timer() == HEARTBEAT_INTERVAL_S
    pair.viewer.handle_timer(IDLE_TIMEOUT_S - 0.01)
    assert pair.viewer.state is State.LIVE
    pair.deliver(pair.viewer)  # the viewer's own heartbeats do reach the host
    pair.viewer.handle_timer(IDLE_TIMEOUT_S)
    assert pair.viewer.events() == [SessionEnded(IDLE_TIMEOUT, by_peer=False)]
    assert pair.viewer.state is State.ENDED
    pair.now = IDLE_TIMEOUT_S
    pair.pump()
    assert pair.host.events() == [SessionEnded(IDLE_TIMEOUT, by_peer=True)]


def test_received_records_reset_the_idle_timer() -> None:
    pair = ConnectionPair(now=0.0)
    pair.go_live()
    pair.now = IDLE_TIMEOUT_S - 1
    pair.host.send(ChatLine("still here", "customer"))
    pair.pump()
    assert pair.viewer.events() == [ChatLine("still here", "customer")]
    pair.viewer.handle_timer(IDLE_TIMEOUT_S + 1)
    assert pair.viewer.state is State.LIVE
    pair.viewer.handle_timer(2 * IDLE_TIMEOUT_S - 1)
    assert pair.viewer.state is State.ENDED


@pytest.mark.parametrize("state", ["waiting", "live"])
def test_next_timer_is_the_earlier_of_heartbeat_and_idle(state: str) -> None:
    pair = ConnectionPair(now=0.0)
    if state == "live":
        pair.go_live()
    else:
        pair.handshake()
    conn = pair.viewer
    conn.handle_timer(3.0)
    assert conn.next_timer() == min(HEARTBEAT_INTERVAL_S, IDLE_TIMEOUT_S)
    for now in (5.0, 10.0, 15.0):
        conn.handle_timer(now)
        conn.frames_to_send()
        assert conn.next_timer() == min(now + HEARTBEAT_INTERVAL_S, IDLE_TIMEOUT_S)
