"""One end of a session channel: a SessionConnection over the relay's WebSocket.

Rules: all protocol state lives on the loop thread; public methods are thread-safe
and only schedule work there. Frames leave in the order the connection produced
them, through one writer task. Events (protocol events and transport events) are
handed to ``on_event`` on the loop thread: it must return quickly.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import json
import logging
import ssl
import time
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from protocol.messages import Message
from protocol.session import Role, SessionConnection, State
from protocol.wire import HEADER_SIZE, MAX_PAYLOAD
from transport.events import LinkClosed, LinkConnected, LinkPaired
from transport.loop import LoopThread

log = logging.getLogger(__name__)
EventHandler = Callable[[object], None]


@dataclasses.dataclass(frozen=True)
class LinkConfig:
    """Where and as whom to connect."""

    relay_url: str
    token: str
    role: Role
    secret: bytes
    ssl_context: ssl.SSLContext
    pair_timeout_s: float = 120.0  # how long to wait for the other side to reach the relay


@dataclasses.dataclass
class LinkStats:
    """Bytes and messages through the WebSocket (ciphertext, as the relay sees it)."""

    bytes_out: int = 0
    bytes_in: int = 0
    messages_out: int = 0
    messages_in: int = 0


class SessionLink:
    """Connects, runs the protocol, reports events; see the module rules."""

    def __init__(self, config: LinkConfig, on_event: EventHandler, loop: LoopThread | None = None) -> None:
        self._config = config
        self._on_event = on_event
        self._own_loop = loop is None
        self._loop = loop or LoopThread(f"ferry-{config.role.value}-net")
        self._conn = SessionConnection(role=config.role, secret=config.secret, now=time.monotonic())
        self._outbox: asyncio.Queue[bytes | None] | None = None
        self._ws: ClientConnection | None = None
        self._closed_reported = False
        self._initiated = False
        self._task: concurrent.futures.Future[None] | None = None
        self.stats = LinkStats()

    def start(self) -> None:
        """Connect in the background."""
        self._task = self._loop.submit(self._run())

    def send(self, message: Message) -> None:
        """Send a message (thread-safe); ignored once the session has ended."""
        self._loop.call_soon(self._send_now, message)

    def end(self, reason: str) -> None:
        """End the session with ``reason`` and close the link (thread-safe)."""
        self._loop.call_soon(self._end_now, reason)

    def close(self, timeout: float = 2.0) -> None:
        """Flush what is queued, close the WebSocket and stop (thread-safe)."""
        self._loop.call_soon(self._close_now)
        if self._task is not None and not self._loop.in_loop_thread:
            with contextlib.suppress(concurrent.futures.TimeoutError, concurrent.futures.CancelledError):
                self._task.result(timeout)
        if self._own_loop:
            self._loop.stop()

    async def _run(self) -> None:
        self._outbox = asyncio.Queue()
        try:
            async with self._connect() as ws:
                self._ws = ws
                self._emit(LinkConnected())
                await self._serve(ws)
        except InvalidStatus as exc:
            self._report_closed(_refusal(exc.response.status_code))
        except (TimeoutError, OSError, InvalidHandshake) as exc:
            self._report_closed(f"could not reach the relay at {self._config.relay_url} ({exc}); "
                                "check the network connection, then connect again")
        except ConnectionClosed as exc:
            self._report_closed(_close_reason(exc))
        except Exception as exc:  # a bug must still end the session visibly, never leave it hanging
            log.exception("the session link failed")
            self._report_closed(f"the connection failed unexpectedly ({exc.__class__.__name__}); connect again")
        finally:
            self._report_closed("the relay closed the connection")

    def _connect(self) -> connect:
        cfg = self._config
        return connect(
            cfg.relay_url, ssl=cfg.ssl_context, compression=None, proxy=None,
            additional_headers={"Authorization": f"Bearer {cfg.token}"},
            max_size=MAX_PAYLOAD + HEADER_SIZE + 64, ping_interval=None, open_timeout=10,
        )

    async def _serve(self, ws: ClientConnection) -> None:
        tasks = [asyncio.create_task(self._write_loop(ws)), asyncio.create_task(self._timer_loop()),
                 asyncio.create_task(self._pairing_deadline())]
        try:
            async for data in ws:
                self._on_relay_message(data)
            self._conn.receive_data(b"", time.monotonic())
            self._pump()
        finally:
            if self._outbox is not None:
                self._outbox.put_nowait(None)
            await asyncio.wait(tasks[:1], timeout=1.0)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _on_relay_message(self, data: str | bytes) -> None:
        if isinstance(data, str):
            self._on_relay_text(data)
            return
        self.stats.bytes_in += len(data)
        self.stats.messages_in += 1
        self._conn.receive_data(data, time.monotonic())
        self._pump()

    async def _pairing_deadline(self) -> None:
        await asyncio.sleep(self._config.pair_timeout_s)
        if not self._initiated:
            minutes = round(self._config.pair_timeout_s / 60, 1)
            self._end_now(f"the other side did not connect within {minutes:g} minutes; "
                          "ask for a new connection code")

    async def _write_loop(self, ws: ClientConnection) -> None:
        assert self._outbox is not None
        while (frame := await self._outbox.get()) is not None:
            await ws.send(frame)
            self.stats.bytes_out += len(frame)
            self.stats.messages_out += 1
        await ws.close(1000, "session ended")

    async def _timer_loop(self) -> None:
        while True:
            deadline = self._conn.next_timer()
            delay = 0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic()))
            await asyncio.sleep(delay)
            self._conn.handle_timer(time.monotonic())
            self._pump()

    def _on_relay_text(self, text: str) -> None:
        try:
            event = json.loads(text).get("event")
        except (ValueError, AttributeError):
            event = None
        if event == "paired" and not self._initiated and self._conn.state is State.HANDSHAKE:
            self._initiated = True
            self._emit(LinkPaired())
            self._conn.initiate(time.monotonic())
            self._pump()
        elif event == "peer_left":
            reason = json.loads(text).get("reason") or "the other side left"
            self._conn.end(f"the other side left the session ({reason})")
            self._pump()

    def _send_now(self, message: Message) -> None:
        if self._conn.state is State.ENDED:
            return
        self._conn.send(message)
        self._pump()

    def _end_now(self, reason: str) -> None:
        if self._conn.state is not State.ENDED:
            self._conn.end(reason)
        self._pump()

    def _close_now(self) -> None:
        if self._outbox is not None:
            self._outbox.put_nowait(None)  # the writer sends what is queued, then closes the socket

    def _pump(self) -> None:
        for event in self._conn.events():
            self._emit(event)
        frames = self._conn.frames_to_send()
        if self._outbox is not None:
            for frame in frames:
                self._outbox.put_nowait(frame)
            if self._conn.state is State.ENDED:
                self._outbox.put_nowait(None)

    def _emit(self, event: object) -> None:
        try:
            self._on_event(event)
        except Exception:  # a handler's bug must not kill the network loop
            log.exception("event handler failed on %r", type(event).__name__)

    def _report_closed(self, reason: str) -> None:
        if not self._closed_reported:
            self._closed_reported = True
            self._emit(LinkClosed(reason))


_REFUSALS = {
    401: "the relay did not accept this login or code; log in again (or ask for a new code)",
    403: "this session belongs to another agent",
    404: "the relay does not know this session; ask for a new connection code",
    410: "this session is over; ask for a new connection code",
}


def _refusal(status: int) -> str:
    return _REFUSALS.get(status, f"the relay refused the connection (HTTP {status}); try again")


def _close_reason(exc: ConnectionClosed) -> str:
    rcvd = exc.rcvd
    if rcvd is not None and rcvd.reason:
        return f"the relay closed the connection: {rcvd.reason}"
    return "the connection to the relay was lost; check the network connection, then connect again"


def relay_url(server_url: str, session_id: str, role: Role) -> str:
    """The relay WebSocket URL of a session for a server base URL (https://host:port)."""
    base = server_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://"):]
    elif not base.startswith("wss://"):
        raise ValueError(f"the server URL must start with https:// (got {server_url!r}); Ferry never runs without TLS")
    return f"{base}/relay/{session_id}?role={role.value}"
