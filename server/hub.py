"""Push hub for agent apps: ``WSS /ws/agent`` sockets by agent, JSON events pushed to all of them.

Rules: a push never blocks the caller for long (each send has a timeout) and a socket that fails
a send is dropped; the hub holds sockets only while their handler runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Collection
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

logger = logging.getLogger(__name__)

PUSH_TIMEOUT_S = 5.0
CLOSE_LOGGED_OUT = 4401  # the token was revoked: logged out, ended by an admin or by a newer login


def close_reason(reason: str) -> str:
    """``reason`` cut to the 123 bytes of UTF-8 a WebSocket close frame may carry (never mid-character)."""
    return reason.encode("utf-8")[:123].decode("utf-8", "ignore")


class AgentHub:
    """The open push sockets of every agent, with the token digest each was opened with."""

    def __init__(self) -> None:
        self._sockets: dict[int, dict[WebSocket, str]] = {}

    def add(self, agent_id: int, websocket: WebSocket, token_hash: str) -> None:
        """Register an accepted socket of ``agent_id``."""
        self._sockets.setdefault(agent_id, {})[websocket] = token_hash

    def remove(self, agent_id: int, websocket: WebSocket) -> None:
        """Forget a socket (its handler is ending)."""
        sockets = self._sockets.get(agent_id)
        if sockets is not None:
            sockets.pop(websocket, None)
            if not sockets:
                del self._sockets[agent_id]

    def count(self, agent_id: int) -> int:
        """How many push sockets ``agent_id`` has open."""
        return len(self._sockets.get(agent_id, {}))

    async def push(self, agent_id: int, event: dict[str, Any]) -> int:
        """Send ``event`` as JSON text to every socket of ``agent_id``; how many got it."""
        text = json.dumps(event, separators=(",", ":"))
        delivered = 0
        for websocket in list(self._sockets.get(agent_id, {})):
            try:
                await asyncio.wait_for(websocket.send_text(text), PUSH_TIMEOUT_S)
            except (TimeoutError, OSError, RuntimeError, WebSocketDisconnect, WebSocketDisconnected):
                # RuntimeError: Starlette's "send after close" when the socket closed during the send
                logger.info("Dropping a push socket of agent %d that failed a send", agent_id)
                self.remove(agent_id, websocket)
                continue
            delivered += 1
        return delivered

    def connected_tokens(self) -> set[str]:
        """The digests of every token with an open push socket (a login that is present)."""
        return {digest for sockets in self._sockets.values() for digest in sockets.values()}

    def other_login_present(self, agent_id: int, token_hash: str) -> bool:
        """True when another login (token) of this agent has a push socket open: at most one app per ID."""
        return any(digest != token_hash for digest in self._sockets.get(agent_id, {}).values())

    def agents(self) -> set[int]:
        """The agents with at least one open push socket."""
        return set(self._sockets)

    async def end_logins(self, agent_id: int, token_hashes: Collection[str], reason: str) -> None:
        """Tell the sockets of these (revoked) tokens ``{"type": "logged_out", "reason": …}``, then close them."""
        event = json.dumps({"type": "logged_out", "reason": reason}, separators=(",", ":"))
        for websocket, digest in list(self._sockets.get(agent_id, {}).items()):
            if digest in token_hashes:
                try:
                    await asyncio.wait_for(websocket.send_text(event), PUSH_TIMEOUT_S)
                except (TimeoutError, OSError, WebSocketDisconnect, WebSocketDisconnected):
                    logger.debug("Push socket of agent %d was already gone", agent_id)
        for digest in token_hashes:
            await self.close_token(agent_id, digest, CLOSE_LOGGED_OUT, close_reason(reason))

    async def close_token(self, agent_id: int, token_hash: str, code: int, reason: str) -> None:
        """Close the sockets opened with one token (the agent logged out)."""
        for websocket, digest in list(self._sockets.get(agent_id, {}).items()):
            if digest == token_hash:
                self.remove(agent_id, websocket)
                try:
                    await asyncio.wait_for(websocket.close(code, reason), PUSH_TIMEOUT_S)
                except (TimeoutError, OSError, WebSocketDisconnect, WebSocketDisconnected):
                    logger.debug("Push socket of agent %d was already gone", agent_id)
