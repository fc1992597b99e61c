"""Auto-reconnect against the real server: a leg's TCP connection is cut in a loopback proxy mid-session.

The host leg goes through ``CutProxy`` (127.0.0.1 only), which the test can cut (both sides, or only the
client's side: a half-dead leg the relay has not noticed), or keep refusing. The legs are real SessionLinks;
the host test driver answers consent as HostSession does (once, and by itself on a resumed link).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from protocol.events import HandshakeComplete, SessionEnded, SessionLive
from protocol.messages import ChatLine, ConsentDecision
from protocol.session import Role
from tests.integration.push_socket import closed
from tests.integration.server_fixture import RunningServer, running_server, wait_until
from transport.events import LinkClosed, LinkReconnecting, LinkResumed
from transport.link import LinkConfig, SessionLink, relay_url

pytestmark = pytest.mark.integration
WINDOW_S = 4.0  # the test seam: a short reconnect window instead of a minute


class CutProxy:
    """A TCP proxy on 127.0.0.1 to ``port`` whose connections the test can cut."""

    def __init__(self, port: int) -> None:
        self._upstream = ("127.0.0.1", port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.refusing = False
        self.accepted = 0
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._silent: list[socket.socket] = []  # server sides kept open after a client-side cut
        threading.Thread(target=self._accept_loop, name="cut-proxy", daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def cut(self, server_side: bool = True) -> None:
        """Kill every connection now (to the client; to the server too unless ``server_side`` is False)."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, upstream in pairs:
            _reset(client)
            if server_side:
                _reset(upstream)
            else:  # the server's side stays open and silent: a half-dead leg until the relay notices
                self._silent.append(upstream)

    def close(self) -> None:
        self.refusing = True
        self._listener.close()
        self.cut()
        for upstream in self._silent:
            _reset(upstream)

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.refusing:
                _reset(client)
                continue
            self.accepted += 1
            upstream = socket.create_connection(self._upstream)
            with self._lock:
                self._pairs.append((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_copy, args=(source, target), daemon=True).start()


def _copy(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)


def _reset(sock: socket.socket) -> None:
    """Close the TCP connection at once (no WebSocket close frame); shutdown wakes a thread blocked in recv."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class Leg:
    """One SessionLink and what it reported; the host leg answers consent like HostSession."""

    def __init__(self, server: RunningServer, base_url: str, session_id: str, token: str, role: Role, *,
                 secret: bytes, window_s: float) -> None:
        self.events: list[object] = []
        self.changed = threading.Condition()
        config = LinkConfig(relay_url(base_url, session_id, role), token, role, secret, server.ssl_context(),
                            reconnect_window_s=window_s)
        self.link = SessionLink(config, self._on_event)
        self.consents = 0

    def _on_event(self, event: object) -> None:
        if self.link._config.role is Role.HOST and isinstance(event, HandshakeComplete):
            self.consents += 1
            self.link.send(ConsentDecision(True))
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def wait_for(self, kind: type, count: int = 1, timeout: float = 15.0) -> list[Any]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.of(kind)) >= count, timeout)
        found = self.of(kind)
        assert len(found) >= count, f"{count} × {kind.__name__} expected within {timeout} s; got {self.events}"
        return found

    def of(self, kind: type) -> list[Any]:
        return [event for event in list(self.events) if isinstance(event, kind)]


@dataclasses.dataclass
class Session:
    server: RunningServer
    proxy: CutProxy
    session_id: str
    agent_token: str
    host: Leg
    viewer: Leg

    def record(self) -> dict[str, Any]:
        with self.server.session() as http:
            answer = http.get(self.server.api(f"/api/v1/sessions/{self.session_id}"), timeout=5,
                              headers={"Authorization": f"Bearer {self.agent_token}"})
        return dict(answer.json())

    def chat_both_ways(self, text: str) -> None:
        self.viewer.link.send(ChatLine(f"{text} from the agent", "agent", 1))
        self.host.link.send(ChatLine(f"{text} from the customer", "customer", 2))
        assert wait_until(lambda: any(line.text == f"{text} from the agent" for line in self.host.of(ChatLine)), 10)
        assert wait_until(lambda: any(line.text == f"{text} from the customer"
                                      for line in self.viewer.of(ChatLine)), 10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("reconnect") / "data", env={"FERRY_END_GRACE_S": "0.5"}) as running:
        yield running


def start_session(server: RunningServer, host_window: float = WINDOW_S, viewer_window: float = WINDOW_S,
                  viewer_proxied: bool = False) -> Session:
    token = server.login()
    with server.session() as http:
        headers = {"Authorization": f"Bearer {token}"}
        created = http.post(server.api("/api/v1/sessions"), headers=headers, timeout=5).json()
        joined = http.post(server.api("/api/v1/sessions/join"), timeout=5,
                           json={"code": created["code"], "pc_name": "PC", "os": "Linux"}).json()
    proxy = CutProxy(server.port)
    secret = bytes.fromhex(created["secret"])
    host = Leg(server, proxy.url, created["session_id"], joined["host_token"], Role.HOST, secret=secret,
               window_s=host_window)
    viewer = Leg(server, proxy.url if viewer_proxied else server.url, created["session_id"], token, Role.VIEWER,
                 secret=secret,
                 window_s=viewer_window)
    host.link.start()
    viewer.link.start()
    viewer.wait_for(SessionLive)
    host.wait_for(SessionLive)
    return Session(server, proxy, created["session_id"], token, host, viewer)


@pytest.fixture()
def session(server: RunningServer) -> Iterator[Session]:
    running = start_session(server)
    yield running
    running.host.link.close()
    running.viewer.link.close()
    running.proxy.close()


def test_a_cut_link_resumes_the_same_session_with_a_fresh_handshake(session: Session) -> None:
    session.chat_both_ways("before")
    first_sas = session.viewer.of(HandshakeComplete)[0].sas
    session.proxy.cut()
    started = time.monotonic()
    assert not session.host.wait_for(LinkReconnecting)[0].peer
    assert session.viewer.wait_for(LinkReconnecting)[0].peer
    resumed = session.viewer.wait_for(LinkResumed)[0]
    assert session.host.wait_for(LinkResumed)[0].sas == resumed.sas
    assert time.monotonic() - started < WINDOW_S
    session.chat_both_ways("after")
    assert session.host.consents == 2 and len(session.viewer.of(SessionLive)) == 1  # no second "live"
    assert session.viewer.of(HandshakeComplete)[-1].sas == resumed.sas
    assert resumed.sas != first_sas  # new keys, so a new SAS (equal by chance once in a million)
    record = session.record()
    assert record["state"] == "live" and record["ended_at"] is None
    assert session.host.of(SessionEnded) == [] and session.viewer.of(SessionEnded) == []
    assert session.proxy.accepted == 2  # the same host token rejoined; no new code was used
    assert session.host.link.stats.reconnects == 1 == session.viewer.link.stats.reconnects


def test_a_half_dead_leg_is_replaced_not_paired(session: Session) -> None:
    session.proxy.cut(server_side=False)  # the relay still holds the old host socket, open and silent
    session.host.wait_for(LinkResumed)
    session.viewer.wait_for(LinkResumed)
    session.chat_both_ways("after the stale leg")
    assert session.record()["state"] == "live"


def test_no_reconnect_within_the_window_ends_both_with_the_reason(session: Session) -> None:
    session.proxy.refusing = True
    session.proxy.cut()
    host_end = session.host.wait_for(LinkClosed, timeout=WINDOW_S + 10)[0]
    viewer_end = session.viewer.wait_for(LinkClosed, timeout=WINDOW_S + 10)[0]
    reason = "the connection was lost and could not be restored within 4 seconds"
    assert host_end.reason == reason and viewer_end.reason == reason
    assert wait_until(lambda: session.record()["state"] == "ended", 5)
    assert session.record()["end_reason"] == reason


def test_a_session_end_never_reconnects(session: Session) -> None:
    session.host.link.end("ended by the customer")
    assert session.viewer.wait_for(SessionEnded)[0].reason == "ended by the customer"
    session.viewer.wait_for(LinkClosed)
    session.host.wait_for(LinkClosed)
    assert session.viewer.of(LinkReconnecting) == [] == session.host.of(LinkReconnecting)
    assert wait_until(lambda: session.record()["state"] == "ended", 5)
    assert session.proxy.accepted == 1


def test_without_reconnect_a_cut_ends_the_session_as_before(server: RunningServer) -> None:
    running = start_session(server, viewer_window=0.0)  # the viewer did not ask: the relay does not hold
    try:
        running.proxy.cut()
        assert "host disconnected" in running.viewer.wait_for(SessionEnded)[0].reason
        running.host.wait_for(LinkClosed)
        assert running.viewer.of(LinkReconnecting) == [] == running.host.of(LinkReconnecting)
        assert wait_until(lambda: running.record()["state"] == "ended", 5)
        assert running.record()["end_reason"] == "host disconnected"
    finally:
        running.host.link.close()
        running.viewer.link.close()
        running.proxy.close()


def test_only_the_sessions_own_legs_may_resume(session: Session) -> None:
    async def refused(path: str, token: str) -> tuple[int | None, str | None]:
        leg = await connect(session.server.ws_url(path), ssl=session.server.ssl_context(), open_timeout=10,
                            additional_headers={"Authorization": f"Bearer {token}"})
        return await closed(leg)

    async def scenario() -> None:
        base = f"/relay/{session.session_id}?reconnect=4&resume=1"
        assert (await refused(base + "&role=host", "not-the-host-token"))[0] == 4401
        assert (await refused(base + "&role=viewer", "not-a-token"))[0] == 4401
        fresh = start_fresh(session)
        assert await refused(f"/relay/{fresh}?role=viewer&reconnect=4&resume=1", session.agent_token) == (
            4410, "the session cannot be resumed: it has ended")

    asyncio.run(scenario())
    session.chat_both_ways("still fine")


def start_fresh(session: Session) -> str:
    with session.server.session() as http:
        created = http.post(session.server.api("/api/v1/sessions"), timeout=5,
                            headers={"Authorization": f"Bearer {session.agent_token}"}).json()
    return str(created["session_id"])


def test_both_legs_cut_at_once_come_back(server: RunningServer) -> None:
    running = start_session(server, viewer_proxied=True)
    try:
        running.proxy.cut()
        running.host.wait_for(LinkResumed)
        running.viewer.wait_for(LinkResumed)
        running.chat_both_ways("after both were cut")
        assert running.record()["state"] == "live" and running.proxy.accepted >= 4
    finally:
        running.host.link.close()
        running.viewer.link.close()
        running.proxy.close()


__all__ = ["CutProxy"]
