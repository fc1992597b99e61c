"""Listening socket and uvicorn: bind first (so ``--port 0`` has a real port to print), then serve TLS."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Callable
from typing import cast

import uvicorn
from fastapi import FastAPI

from server.errors import StartupError
from server.tls import ServerCertificate

GRACEFUL_SHUTDOWN_S = 5
CLOSE_DRAIN_S = 0.5
WS_PING_S = 10.0
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (not yet listening); port 0 picks a free port."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise StartupError(f"Could not use the address {host!r}: {exc}. Check --host.") from exc
    try:
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise StartupError(
            f"Could not listen on {host}:{port}: {exc.strerror or exc}. "
            "Choose another --port, or stop the program that uses it."
        ) from exc
    return sock


def public_url(host: str, port: int, public_name: str | None) -> str:
    """The https URL to show for a server bound to ``host:port``."""
    if host in WILDCARD_HOSTS:
        host = public_name or socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"https://{host}:{port}"


class _Server(uvicorn.Server):
    """uvicorn's server, calling ``on_ready`` once it accepts connections."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            self._on_ready()

    async def _wait_tasks_to_complete(self) -> None:
        # Closing a TLS connection waits for the peer's close_notify, which an idle keep-alive client
        # never sends: give closing connections a moment, then abort the ones still hanging.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_DRAIN_S
        while self.server_state.connections and loop.time() < deadline:
            await asyncio.sleep(0.05)
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if isinstance(transport, asyncio.BaseTransport) and transport.is_closing():
                cast(asyncio.Transport, transport).abort()
        await super()._wait_tasks_to_complete()


def serve(app: FastAPI, sock: socket.socket, cert: ServerCertificate, *, max_message: int,
          on_ready: Callable[[], None]) -> None:
    """Serve ``app`` over TLS on ``sock`` until SIGINT/SIGTERM."""
    config = uvicorn.Config(
        app,
        ssl_certfile=str(cert.cert_path),
        ssl_keyfile=str(cert.key_path),
        ws_max_size=max_message,
        ws_per_message_deflate=False,  # relay payloads are ciphertext: compression only costs CPU
        ws_ping_interval=WS_PING_S,  # a leg whose network vanished is noticed within two intervals
        ws_ping_timeout=WS_PING_S,
        proxy_headers=False,  # the join limiter counts the real peer address
        log_config=None,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    _Server(config, on_ready).run(sockets=[sock])
