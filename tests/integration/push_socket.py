"""The agent push socket (``/ws/agent``) as tests use it: open one, read its next event, wait for its close."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tools.server_process import RunningServer


async def open_pushes(server: RunningServer, token: str) -> ClientConnection:
    """A push socket of the login that ``token`` belongs to (pinned TLS)."""
    return await connect(server.ws_url("/ws/agent"), ssl=server.ssl_context(), open_timeout=10,
                         additional_headers={"Authorization": f"Bearer {token}"})


async def next_event(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    """The next pushed event (a JSON object sent as text)."""
    message = await asyncio.wait_for(ws.recv(), timeout)
    assert isinstance(message, str), "expected a text event"
    return dict(json.loads(message))


async def closed(ws: ClientConnection, timeout: float = 5.0) -> tuple[int | None, str | None]:
    """Wait until the server closes ``ws`` (dropping any further messages); its close code and reason."""
    async def drain() -> None:
        try:
            while True:
                await ws.recv()
        except ConnectionClosed:
            return
    await asyncio.wait_for(drain(), timeout)
    return ws.close_code, ws.close_reason
