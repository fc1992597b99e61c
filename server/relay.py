"""Session relay: pairs one viewer leg and one host leg per session and copies their binary
messages both ways, unchanged (the payload is end-to-end encrypted; the relay never decrypts).

Rules:
- A leg is admitted (credentials checked, socket accepted) before it reaches ``Relay.serve``; its
  handler then only waits until the pair's supervisor (one task per pair) releases it.
- At most one leg per role per session; a second one is closed with 4409, unless it resumes (below).
  Legs that arrive after the session ended, or after ``POST /end``, are closed with 4410.
- A waiting leg is read only to notice that it left; nothing may be sent before ``paired`` (4400).
  When both legs are there, both get ``{"event":"paired"}`` and the supervisor copies: one task per
  direction, ``asyncio.wait(FIRST_COMPLETED)``, the rest cancelled.
- Backpressure is natural: a direction awaits the send of a message before it reads the next one,
  and the server pauses reading a socket while a received message waits, so nothing queues unbounded.
- When a leg goes, the other gets ``{"event":"peer_left","reason":…}`` and is closed with 1000 (a leg that
  closes is noticed at once; one whose network vanished, by the server's WebSocket pings within ~20 s).
  The reason is the one ``POST /end`` gave, else "host disconnected" / "viewer disconnected".
- After ``POST /end`` the legs get ``end_grace_s`` to close by themselves, then both are closed.
- Reconnect: a leg may ask for it (``reconnect=<s>`` in its query). When both legs of the first pairing
  asked, ``paired`` carries ``reconnect_s`` (the smaller ask, at most RECONNECT_LIMIT_S) and a leg that is
  *lost* (gone without a clean close: 1006, a ping timeout, or replaced) does not end the pair: the other
  leg gets ``{"event":"peer_reconnecting"}``, answers ``{"event":"reset"}`` once it dropped its old
  connection (binary messages before that are discarded), and the pair waits up to ``reconnect_s`` for a
  leg of the lost role with valid credentials and ``resume=1``; then both get ``paired`` again (a fresh
  handshake). A resuming leg closes a stale leg of its role (4408) instead of being refused. A waiting
  leg may end the pair with ``{"event":"end","reason":…}``. After the window, the legs get ``peer_left``
  with ``"lost": true`` and the session ends with ``lost_reason``. A clean close (1000), a shutdown (1012)
  or a protocol breach ends the pair at once, as without reconnect.
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
CLOSE_BAD_REQUEST, CLOSE_REPLACED, CLOSE_ROLE_TAKEN, CLOSE_ENDED = 4400, 4408, 4409, 4410
CLEAN_CLOSES = frozenset({1000, 1012})  # a leg that closes so means it; 1012: the server is stopping
GOODBYE_TIMEOUT_S = 1.0
RECONNECT_LIMIT_S = 60.0
BINARY_ONLY_REASON = "the relay carries binary messages only"
PAIRED_TEXT = json.dumps({"event": "paired"}, separators=(",", ":"))
RECONNECTING_TEXT = json.dumps({"event": "peer_reconnecting"}, separators=(",", ":"))
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


def lost_reason(window_s: float) -> str:
    """Why a pair ended when its lost leg did not come back within the window."""
    span = "a minute" if window_s >= RECONNECT_LIMIT_S else f"{window_s:g} seconds"
    return f"the connection was lost and could not be restored within {span}"


async def close_quietly(websocket: WebSocket, code: int, reason: str) -> None:
    """Close ``websocket`` unless it is already gone; never wait longer than a second."""
    try:
        await asyncio.wait_for(websocket.close(code, close_reason(reason)), GOODBYE_TIMEOUT_S)
    except (TimeoutError, RuntimeError, *_GONE):
        logger.debug("Closing a relay leg: it was already gone")


def _finished_read(reader: asyncio.Task[Message]) -> Message | None:
    """What a cancelled-or-finished read got: None when it was cancelled before getting anything."""
    if not reader.done() or reader.cancelled():
        return None
    if reader.exception() is not None:
        return {"type": "websocket.disconnect", "code": 1006}
    return reader.result()


def _text_event(message: Message) -> dict[str, object]:
    try:
        event = json.loads(message.get("text") or "")
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


@dataclasses.dataclass(eq=False)
class Leg:
    """One side's socket in a pair."""

    role: str
    websocket: WebSocket
    reconnect_s: float = 0.0
    ready: bool = True  # False from peer_reconnecting until the leg says reset
    replaced: bool = False
    released: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)


