"""ConnectionPair, the no-socket test harness of the session channel, and the handshake tests.

ConnectionPair holds a host and a viewer SessionConnection and moves each side's
frames_to_send() into the other's receive_data(), as the relay would, so whole
sessions run without a socket or a clock (``pair.now`` is the fake time).
"""

from __future__ import annotations

from collections.abc import Callable

from protocol.events import Event, HandshakeComplete, PeerError, SessionEnded, SessionLive
from protocol.messages import ConsentDecision
from protocol.session import Role, SessionConnection, State

SECRET = bytes.fromhex("a1" * 32)
Chunker = Callable[[bytes], list[bytes]]


def whole(frame: bytes) -> list[bytes]:
    """Deliver a frame as one chunk (one WebSocket message)."""
    return [frame]


class ConnectionPair:
    """A host and a viewer wired back to back."""

    def __init__(
        self, host_secret: bytes = SECRET, viewer_secret: bytes = SECRET, now: float = 100.0
    ) -> None:
        self.now = now
        self.host = SessionConnection(Role.HOST, host_secret, now)
        self.viewer = SessionConnection(Role.VIEWER, viewer_secret, now)

    def other(self, conn: SessionConnection) -> SessionConnection:
        """The connection at the far end of ``conn``."""
        return self.viewer if conn is self.host else self.host

    def initiate(self) -> None:
        """Both sides send their HELLO (the relay said "paired")."""
        self.host.initiate(self.now)
        self.viewer.initiate(self.now)

    def deliver(self, sender: SessionConnection, chunker: Chunker = whole) -> list[bytes]:
        """Move the sender's queued frames into the other side; return the frames moved."""
        frames = sender.frames_to_send()
        receiver = self.other(sender)
        for frame in frames:
            for chunk in chunker(frame):
                receiver.receive_data(chunk, self.now)
        return frames

    def pump(self, chunker: Chunker = whole) -> None:
        """Deliver both ways until neither side has anything to send."""
        while self.deliver(self.host, chunker) + self.deliver(self.viewer, chunker):
            pass

    def handshake(self, chunker: Chunker = whole) -> tuple[list[Event], list[Event]]:
        """Initiate and pump; return (host events, viewer events)."""
        self.initiate()
        self.pump(chunker)
        return self.host.events(), self.viewer.events()

    def go_live(self) -> None:
        """Handshake, then the host accepts; both sides LIVE, event queues drained."""
        host_events, viewer_events = self.handshake()
        assert isinstance(host_events[0], HandshakeComplete)
        assert isinstance(viewer_events[0], HandshakeComplete)
        self.host.send(ConsentDecision(True))
        self.pump()
        assert self.host.events() == [SessionLive()]
        assert self.viewer.events() == [SessionLive()]
        assert self.host.state is self.viewer.state is State.LIVE


def test_handshake_agrees_on_the_sas_and_waits_for_consent() -> None:
    pair = ConnectionPair()
    assert pair.host.sas is None and pair.viewer.sas is None
    host_events, viewer_events = pair.handshake()
    assert len(host_events) == 1 and len(viewer_events) == 1
    assert isinstance(host_events[0], HandshakeComplete)
    assert host_events == viewer_events
    sas = host_events[0].sas
    assert len(sas) == 6 and sas.isdigit()
    assert pair.host.sas == pair.viewer.sas == sas
    assert pair.host.state is pair.viewer.state is State.WAITING_CONSENT


def test_sas_differs_between_runs_with_the_same_secret() -> None:
    runs = set()
    for _ in range(4):
        pair = ConnectionPair()
        pair.handshake()
        runs.add(pair.host.sas)
    assert len(runs) >= 3  # 4 draws of 10**6 values: a triple collision would be a bug


def test_hello_and_key_confirm_are_the_only_frames_of_the_handshake() -> None:
    pair = ConnectionPair()
    pair.initiate()
    host_hello = pair.host.frames_to_send()
    assert len(host_hello) == 1
    assert host_hello[0][:4] == b"FY\x01\x01"  # magic, version, kind HELLO
    assert pair.host.frames_to_send() == []
    for frame in host_hello:
        pair.viewer.receive_data(frame, pair.now)
    viewer_frames = pair.viewer.frames_to_send()
    assert [f[3] for f in viewer_frames] == [1, 2]  # its HELLO, then its KEY_CONFIRM record
    assert viewer_frames[1][8:16] == bytes(8)  # the first record has seq 0


def test_peer_hello_arriving_before_initiate_is_kept() -> None:
    pair = ConnectionPair()
    pair.host.initiate(pair.now)
    pair.deliver(pair.host)
    assert pair.viewer.frames_to_send() == []  # nothing may leave before our own HELLO
    pair.viewer.initiate(pair.now)
    pair.pump()
    assert isinstance(pair.host.events()[0], HandshakeComplete)
    assert isinstance(pair.viewer.events()[0], HandshakeComplete)


def test_wrong_secret_fails_at_key_confirmation_on_both_sides() -> None:
    pair = ConnectionPair(viewer_secret=bytes.fromhex("b2" * 32))
    host_events, viewer_events = pair.handshake()
    for events in (host_events, viewer_events):
        assert len(events) == 2
        assert isinstance(events[0], PeerError)
        assert events[0].reason.startswith("the session secret does not match")
        assert events[1] == SessionEnded(events[0].reason, by_peer=False)
    assert pair.host.state is pair.viewer.state is State.ENDED
    assert pair.host.sas is None and pair.viewer.sas is None


def test_two_hosts_never_agree() -> None:
    first = SessionConnection(Role.HOST, SECRET, 0.0)
    second = SessionConnection(Role.HOST, SECRET, 0.0)
    first.initiate(0.0)
    second.initiate(0.0)
    for frame in first.frames_to_send():
        second.receive_data(frame, 0.0)
    events = second.events()
    assert isinstance(events[0], PeerError)
    assert "both ends say they are the host" in events[0].reason
    assert second.state is State.ENDED
    assert [frame[3] for frame in second.frames_to_send()] == [1]  # its HELLO only, no record


def test_consent_accepted_makes_both_sides_live() -> None:
    pair = ConnectionPair()
    pair.go_live()


def test_consent_refused_ends_both_sides_with_the_reason() -> None:
    pair = ConnectionPair()
    pair.handshake()
    pair.host.send(ConsentDecision(False, "the customer said no"))
    assert pair.host.state is State.ENDED
    assert pair.host.events() == [SessionEnded("the customer said no", by_peer=False)]
    pair.pump()
    assert pair.viewer.events() == [SessionEnded("the customer said no", by_peer=True)]
    assert pair.viewer.state is State.ENDED


def test_stats_count_bytes_and_frames_both_ways() -> None:
    pair = ConnectionPair()
    pair.initiate()
    sent = [bytes(f) for f in pair.host.frames_to_send()]
    for frame in sent:
        pair.viewer.receive_data(frame, pair.now)
    assert pair.host.stats.frames_out == 1
    assert pair.host.stats.bytes_out == sum(map(len, sent))
    assert pair.viewer.stats.frames_in == 1
    assert pair.viewer.stats.bytes_in == sum(map(len, sent))
    pair.pump()
    assert pair.host.stats.bytes_out == pair.viewer.stats.bytes_in
    assert pair.viewer.stats.bytes_out == pair.host.stats.bytes_in
    assert pair.host.stats.frames_out == pair.viewer.stats.frames_in == 2
