"""SessionLink's side of auto-reconnect against a scripted relay (TLS WebSocket on 127.0.0.1)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection

from protocol.events import SessionEnded
from protocol.session import Role
from tests.integration import test_transport_link
from tests.integration.test_transport_link import FakeRelay
from transport.events import LinkClosed, LinkPaired, LinkReconnecting
from transport.link import LinkConfig, SessionLink
from transport.tls import pinned_ssl_context

pytestmark = pytest.mark.integration
relay = test_transport_link.relay  # the scripted relay fixture
PAIRED = json.dumps({"event": "paired", "reconnect_s": 3})


class Run:
    """A viewer link with a 3 s window against ``relay``; its events and the paths it connected to."""

    def __init__(self, relay: FakeRelay) -> None:
        self.events: list[object] = []
        self.closed = threading.Event()
        context = pinned_ssl_context(relay.url, fingerprint=relay.fingerprint)
        url = relay.url.replace("https://", "wss://") + "/relay/s1?role=viewer"
        self.link = SessionLink(LinkConfig(url, "token", Role.VIEWER, b"s" * 32, context,
                                           reconnect_window_s=3.0), self._on_event)

    def _on_event(self, event: object) -> None:
        self.events.append(event)
        if isinstance(event, LinkClosed):
            self.closed.set()

    def ended(self) -> list[object]:
        self.link.start()
        assert self.closed.wait(15), f"the link never reported its end; events: {self.events}"
        return self.events

    def of(self, kind: type) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]


async def text_after_binaries(connection: ServerConnection) -> str:
    """The next text message (binary frames of the old connection before it are skipped)."""
    while True:
        message = await connection.recv()
        if isinstance(message, str):
            return message


def test_a_peer_that_drops_is_waited_for_and_the_give_up_ends_with_the_relays_reason(relay: FakeRelay) -> None:
    texts: list[str] = []

    async def handler(connection: ServerConnection) -> None:
        await connection.send(PAIRED)
        await connection.recv()  # the HELLO of the first handshake
        await connection.send(json.dumps({"event": "peer_reconnecting"}))
        texts.append(await text_after_binaries(connection))
        reason = "the connection was lost and could not be restored within 3 seconds"
        await connection.send(json.dumps({"event": "peer_left", "reason": reason, "lost": True}))
        await connection.close(1000, reason)

    relay.handler.append(handler)
    run = Run(relay)
    events = run.ended()
    assert texts == ['{"event":"reset"}']
    reconnecting = run.of(LinkReconnecting)
    assert len(reconnecting) == 1 and reconnecting[0].peer and reconnecting[0].window_s == 3.0
    closed = run.of(LinkClosed)
    assert len(closed) == 1 and "could not be restored within 3 seconds" in closed[0].reason
    endings = [event for event in events if isinstance(event, LinkClosed | SessionEnded)]
    assert endings[0] is closed[0] and len(run.of(LinkPaired)) == 1  # a failure first: the viewer exits FAILED


def test_ending_while_the_peer_is_away_asks_the_relay_to_end(relay: FakeRelay) -> None:
    got: list[str] = []
    run_holder: list[Run] = []

    async def handler(connection: ServerConnection) -> None:
        await connection.send(PAIRED)
        await connection.recv()
        await connection.send(json.dumps({"event": "peer_reconnecting"}))
        got.append(await text_after_binaries(connection))
        run_holder[0].link.end("ended by the agent")
        got.append(await text_after_binaries(connection))
        await connection.wait_closed()

    relay.handler.append(handler)
    run = Run(relay)
    run_holder.append(run)
    run.ended()
    assert got == ['{"event":"reset"}', '{"event":"end","reason":"ended by the agent"}']


def test_an_own_drop_reconnects_with_resume_and_a_refusal_is_final(relay: FakeRelay) -> None:
    paths: list[str] = []

    async def handler(connection: ServerConnection) -> None:
        assert connection.request is not None
        paths.append(connection.request.path)
        if len(paths) == 1:
            await connection.send(PAIRED)
            await connection.recv()
            connection.transport.abort()  # the network goes: no close frame
            return
        await connection.close(4410, "the session cannot be resumed: it has ended")

    relay.handler.append(handler)
    run = Run(relay)
    run.ended()
    assert paths == ["/relay/s1?role=viewer&reconnect=3", "/relay/s1?role=viewer&reconnect=3&resume=1"]
    assert len(run.of(LinkReconnecting)) == 1 and not run.of(LinkReconnecting)[0].peer
    closed = run.of(LinkClosed)
    assert len(closed) == 1 and "cannot be resumed" in closed[0].reason