@dataclasses.dataclass(frozen=True)
class Departure:
    """A leg that went during a round, and whether a reconnect may bring it back."""

    leg: Leg | None
    lost: bool = False


@dataclasses.dataclass(frozen=True)
class Outcome:
    """How a pair ends: ``reason`` for the record (None: it never paired, nothing to record)."""

    reason: str | None
    departed: Leg | None = None
    lost: bool = False


@dataclasses.dataclass(eq=False)
class Pair:
    """The legs of one session and what happened to them."""

    session_id: str
    legs: dict[str, Leg] = dataclasses.field(default_factory=dict)
    arrived: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    end_requested: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    finished: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    end_reason: str | None = None
    bytes_relayed: int = 0
    closing: bool = False  # _finish has begun: a leg arriving now is too late
    rounds: int = 0  # pairings so far
    window_s: float = 0.0  # agreed reconnect window (0: a lost leg ends the pair)
    in_round: tuple[Leg, ...] = ()
    supervisor: asyncio.Task[None] | None = None


class Relay:
    """Registry of pairs by session id; ``serve`` runs one admitted leg until its pair releases it."""

    def __init__(self, hooks: RelayHooks, end_grace_s: float, capture_dir: Path | None = None) -> None:
        self._hooks = hooks
        self._end_grace_s = end_grace_s
        self._pairs: dict[str, Pair] = {}
        self._capture_dir = capture_dir
        self._background: set[asyncio.Task[None]] = set()

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

    async def serve(self, session_id: str, role: str, websocket: WebSocket, *, reconnect_s: float = 0.0,
                    resume: bool = False) -> None:
        """Run an accepted leg: wait for the peer, relay, say goodbye. Returns once it is closed."""
        try:
            pair, leg = self._attach(session_id, role, websocket, reconnect_s, resume)
        except RelayRefusedError as exc:
            logger.info("Relay %s for %s refused (%d): %s", role, session_id, exc.close_code, exc.reason)
            await close_quietly(websocket, exc.close_code, exc.reason)
            return
        pair.arrived.set()
        if pair.supervisor is None:
            pair.supervisor = asyncio.create_task(self._supervise(pair))
        await leg.released.wait()

    def _attach(self, session_id: str, role: str, websocket: WebSocket, reconnect_s: float,
                resume: bool) -> tuple[Pair, Leg]:
        pair = self._pairs.get(session_id)
        if resume and (pair is None or pair.rounds == 0 or pair.window_s <= 0):
            raise RelayRefusedError(CLOSE_ENDED, "the session cannot be resumed: it has ended")
        pair = pair or self._pairs.setdefault(session_id, Pair(session_id))
        if pair.closing or pair.end_requested.is_set() or pair.finished.is_set():
            raise RelayRefusedError(CLOSE_ENDED, "the session has ended")
        old = pair.legs.get(role)
        if old is not None and not resume:
            raise RelayRefusedError(CLOSE_ROLE_TAKEN, f"a {role} is already connected to this session")
        if old is not None:
            self._retire(pair, old)
        leg = Leg(role, websocket, max(0.0, min(reconnect_s, RECONNECT_LIMIT_S)))
        pair.legs[role] = leg
        return pair, leg

    def _retire(self, pair: Pair, old: Leg) -> None:
        """A resuming leg takes the place of a stale one: close the old socket, never pair with it."""
        logger.info("Session %s: a resuming %s replaces its stale leg", pair.session_id, old.role)
        old.replaced = True

        async def close_old() -> None:
            await close_quietly(old.websocket, CLOSE_REPLACED, "replaced by a new connection of the same side")
            if old not in pair.in_round:
                old.released.set()  # a round in progress releases it when it notices

        task = asyncio.create_task(close_old())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # --- the supervisor -------------------------------------------------------------------------

    async def _supervise(self, pair: Pair) -> None:
        outcome = Outcome("the session has ended")
        try:
            outcome = await self._rounds(pair)
        except Exception:
            logger.exception("Session %s: the relay failed", pair.session_id)
        finally:
            await self._finish(pair, outcome)

    async def _rounds(self, pair: Pair) -> Outcome:
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        while True:
            outcome = await self._gather(pair, deadline)
            if outcome is not None:
                return outcome
            departure = await self._round(pair)
            if departure.leg is None:
                return Outcome(pair.end_reason or "the session has ended")
            if not (departure.lost and pair.window_s > 0) or pair.end_requested.is_set():
                reason = pair.end_reason or f"{departure.leg.role} disconnected"
                return Outcome(reason, departure.leg, departure.lost)
            await self._lose(pair, departure.leg)
            deadline = loop.time() + pair.window_s

    async def _gather(self, pair: Pair, deadline: float | None) -> Outcome | None:
        """Wait until both legs are there and ready; an Outcome when the pair ends instead."""
        loop = asyncio.get_running_loop()
        while not (len(pair.legs) == 2 and all(leg.ready for leg in pair.legs.values())):
            if pair.end_requested.is_set():
                return Outcome(pair.end_reason or "the session has ended" if pair.rounds else None)
            if deadline is not None and loop.time() >= deadline:
                return Outcome(lost_reason(pair.window_s), lost=True)
            if not pair.legs and pair.rounds == 0:
                return Outcome(None)
            outcome = await self._wait_once(pair, None if deadline is None else deadline - loop.time())
            if outcome is not None:
                return outcome
        return None

    async def _wait_once(self, pair: Pair, timeout: float | None) -> Outcome | None:
        pair.arrived.clear()
        readers = {asyncio.create_task(leg.websocket.receive()): leg for leg in pair.legs.values()}
        waits: set[asyncio.Task[object]] = {*readers, asyncio.create_task(pair.arrived.wait()),
                                            asyncio.create_task(pair.end_requested.wait())}
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        for reader, leg in readers.items():
            message = _finished_read(reader)
            if message is not None:
                outcome = await self._on_waiting_message(pair, leg, message)
                if outcome is not None:
                    return outcome
        return None

    async def _on_waiting_message(self, pair: Pair, leg: Leg, message: Message) -> Outcome | None:
        """A message from a leg waiting for its peer: leaving, reset, end, or too early."""
        if pair.legs.get(leg.role) is not leg:
            leg.released.set()  # replaced meanwhile
            return None
        if message["type"] == "websocket.disconnect":
            self._detach(pair, leg)
            if pair.rounds and message.get("code") in CLEAN_CLOSES and not leg.replaced:
                return Outcome(pair.end_reason or f"{leg.role} disconnected")
            return None
        event = _text_event(message) if message.get("text") is not None else {}
        if pair.rounds and event.get("event") == "reset":
            leg.ready = True
        elif pair.rounds and event.get("event") == "end":
            reason = str(event.get("reason") or f"ended by the {leg.role}")[:200]
            return Outcome(pair.end_reason or reason)
        elif not (pair.rounds and not leg.ready and message.get("bytes") is not None):
            await close_quietly(leg.websocket, CLOSE_BAD_REQUEST, "send nothing before the relay says paired")
            self._detach(pair, leg)
        return None  # binary from a leg that has not reset yet: frames of the old keys, discarded

    def _detach(self, pair: Pair, leg: Leg) -> None:
        if pair.legs.get(leg.role) is leg:
            del pair.legs[leg.role]
        leg.released.set()

    async def _lose(self, pair: Pair, departed: Leg) -> None:
        """A leg was lost mid-session: keep the pair, tell the other leg to wait and reset."""
        logger.info("Session %s: the %s leg was lost; waiting up to %g s for it", pair.session_id,
                    departed.role, pair.window_s)
        if pair.legs.get(departed.role) is departed:
            del pair.legs[departed.role]
        await close_quietly(departed.websocket, CLOSE_NORMAL, "connection lost")
        departed.released.set()
        for leg in [leg for leg in pair.in_round if pair.legs.get(leg.role) is leg]:
            try:
                await asyncio.wait_for(leg.websocket.send_text(RECONNECTING_TEXT), GOODBYE_TIMEOUT_S)
                leg.ready = False
            except (TimeoutError, *_GONE):
                self._detach(pair, leg)  # both lost: whichever comes back first waits for the other
        pair.in_round = ()

    # --- one round -------------------------------------------------------------------------------

    async def _round(self, pair: Pair) -> Departure:
        first, second = pair.legs["viewer"], pair.legs["host"]
        if pair.rounds == 0:
            if not await self._hooks.paired(pair.session_id):
                return Departure(None)
            pair.window_s = min(first.reconnect_s, second.reconnect_s)
        pair.rounds += 1
        pair.in_round = (first, second)
        pair.arrived.clear()
        text = PAIRED_TEXT
        if pair.window_s > 0:
            text = json.dumps({"event": "paired", "reconnect_s": pair.window_s}, separators=(",", ":"))
        for leg in (first, second):
            try:
                await leg.websocket.send_text(text)
            except _GONE:
                return Departure(leg, lost=True)
        logger.info("Session %s: viewer and host paired (round %d)", pair.session_id, pair.rounds)
        tasks = {
            asyncio.create_task(self._pump(pair, first, second)),
            asyncio.create_task(self._pump(pair, second, first)),
            asyncio.create_task(self._end_after_grace(pair)),
            asyncio.create_task(self._replaced(pair)),
        }
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return _departure(done)

    async def _pump(self, pair: Pair, source: Leg, target: Leg) -> Departure:
        """Copy ``source`` → ``target`` until one goes; the leg that went."""
        while True:
            try:
                message = await source.websocket.receive()
            except (RuntimeError, *_GONE):
                return Departure(source, lost=True)
            if message["type"] == "websocket.disconnect":
                return Departure(source, source.replaced or message.get("code") not in CLEAN_CLOSES)
            data = message.get("bytes")
            if data is None:
                await close_quietly(source.websocket, CLOSE_BINARY_ONLY, BINARY_ONLY_REASON)
                return Departure(source)
            try:
                await target.websocket.send_bytes(data)
            except _GONE:
                return Departure(target, lost=True)
            pair.bytes_relayed += len(data)
            if self._capture_dir is not None:
                capture_message(self._capture_dir, pair.session_id, source.role, data)

    async def _replaced(self, pair: Pair) -> Departure:
        """A resuming leg took the place of one in this round (its socket may hang half-dead)."""
        while True:
            await pair.arrived.wait()
            pair.arrived.clear()
            for leg in pair.in_round:
                if leg.replaced:
                    return Departure(leg, lost=True)

    async def _end_after_grace(self, pair: Pair) -> Departure:
        await pair.end_requested.wait()
        await asyncio.sleep(self._end_grace_s)
        return Departure(None)

    async def _goodbye(self, leg: Leg, reason: str, lost: bool = False) -> None:
        try:
            body: dict[str, object] = {"event": "peer_left", "reason": reason}
            if lost:
                body["lost"] = True
            text = json.dumps(body, separators=(",", ":"))
            await asyncio.wait_for(leg.websocket.send_text(text), GOODBYE_TIMEOUT_S)
        except (TimeoutError, *_GONE):
            logger.debug("Session leg %s left before its goodbye", leg.role)
        await close_quietly(leg.websocket, CLOSE_NORMAL, reason)

    async def _finish(self, pair: Pair, outcome: Outcome) -> None:
        pair.closing = True
        reason = outcome.reason or pair.end_reason or "the session has ended"
        legs = {*pair.legs.values(), *pair.in_round}
        try:
            if outcome.reason is not None:  # recorded before the legs hear of it
                await self._hooks.ended(pair.session_id, reason, pair.bytes_relayed)
            for leg in legs:
                if leg is outcome.departed or leg.replaced:
                    await close_quietly(leg.websocket, CLOSE_NORMAL, reason)
                else:
                    await self._goodbye(leg, reason, lost=outcome.lost and outcome.departed is None)
                leg.released.set()
        finally:
            for leg in legs:
                leg.released.set()  # the handlers return; the server closes what is left
            pair.finished.set()
            if self._pairs.get(pair.session_id) is pair:
                del self._pairs[pair.session_id]
        if outcome.reason is not None:
            logger.info("Session %s ended (%s): %d bytes relayed", pair.session_id, reason, pair.bytes_relayed)


def _departure(done: set[asyncio.Task[Departure]]) -> Departure:
    """The leg that went, from the relay tasks that finished first (leg None: both must go)."""
    for task in done:
        if task.exception() is not None:
            logger.error("A relay direction failed", exc_info=task.exception())
            return Departure(None)
        if task.result().leg is not None:
            return task.result()
    return Departure(None)
