"""Session relay: pairs one viewer leg and one host leg per session and copies their binary
messages both ways, unchanged (the payload is end-to-end encrypted; the relay never decrypts).

Rules:
- A leg is admitted (credentials checked, socket accepted) before it reaches ``Relay.serve``.
- At most one leg per role per session; a second one is closed with 4409. Legs that arrive after the
  session ended, or after ``POST /end``, are closed with 4410.
- The first leg waits, reading only to notice that it left; nothing may be sent before ``paired``
  (4400). When the second leg arrives, the first hands its socket over (its read is cancelled, which
  loses nothing: messages stay queued), both get ``{"event":"paired"}``, and the second leg's handler
  runs the pair: one task per direction, ``asyncio.wait(FIRST_COMPLETED)``, the rest cancelled.
- Backpressure is natural: a direction awaits the send of a message before it reads the next one,
  and the server pauses reading a socket while a received message waits, so nothing queues unbounded.
- When a leg goes, the other gets ``{"event":"peer_left","reason":…}`` and is closed with 1000 (a leg that
  closes is noticed at once; one whose network vanished, by the server's WebSocket pings within ~20 s).
  The reason is the one ``POST /end`` gave, else "host disconnected" / "viewer disconnected".
- After ``POST /end`` the legs get ``end_grace_s`` to close by themselves, then both are closed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from pathlib import Path
from typing import Protocol

from starlette.types import Message
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from server.errors import RelayRefusedError

logger = logging.getLogger(__name__)

ROLES = ("viewer", "host")
CLOSE_NORMAL, CLOSE_BINARY_ONLY = 1000, 1003
CLOSE_BAD_REQUEST, CLOSE_ROLE_TAKEN, CLOSE_ENDED = 4400, 4409, 4410
HANDOVER_TIMEOUT_S = 5.0
GOODBYE_TIMEOUT_S = 1.0
BINARY_ONLY_REASON = "the relay carries binary messages only"
PAIRED_TEXT = json.dumps({"event": "paired"}, separators=(",", ":"))
_GONE = (OSError, WebSocketDisconnect, WebSocketDisconnected)


class RelayHooks(Protocol):
    """What the relay tells the rest of the server (database record, agent pushes)."""

    async def paired(self, session_id: str) -> bool:
        """Both legs are there; False when the session ended meanwhile (the pair is then closed)."""

    async def ended(self, session_id: str, reason: str, bytes_relayed: int) -> None:
        """The pair is over; ``reason`` unless ``POST /end`` gave one earlier."""


def capture_message(directory: Path, session_id: str, role: str, data: bytes) -> None:
    """Append one relayed message to DIR/<session>-<from role>.bin as a 4-byte length and the bytes."""
    with open(directory / f"{session_id}-{role}.bin", "ab") as out:
        out.write(len(data).to_bytes(4, "big") + data)


def close_reason(text: str) -> str:
    """``text`` cut to the 123 bytes a WebSocket close reason may hold."""
    return text.encode("utf-8")[:120].decode("utf-8", "ignore")


async def close_quietly(websocket: WebSocket, code: int, reason: str) -> None:
    """Close ``websocket`` unless it is already gone; never wait longer than a second."""
    try:
        await asyncio.wait_for(websocket.close(code, close_reason(reason)), GOODBYE_TIMEOUT_S)
    except (TimeoutError, *_GONE):
        logger.debug("Closing a relay leg: it was already gone")


def _finished_read(reader: asyncio.Task[Message]) -> Message | None:
    """What a cancelled-or-finished read got: None when it was cancelled before getting anything."""
    if not reader.done() or reader.cancelled():
        return None
    if reader.exception() is not None:
        return {"type": "websocket.disconnect", "code": 1006}
    return reader.result()


def _departed(done: set[asyncio.Task[str | None]]) -> str | None:
    """The role whose leg went, from the relay tasks that finished first (None: both must go)."""
    for task in done:
        if task.exception() is not None:
            logger.error("A relay direction failed", exc_info=task.exception())
            return None
        if task.result() is not None:
            return task.result()
    return None


@dataclasses.dataclass(eq=False)
class Leg:
    """One side's socket in a pair."""

    role: str
    websocket: WebSocket
    handed_over: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    gone: bool = False


@dataclasses.dataclass(eq=False)
class Pair:
    """The legs of one session and what happened to them."""

    session_id: str
    legs: dict[str, Leg] = dataclasses.field(default_factory=dict)
    start: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    end_requested: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    finished: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    end_reason: str | None = None
    bytes_relayed: int = 0
    closing: bool = False  # _finish has begun: a leg arriving now is too late


