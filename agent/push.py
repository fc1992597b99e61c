"""The push listener: one WebSocket to WSS /ws/agent on a background asyncio loop.

Rules: the listener never touches Qt: its handlers run on the loop thread, so the agent
passes ``EventBridge.post`` (ui.bridge), which queues each report to the GUI thread. It
reconnects with exponential backoff (reset after a successful connection) until stopped,
except when the server refuses the token (401/403): then it reports a final status and
stops trying. Pushes that are not JSON objects with a "type" are logged and dropped; a
peer's garbage never kills the loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import random
import ssl
from collections.abc import Callable, Iterator
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from transport.errors import TransportError
from transport.loop import LoopThread

log = logging.getLogger(__name__)

PUSH_PATH = "/ws/agent"
# HTTP statuses and WebSocket close codes meaning "this token may not listen": stop retrying
REFUSED_CODES = frozenset({401, 403, 4401, 4403})


@dataclasses.dataclass(frozen=True)
class PushEvent:
    """One push from the server: ``kind`` is its "type", ``data`` the whole JSON object."""

    kind: str
    data: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class PushStatus:
    """The listener connected (``connected``) or lost the link (``reason``); ``final``: it gave up."""

    connected: bool
    reason: str = ""
    final: bool = False


def push_url(server_url: str) -> str:
    """wss://host:port/ws/agent for https://host:port."""
    base = server_url.rstrip("/")
    if not base.startswith("https://"):
        raise ValueError(f"the server URL must start with https:// (got {server_url!r})")
    return "wss://" + base[len("https://"):] + PUSH_PATH


def backoff_delays(first: float = 0.5, factor: float = 2.0, cap: float = 15.0) -> Iterator[float]:
    """0.5, 1, 2, 4 … seconds up to ``cap``, each with ±10 % jitter."""
    delay = first
    while True:
        yield delay * random.uniform(0.9, 1.1)
        delay = min(cap, delay * factor)


class PushListener:
    """Listens for pushes until ``stop``; ``on_push`` / ``on_status`` are called on the loop thread."""

    def __init__(
        self,
        server_url: str,
        token: str,
        ssl_context_factory: Callable[[], ssl.SSLContext],
        *,
        on_push: Callable[[PushEvent], None],
        on_status: Callable[[PushStatus], None],
        delays: Callable[[], Iterator[float]] = backoff_delays,
    ) -> None:
        self._url = push_url(server_url)
        self._token = token
        self._context_factory = ssl_context_factory
        self._context: ssl.SSLContext | None = None
        self._on_push = on_push
        self._on_status = on_status
        self._delays = delays
        self._last_status: PushStatus | None = None
        self._connected_once = False
        self._loop: LoopThread | None = None

    def start(self) -> None:
        """Connect in the background (idempotent)."""
        if self._loop is None:
            self._loop = LoopThread("ferry-agent-push")
            self._loop.submit(self._run())

    def stop(self, timeout: float = 5.0) -> None:
        """Close the link and join the thread (idempotent)."""
        if self._loop is not None:
            self._loop.stop(timeout)
            self._loop = None

    async def _run(self) -> None:
        delays = self._delays()
        while True:
            self._connected_once = False
            reason = await self._connect_once()
            if reason is None:
                return
            if self._connected_once:
                delays = self._delays()  # it was connected: start backing off from the beginning
            self._report(PushStatus(False, reason))
            await asyncio.sleep(next(delays))

    async def _connect_once(self) -> str | None:
        """One connection, until it ends; returns why, or None to give up."""
        try:
            if self._context is None:
                self._context = await asyncio.to_thread(self._context_factory)
            async with connect(
                self._url, ssl=self._context, proxy=None, open_timeout=10, close_timeout=2,
                ping_interval=20, ping_timeout=20,
                additional_headers={"Authorization": f"Bearer {self._token}"},
            ) as ws:
                self._connected_once = True
                self._report(PushStatus(True))
                async for message in ws:
                    self._dispatch(message)
            return self._closed(ws.close_code, ws.close_reason or "")
        except InvalidStatus as exc:
            return self._closed(exc.response.status_code, f"HTTP {exc.response.status_code}")
        except ConnectionClosed as exc:
            rcvd = exc.rcvd
            return self._closed(rcvd.code if rcvd else None, rcvd.reason if rcvd else "")
        except (OSError, InvalidHandshake, TimeoutError, TransportError) as exc:
            return f"could not reach {self._url}: {exc}"

    def _closed(self, code: int | None, reason: str) -> str | None:
        """Why the link ended; None (after a final report) when the server refused our token."""
        if code in REFUSED_CODES:
            self._report(PushStatus(False, f"the server refused the push connection ({reason or code}): "
                                           "log in again", final=True))
            return None
        if reason:
            return f"the server closed the push connection: {reason}"
        return "the push connection was lost"

    def _dispatch(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            log.warning("dropped a push that is not JSON: %.80r", message)
            return
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            log.warning("dropped a push without a type: %.80r", message)
            return
        self._call(self._on_push, PushEvent(data["type"], data))

    def _report(self, status: PushStatus) -> None:
        if status != self._last_status:
            self._last_status = status
            self._call(self._on_status, status)

    @staticmethod
    def _call(handler: Callable[[Any], None], value: object) -> None:
        try:
            handler(value)
        except Exception:  # a handler's bug must not kill the network loop
            log.exception("push handler failed on %r", value)
