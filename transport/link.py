"""One end of a session channel: a SessionConnection over the relay's WebSocket.

Rules: all protocol state lives on the loop thread; public methods are thread-safe
and only schedule work there. Frames leave in the order the connection produced
them, through one writer task per WebSocket. Events (protocol events and transport
events) are handed to ``on_event`` on the loop thread: it must return quickly.

Auto-reconnect (``LinkConfig.reconnect_window_s`` > 0, and the relay agreed at pairing):
a dropped WebSocket (closed, network error, nothing received for LINK_IDLE_S) does not end
the session. The link emits LinkReconnecting once, drops its SessionConnection (its keys and
nonces die with it), and reconnects with ``resume=1`` and the same credentials, backing off,
until the window runs out; when the relay says the peer dropped (``peer_reconnecting``) it
does the same without reconnecting and tells the relay ``reset``. Each pairing runs a fresh
handshake; a resumed round's SessionLive is reported as LinkResumed. A SessionEnd, end(),
close() or a refusal (4xxx) is final and never reconnects. Without reconnect, a drop ends
the session as before.
SessionLive is reported once per session; LinkResumed ends each outage.
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

from protocol.errors import LocalProtocolError
from protocol.events import SessionLive
from protocol.messages import Message
from protocol.session import Role, SessionConnection, State
from protocol.wire import HEADER_SIZE, MAX_PAYLOAD
from transport.events import LinkClosed, LinkConnected, LinkPaired, LinkReconnecting, LinkResumed
from transport.loop import LoopThread
from transport.reconnect import (
    FINAL_CLOSE_CODES,
    LINK_IDLE_S,
    PEER_MARGIN_S,
    Outage,
    backoff_delays,
    lost_reason,
)

log = logging.getLogger(__name__)
EventHandler = Callable[[object], None]
RESET_TEXT = json.dumps({"event": "reset"}, separators=(",", ":"))
PEER_DROPPED = "the other side's connection was lost"


@dataclasses.dataclass(frozen=True)
class LinkConfig:
    """Where and as whom to connect."""

    relay_url: str
    token: str
    role: Role
    secret: bytes
    ssl_context: ssl.SSLContext
    pair_timeout_s: float = 120.0  # how long to wait for the other side to reach the relay
    reconnect_window_s: float = 0.0  # auto_reconnect: how long a dropped link is retried; 0 = off


@dataclasses.dataclass
class LinkStats:
    """Bytes and messages through the WebSocket (ciphertext, as the relay sees it)."""

    bytes_out: int = 0
    bytes_in: int = 0
    messages_out: int = 0
    messages_in: int = 0
    reconnects: int = 0  # outages this link recovered from


class SessionLink:
    """Connects, runs the protocol, reports events; see the module rules."""

    def __init__(self, config: LinkConfig, on_event: EventHandler, loop: LoopThread | None = None) -> None:
        self._config = config
        self._on_event = on_event
        self._own_loop = loop is None
        self._loop = loop or LoopThread(f"ferry-{config.role.value}-net")
        self._conn = SessionConnection(role=config.role, secret=config.secret, now=time.monotonic())
        self._outbox: asyncio.Queue[bytes | str | None] | None = None
        self._ws: ClientConnection | None = None
        self._closed_reported = False
        self._initiated = False
        self._closing = False  # end() or close() was asked: never reconnect
        self._stop_wanted: asyncio.Event | None = None
        self._window_s = 0.0  # agreed with the relay at pairing
        self._outage: Outage | None = None
        self._rounds = 0  # pairings so far (1 = the first)
        self._was_live = False  # SessionLive was reported (a session reports it once)
        self._last_in = time.monotonic()
        self._pair_deadline = float("inf")
        self._task: concurrent.futures.Future[None] | None = None
        self.stats = LinkStats()

    @property
    def reconnecting(self) -> bool:
        """An outage is in progress (read from any thread: a snapshot)."""
        return self._outage is not None

    def start(self) -> None:
        """Connect in the background."""
        self._task = self._loop.submit(self._run())

    def send(self, message: Message) -> None:
        """Send a message (thread-safe); ignored once the session has ended or while reconnecting."""
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

    # --- connecting and reconnecting ------------------------------------------------------

    async def _run(self) -> None:
        self._stop_wanted = asyncio.Event()
        try:
            drop = await self._attempt(resume=False)
            while drop is not None:
                drop = await self._recover(drop)
        except Exception as exc:  # a bug must still end the session visibly, never leave it hanging
            log.exception("the session link failed")
            self._report_closed(f"the connection failed unexpectedly ({exc.__class__.__name__}); connect again")
        finally:
            self._report_closed("the relay closed the connection")

    async def _attempt(self, resume: bool) -> str | None:
        """One WebSocket's life: a reason when it dropped and a reconnect may mend it, else None (over)."""
        self._outbox = asyncio.Queue()
        try:
            async with self._connect(resume) as ws:
                self._ws = ws
                if not resume:
                    self._emit(LinkConnected())
                await self._serve(ws)
        except InvalidStatus as exc:
            self._stop(_refusal(exc.response.status_code))
            return None
        except (TimeoutError, OSError, InvalidHandshake) as exc:
            return self._dropped(f"could not reach the relay at {self._config.relay_url} ({exc}); "
                                 "check the network connection, then connect again", stream_closed=False)
        except ConnectionClosed as exc:
            if exc.rcvd is not None and exc.rcvd.code in FINAL_CLOSE_CODES:
                self._stop(_close_reason(exc))
                return None
            return self._dropped(_close_reason(exc), stream_closed=False)
        finally:
            self._ws = None
            self._outbox = None
        return self._dropped("the connection to the relay was lost", stream_closed=True)

    def _dropped(self, reason: str, stream_closed: bool) -> str | None:
        """The WebSocket is gone: a reason to reconnect for, or None after reporting the end as before."""
        if self._window_s > 0 and not self._closing and self._conn.state is not State.ENDED:
            return reason
        if stream_closed:
            self._conn.receive_data(b"", time.monotonic())
            self._pump()
        else:
            self._stop(reason)
        return None

    def _stop(self, reason: str) -> None:
        self._report_closed(reason)
        if self._outage is not None and self._conn.state is not State.ENDED:
            self._conn.end(reason)
            self._pump()

    async def _recover(self, reason: str) -> str | None:
        """Reconnect with backoff until live again (then a later drop's reason) or over (None)."""
        self._begin_outage(reason, peer=False)
        for delay in backoff_delays():
            outage = self._outage
            if outage is None:
                return None
            if await self._stop_within(min(delay, outage.remaining(time.monotonic()))):
                self._stop("the session was ended while the connection was being restored")
                return None
            if outage.expired(time.monotonic()):
                self._stop(lost_reason(outage.window_s))
                return None
            log.info("reconnecting to the relay (%s)", reason)
            reason = await self._attempt(resume=True) or ""
            if not reason:
                return None
            if self._outage is None:  # it was live again and dropped anew
                return reason
            self._fresh_connection()
        return None

    async def _stop_within(self, seconds: float) -> bool:
        """Wait ``seconds``; True at once when close() or end() is asked meanwhile."""
        assert self._stop_wanted is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_wanted.wait(), seconds)
        return self._stop_wanted.is_set()

    def _begin_outage(self, reason: str, peer: bool) -> None:
        if self._outage is None:
            window = self._window_s + (PEER_MARGIN_S if peer else 0.0)
            self._outage = Outage(time.monotonic() + window, self._window_s)
            log.warning("the session link dropped (%s); restoring it for up to %g s", reason, self._window_s)
            self._emit(LinkReconnecting(reason, peer, self._window_s))
        self._fresh_connection()

    def _fresh_connection(self) -> None:
        """A new SessionConnection: the next pairing runs a new handshake with new keys and nonces."""
        self._conn = SessionConnection(role=self._config.role, secret=self._config.secret, now=time.monotonic())
        self._initiated = False
        outbox = self._outbox
        while outbox is not None and not outbox.empty():
            outbox.get_nowait()  # frames of the old keys: useless now

    def _connect(self, resume: bool) -> connect:
        cfg = self._config
        url = cfg.relay_url
        if cfg.reconnect_window_s > 0:
            url += f"&reconnect={cfg.reconnect_window_s:g}" + ("&resume=1" if resume else "")
        return connect(
            url, ssl=cfg.ssl_context, compression=None, proxy=None,
            additional_headers={"Authorization": f"Bearer {cfg.token}"},
            max_size=MAX_PAYLOAD + HEADER_SIZE + 64, ping_interval=None, open_timeout=10,
        )

    # --- one WebSocket ------------------------------------------------------------------------

    async def _serve(self, ws: ClientConnection) -> None:
        self._last_in = time.monotonic()
        if self._rounds == 0:
            self._pair_deadline = self._last_in + self._config.pair_timeout_s
        tasks = [asyncio.create_task(self._write_loop(ws)), asyncio.create_task(self._timer_loop(ws)),
                 asyncio.create_task(self._deadline_loop())]
        try:
            async for data in ws:
                self._on_relay_message(data)
        finally:
            if self._outbox is not None:
                self._outbox.put_nowait(None)
            await asyncio.wait(tasks[:1], timeout=1.0)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _on_relay_message(self, data: str | bytes) -> None:
        self._last_in = time.monotonic()
        if isinstance(data, str):
            self._on_relay_text(data)
            return
        self.stats.bytes_in += len(data)
        self.stats.messages_in += 1
        self._conn.receive_data(data, time.monotonic())
        self._pump()

    async def _deadline_loop(self) -> None:
        """End the session when the peer never comes (first pairing) or the outage outlasts its window."""
        while True:
            await asyncio.sleep(0.25)
            now = time.monotonic()
            if self._outage is not None and self._outage.expired(now):
                self._stop(lost_reason(self._outage.window_s))
                self._close_now()
                return
            if self._rounds == 0 and now >= self._pair_deadline:
                minutes = round(self._config.pair_timeout_s / 60, 1)
                self._end_now(f"the other side did not connect within {minutes:g} minutes; "
                              "ask for a new connection code")
                return

    async def _write_loop(self, ws: ClientConnection) -> None:
        assert self._outbox is not None
        outbox = self._outbox
        while (frame := await outbox.get()) is not None:
            await ws.send(frame)
            if isinstance(frame, bytes):
                self.stats.bytes_out += len(frame)
                self.stats.messages_out += 1
        await ws.close(1000, "session ended")

    async def _timer_loop(self, ws: ClientConnection) -> None:
        while True:
            deadline = self._conn.next_timer()
            delay = 0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic()))
            await asyncio.sleep(delay)
            if self._silent_too_long():
                log.warning("nothing from the relay for %g s: dropping the link to restore it", LINK_IDLE_S)
                ws.transport.abort()
                return
            self._conn.handle_timer(time.monotonic())
            self._pump()

    def _silent_too_long(self) -> bool:
        live = self._conn.state in (State.WAITING_CONSENT, State.LIVE)
        return self._window_s > 0 and live and time.monotonic() - self._last_in >= LINK_IDLE_S

    def _on_relay_text(self, text: str) -> None:
        try:
            payload = json.loads(text)
            event = payload.get("event")
        except (ValueError, AttributeError):
            payload, event = {}, None
        if event == "paired" and not self._initiated and self._conn.state is State.HANDSHAKE:
            self._on_paired(payload)
        elif event == "peer_reconnecting" and self._window_s > 0 and not self._closing:
            if self._conn.state is not State.ENDED:
                self._begin_outage(PEER_DROPPED, peer=True)
                if self._outbox is not None:
                    self._outbox.put_nowait(RESET_TEXT)
        elif event == "peer_left":
            self._on_peer_left(payload)

    def _on_paired(self, payload: dict[str, object]) -> None:
        self._initiated = True
        self._rounds += 1
        offered = payload.get("reconnect_s")
        if self._rounds == 1:
            agreed = float(offered) if isinstance(offered, int | float) else 0.0
            self._window_s = max(0.0, min(agreed, self._config.reconnect_window_s))
            self._emit(LinkPaired())
        self._conn.initiate(time.monotonic())
        self._pump()

    def _on_peer_left(self, payload: dict[str, object]) -> None:
        reason = str(payload.get("reason") or "the other side left")
        if payload.get("lost"):
            self._stop(reason)
            return
        self._conn.end(f"the other side left the session ({reason})")
        self._pump()

    # --- sending ------------------------------------------------------------------------------

    def _send_now(self, message: Message) -> None:
        if self._conn.state in (State.ENDED, State.HANDSHAKE):
            return  # nothing may flow before keys are confirmed (or while the link is being restored)
        try:
            self._conn.send(message)
        except LocalProtocolError:
            if self._rounds <= 1:
                raise
            log.debug("dropped %s while the resumed session was not live yet", type(message).__name__)
            return
        self._pump()

    def _end_now(self, reason: str) -> None:
        self._closing = True
        if self._stop_wanted is not None:
            self._stop_wanted.set()
        if self._outage is not None and self._rounds > 0 and self._outbox is not None:
            end = json.dumps({"event": "end", "reason": reason[:200]}, separators=(",", ":"))
            self._outbox.put_nowait(end)  # the peer is away: the relay ends the session for us
        if self._conn.state is not State.ENDED:
            self._conn.end(reason)
        self._pump()

    def _close_now(self) -> None:
        self._closing = True
        if self._stop_wanted is not None:
            self._stop_wanted.set()
        if self._outbox is not None:
            self._outbox.put_nowait(None)  # the writer sends what is queued, then closes the socket

    def _pump(self) -> None:
        for event in self._conn.events():
            for reported in self._resumed(event):
                self._emit(reported)
        frames = self._conn.frames_to_send()
        if self._outbox is not None:
            for frame in frames:
                self._outbox.put_nowait(frame)
            if self._conn.state is State.ENDED:
                self._outbox.put_nowait(None)

    def _resumed(self, event: object) -> list[object]:
        """SessionLive once per session; a resumed round's is LinkResumed (after SessionLive if never live)."""
        if not isinstance(event, SessionLive):
            return [event]
        first, self._was_live = not self._was_live, True
        if self._outage is None:
            return [event] if first else []
        self._outage = None
        self.stats.reconnects += 1
        log.info("the session link is restored")
        resumed = LinkResumed(self._conn.sas or "")
        return [event, resumed] if first else [resumed]

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
