"""WebSocket endpoints: the session relay ``/relay/{session_id}`` and the agent push hub ``/ws/agent``.

A relay leg may add ``&reconnect=<seconds>`` (it will reconnect after a drop) and ``&resume=1`` (this is
such a reconnect); see server.relay.

Refusals happen right after the handshake is accepted: the socket is accepted, then closed at once
with a 4xxx code and a short reason (a refusal before accepting could only be an HTTP 403).
Codes: 4400 bad role or protocol misuse, 4401 missing or wrong token, 4403 not the session's agent,
4404 no such session, 4409 that role is already connected, 4410 the session has ended.
"""

from __future__ import annotations

import logging
import math
import re

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from server.accounts import Caller, authenticate
from server.context import Services, bearer_from_headers, get_services
from server.errors import NotAuthenticatedError, RelayRefusedError
from server.relay import CLOSE_BAD_REQUEST, ROLES, close_quietly
from server.support import BAD_AGENT_TOKEN, CLOSE_BAD_TOKEN, CLOSE_NO_SESSION, admit_leg

logger = logging.getLogger(__name__)

router = APIRouter()
ANOTHER_LOGIN = "this ID is logged in on another PC now: log in again here to take over"
SESSION_ID = re.compile(r"[0-9a-f]{32}")


async def _admit(services: Services, websocket: WebSocket, session_id: str, role: str | None) -> None:
    if role not in ROLES:
        raise RelayRefusedError(CLOSE_BAD_REQUEST, "role must be viewer or host")
    if not SESSION_ID.fullmatch(session_id):
        raise RelayRefusedError(CLOSE_NO_SESSION, "no such session")
    await services.db.call(admit_leg, session_id, role, bearer_from_headers(websocket.headers))


@router.websocket("/relay/{session_id}")
async def relay_leg(websocket: WebSocket, session_id: str) -> None:
    """One leg of a session (``?role=viewer`` with the agent token, ``?role=host`` with the host token)."""
    services = get_services(websocket)
    role = websocket.query_params.get("role")
    try:
        await _admit(services, websocket, session_id, role)
    except RelayRefusedError as exc:
        await websocket.accept()
        logger.info("Relay leg for session %r refused (%d): %s", session_id[:40], exc.close_code, exc.reason)
        await close_quietly(websocket, exc.close_code, exc.reason)
        return
    await websocket.accept()
    assert role is not None  # _admit checked it
    await services.relay.serve(session_id, role, websocket, reconnect_s=_reconnect_s(websocket),
                               resume=websocket.query_params.get("resume") == "1")


def _reconnect_s(websocket: WebSocket) -> float:
    """The reconnect window a leg asks for (``reconnect=<seconds>``); 0 when absent or not a number."""
    try:
        value = float(websocket.query_params.get("reconnect", "0"))
    except ValueError:
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


async def _agent_caller(services: Services, websocket: WebSocket) -> Caller | None:
    try:
        return await services.db.call(authenticate, bearer_from_headers(websocket.headers))
    except NotAuthenticatedError:
        return None


async def _pong(websocket: WebSocket) -> bool:
    try:
        await websocket.send_text("pong")
    except (OSError, WebSocketDisconnect, WebSocketDisconnected):
        return False
    return True


@router.websocket("/ws/agent")
async def agent_pushes(websocket: WebSocket) -> None:
    """Server-to-agent pushes (``customer_joined``, ``session_ended``, ``options_changed``, ``logged_out``);
    text ``ping`` gets ``pong``. A ``logged_out`` event carries why; the socket is then closed with 4401.
    A socket for a login whose ID has another login present (its socket open) is closed with 4401 at once:
    an older login cannot come back next to a newer one."""
    services = get_services(websocket)
    caller = await _agent_caller(services, websocket)
    await websocket.accept()
    if caller is None:
        await close_quietly(websocket, CLOSE_BAD_TOKEN, BAD_AGENT_TOKEN)
        return
    agent_id = caller.agent.id
    if services.hub.other_login_present(agent_id, caller.token_hash):
        await close_quietly(websocket, CLOSE_BAD_TOKEN, ANOTHER_LOGIN)
        return
    services.hub.add(agent_id, websocket, caller.token_hash)
    if await _agent_caller(services, websocket) is None:  # ended while we admitted it: nobody would close it
        services.hub.remove(agent_id, websocket)
        await close_quietly(websocket, CLOSE_BAD_TOKEN, BAD_AGENT_TOKEN)
        return
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("text") == "ping" and not await _pong(websocket):
                break
    finally:
        services.hub.remove(agent_id, websocket)
