"""SessionLink against a misbehaving relay: every path ends with exactly one LinkClosed, never a hang."""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from websockets.asyncio.server import ServerConnection, serve

from protocol.events import SessionEnded
from protocol.session import Role
from server.tls import ensure_certificate
from transport.events import LinkClosed, LinkPaired
from transport.link import LinkConfig, SessionLink
from transport.loop import LoopThread
from transport.tls import pinned_ssl_context

Handler = Callable[[ServerConnection], Awaitable[None]]


@dataclasses.dataclass
class FakeRelay:
    """A TLS WebSocket server on 127.0.0.1 whose behaviour each test sets."""

    url: str
    fingerprint: str
    handler: list[Handler]


@pytest.fixture()
def relay(tmp_path: Path) -> Iterator[FakeRelay]:
    cert = ensure_certificate(tmp_path / "tls", None)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert.cert_path, cert.key_path)
    loop = LoopThread("fake-relay")
    handlers: list[Handler] = []

    async def dispatch(connection: ServerConnection) -> None:
        await handlers[0](connection)

    async def start() -> tuple[object, int]:
        server = await serve(dispatch, "127.0.0.1", 0, ssl=context)
        return server, server.sockets[0].getsockname()[1]

    server, port = loop.submit(start()).result(10)
    yield FakeRelay(f"https://127.0.0.1:{port}", cert.fingerprint, handlers)
    server.close()  # type: ignore[attr-defined]
    loop.stop()


def run_link(relay: FakeRelay, pair_timeout_s: float = 30.0) -> list[object]:
    events: list[object] = []
    closed = threading.Event()

    def on_event(event: object) -> None:
        events.append(event)
        if isinstance(event, LinkClosed):
            closed.set()

    context = pinned_ssl_context(relay.url, fingerprint=relay.fingerprint)
    url = relay.url.replace("https://", "wss://") + "/relay/s1?role=viewer"
    link = SessionLink(LinkConfig(url, "token", Role.VIEWER, b"s" * 32, context, pair_timeout_s), on_event)
    link.start()
    assert closed.wait(15), f"the link never reported its end; events: {events}"
    link.close()
    return events


def test_paired_twice_is_ignored_and_the_close_is_reported(relay: FakeRelay) -> None:
    async def handler(connection: ServerConnection) -> None:
        await connection.send('{"event":"paired"}')
        await connection.send('{"event":"paired"}')
        await asyncio.sleep(0.2)
        await connection.close(1000, "bye")

    relay.handler.append(handler)
    events = run_link(relay)
    assert sum(isinstance(e, LinkPaired) for e in events) == 1
    assert sum(isinstance(e, LinkClosed) for e in events) == 1
    assert isinstance(events[-1], LinkClosed)


def test_a_peer_that_never_comes_ends_the_session_with_a_reason(relay: FakeRelay) -> None:
    async def handler(connection: ServerConnection) -> None:
        await connection.wait_closed()

    relay.handler.append(handler)
    events = run_link(relay, pair_timeout_s=0.5)
    ended = [e for e in events if isinstance(e, SessionEnded)]
    assert ended and "did not connect" in ended[0].reason and "new connection code" in ended[0].reason


def test_garbage_from_the_relay_ends_the_session(relay: FakeRelay) -> None:
    async def handler(connection: ServerConnection) -> None:
        await connection.send('{"event":"paired"}')
        await connection.send(b"\x00" * 64)
        await connection.wait_closed()

    relay.handler.append(handler)
    events = run_link(relay)
    assert any(isinstance(e, SessionEnded) for e in events)
    assert isinstance(events[-1], LinkClosed)
