"""``GET /ws/queue/{ticket}``: the customer's live queue socket (the ticket in the path is the only credential).

At connect the customer gets their ``position`` (or ``accepted`` and the chat so far); then every change.
Customer → server: ``{"type": "chat", "text"}`` (once accepted) and ``{"type": "leave"}``. Anything else gets
an ``error`` message; the socket stays open. An unknown ticket is closed with 4404, an ended one after ``ended``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from server.errors import ApiError, NotFoundError
from server.models import QueueState
from server.queues import store
from server.queues.engine import CustomerLink, QueueEngine, chat_message
from server.queues.service import engine_of, send_line, slug_of
from server.relay import close_quietly

logger = logging.getLogger(__name__)

router = APIRouter()
CLOSE_NO_TICKET = 4404
TICKET_LENGTH = 32


def ticket_hash(ticket: str) -> str:
    """The stored digest of a ticket."""
    return hashlib.sha256(ticket.encode()).hexdigest()


def error(code: str, message: str) -> dict[str, Any]:
    """An ``error`` message."""
    return {"type": "error", "code": code, "message": message}


async def _greet(engine: QueueEngine, link: CustomerLink, entry: store.EntryView) -> None:
    if entry.state in store.WAITING:
        places = await engine.services.db.call(store.places, [entry.window_id])
        if entry.id in places:
            engine.tell_position(link, places[entry.id])
        return
    if entry.state == QueueState.ACCEPTED.value and entry.agent_id is not None:
        name = await engine.services.db.call(store.agent_name, entry.agent_id)
        options = [await engine.services.db.call(store.option_on, entry.agent_id, key)
                   for key in ("chat_file_customer", "chat_log_customer")]
        link.send({"type": "accepted", "agent_name": name, "files": options[0], "chat_log": options[1]})
    for row in await engine.services.db.call(store.chat_of, entry.id):
        link.send(chat_message(row, link.slug, link.ticket))


async def _on_message(engine: QueueEngine, link: CustomerLink, text: str) -> None:
    try:
        message = json.loads(text)
    except ValueError:
        message = None
    if not isinstance(message, dict):
        link.send(error("bad_message", "Send one JSON object per message."))
        return
    if message.get("type") == "leave":
        gone = await engine.write(store.leave_entry, link.entry_id, engine.services.hub.connected_tokens())
        if gone is not None:
            await engine.left(*gone)
        else:
            link.send(error("not_waiting", "You are no longer waiting in the queue."))
        return
    if message.get("type") == "chat":
        entry = await engine.services.db.call(store.entry, link.entry_id)
        await _chat(engine, link, entry, message.get("text"))
        return
    link.send(error("bad_message", 'Unknown message: send {"type": "chat", "text": …} or {"type": "leave"}.'))


async def _chat(engine: QueueEngine, link: CustomerLink, entry: store.EntryView, text: object) -> None:
    if entry.state != QueueState.ACCEPTED.value:
        link.send(error("not_accepted", "You can chat once an agent has taken your request: please wait."))
        return
    if not isinstance(text, str) or not text.strip() or len(text) > store.MAX_CHAT:
        link.send(error("bad_text", f"A chat message holds 1 to {store.MAX_CHAT} characters."))
        return
    try:
        await send_line(engine, entry, "customer", entry.customer_name or "Customer", text)
    except ApiError as exc:
        link.send(error("chat_failed", exc.detail))


@router.websocket("/ws/queue/{ticket}")
async def queue_socket(websocket: WebSocket, ticket: str) -> None:
    """The customer's live position, acceptance, chat, remote-support code and end (see the module)."""
    engine = engine_of(websocket)
    await websocket.accept()
    try:
        if len(ticket) != TICKET_LENGTH:
            raise NotFoundError("unknown ticket")
        entry = await engine.services.db.call(store.entry_by_ticket, ticket_hash(ticket))
    except NotFoundError:
        await close_quietly(websocket, CLOSE_NO_TICKET, "unknown queue ticket: choose a window again")
        return
    link = CustomerLink(websocket, entry, await slug_of(engine, entry), ticket)
    writer = engine.connect(link)
    try:
        if entry.state in (QueueState.LEFT.value, QueueState.SERVED.value):
            link.send({"type": "ended", "reason": entry.state})
        else:
            await _greet(engine, link, entry)
        await _receive(engine, link, websocket)
    finally:
        engine.disconnect(link)
        await writer


async def _receive(engine: QueueEngine, link: CustomerLink, websocket: WebSocket) -> None:
    while True:
        try:
            message = await websocket.receive()
        except (WebSocketDisconnect, WebSocketDisconnected, RuntimeError):
            return
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None:
            await _on_message(engine, link, str(message["text"]))