class Relay:
    """Registry of pairs by session id; ``serve`` runs one admitted leg until its pair is over."""

    def __init__(self, hooks: RelayHooks, end_grace_s: float, capture_dir: Path | None = None) -> None:
        self._hooks = hooks
        self._end_grace_s = end_grace_s
        self._pairs: dict[str, Pair] = {}
        self._capture_dir = capture_dir

    def request_end(self, session_id: str, reason: str) -> bool:
        """``POST /end`` was called: end the pair (after the grace period); False when there is none."""
        pair = self._pairs.get(session_id)
        if pair is None:
            return False
        pair.end_reason = pair.end_reason or reason
        pair.end_requested.set()
        return True

    async def end_unpaired(self, session_id: str, reason: str) -> None:
        """A live session whose legs this process does not hold: just record its end."""
        await self._hooks.ended(session_id, reason, 0)

    async def serve(self, session_id: str, role: str, websocket: WebSocket) -> None:
        """Run an accepted leg: wait for the peer, relay, say goodbye. Returns once it is closed."""
        try:
            pair, leg = self._attach(session_id, role, websocket)
        except RelayRefusedError as exc:
            logger.info("Relay %s for %s refused (%d): %s", role, session_id, exc.close_code, exc.reason)
            await close_quietly(websocket, exc.close_code, exc.reason)
            return
        if len(pair.legs) == 2:
            other = pair.legs["host" if role == "viewer" else "viewer"]
            await self._run(pair, other, leg)
        else:
            await self._wait_for_peer(pair, leg)

    def _attach(self, session_id: str, role: str, websocket: WebSocket) -> tuple[Pair, Leg]:
        pair = self._pairs.setdefault(session_id, Pair(session_id))
        if pair.closing or pair.end_requested.is_set() or pair.finished.is_set():
            raise RelayRefusedError(CLOSE_ENDED, "the session has ended")
        if role in pair.legs:
            raise RelayRefusedError(CLOSE_ROLE_TAKEN, f"a {role} is already connected to this session")
        leg = Leg(role, websocket)
        pair.legs[role] = leg
        return pair, leg

    def _detach(self, pair: Pair, leg: Leg) -> None:
        if pair.legs.get(leg.role) is leg:
            del pair.legs[leg.role]
        if not pair.legs and self._pairs.get(pair.session_id) is pair:
            del self._pairs[pair.session_id]

    async def _wait_for_peer(self, pair: Pair, leg: Leg) -> None:
        reader = asyncio.create_task(leg.websocket.receive())
        started = asyncio.create_task(pair.start.wait())
        waits = {reader, started, asyncio.create_task(pair.end_requested.wait())}
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        early = _finished_read(reader)
        if early is not None and early["type"] != "websocket.disconnect":
            await close_quietly(leg.websocket, CLOSE_BAD_REQUEST, "send nothing before the relay says paired")
        if pair.start.is_set():
            leg.gone = early is not None
            leg.handed_over.set()
            await pair.finished.wait()
            return
        self._detach(pair, leg)
        if early is None:  # POST /end while we were alone
            await self._goodbye(leg, pair.end_reason or "the session has ended")

    async def _run(self, pair: Pair, first: Leg, second: Leg) -> None:
        pair.start.set()
        departed: str | None = first.role
        try:
            await asyncio.wait_for(first.handed_over.wait(), HANDOVER_TIMEOUT_S)
            if not first.gone:
                departed = await self._relay(pair, first, second)
        except TimeoutError:
            logger.warning("Session %s: the first leg did not hand over its socket", pair.session_id)
        finally:
            await self._finish(pair, departed)

    async def _relay(self, pair: Pair, first: Leg, second: Leg) -> str | None:
        if not await self._hooks.paired(pair.session_id):
            return None
        for leg in (first, second):
            try:
                await leg.websocket.send_text(PAIRED_TEXT)
            except _GONE:
                return leg.role
        logger.info("Session %s: viewer and host paired", pair.session_id)
        tasks = {
            asyncio.create_task(self._pump(pair, first, second)),
            asyncio.create_task(self._pump(pair, second, first)),
            asyncio.create_task(self._end_after_grace(pair)),
        }
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return _departed(done)

    async def _pump(self, pair: Pair, source: Leg, target: Leg) -> str | None:
        """Copy ``source`` → ``target`` until one goes; the role of the leg that went."""
        while True:
            message = await source.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return source.role
            data = message.get("bytes")
            if data is None:
                await close_quietly(source.websocket, CLOSE_BINARY_ONLY, BINARY_ONLY_REASON)
                return source.role
            try:
                await target.websocket.send_bytes(data)
            except _GONE:
                return target.role
            pair.bytes_relayed += len(data)
            if self._capture_dir is not None:
                capture_message(self._capture_dir, pair.session_id, source.role, data)

    async def _end_after_grace(self, pair: Pair) -> str | None:
        await pair.end_requested.wait()
        await asyncio.sleep(self._end_grace_s)
        return None

    async def _goodbye(self, leg: Leg, reason: str) -> None:
        try:
            text = json.dumps({"event": "peer_left", "reason": reason}, separators=(",", ":"))
            await asyncio.wait_for(leg.websocket.send_text(text), GOODBYE_TIMEOUT_S)
        except (TimeoutError, *_GONE):
            logger.debug("Session leg %s left before its goodbye", leg.role)
        await close_quietly(leg.websocket, CLOSE_NORMAL, reason)

    async def _finish(self, pair: Pair, departed: str | None) -> None:
        pair.closing = True
        reason = pair.end_reason or (f"{departed} disconnected" if departed else "the session has ended")
        for leg in pair.legs.values():
            if leg.role == departed:
                await close_quietly(leg.websocket, CLOSE_NORMAL, reason)
            else:
                await self._goodbye(leg, reason)
        try:
            await self._hooks.ended(pair.session_id, reason, pair.bytes_relayed)
        finally:
            pair.finished.set()
            if self._pairs.get(pair.session_id) is pair:
                del self._pairs[pair.session_id]
        logger.info("Session %s ended (%s): %d bytes relayed", pair.session_id, reason, pair.bytes_relayed)
