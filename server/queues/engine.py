"""The queue engine: one per server process, on the event loop; the database holds the truth, this holds sockets.

Rules this module keeps:

1. Customers' sockets are grouped by window. A change marks its window dirty; the position task computes the
   places of every dirty window in one query and hands each customer whose place changed a ``position``
   message — at most ``POSITION_BATCH_S`` after the change, whatever the number of customers.
2. Every customer socket has its own outbox and writer task, so a slow browser never delays the others.
3. ``queue_changed`` pushes are coalesced: at most one batch per ``AGENT_BATCH_S`` (an agent re-fetches).
4. Sequential distribution alerts one agent at a time (in login order, skipping agents busy with an accepted
   entry); an alert not taken within ``alert_timeout_s`` moves to the next agent and the previous one is
   withdrawn (``queue_taken`` with ``reason: moved``). Alert targets live here only (one process by design).
5. The chat of one entry is serialised: a line is stored, then sent to both sides, before the next one.
6. An accepted entry ends (customer told ``ended``) when the login that accepted it stops working.
7. On SQLite the queue's writes (alerted marks, the accept's conditional UPDATE, the end, leave, chat lines) run
   one at a time on the engine's writer thread, so they never wait in SQLite's busy handler (which sleeps up to
   100 ms between tries) behind each other; their reads run before, on the request threads, so the writer only
   writes. Position reads run on their own thread, never queued behind requests. Nothing here touches the
   database on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from server.context import Services
from server.models import QueueState
from server.queues import files, store
from server.queues.store import Acceptance, Audience, ChatRow, EntryView, Place

logger = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

POSITION_BATCH_S = 0.02
AGENT_BATCH_S = 0.2
TICK_S = 0.25
SWEEP_S = 1.0
FILE_SWEEP_S = 3600.0
SEQUENTIAL_TIMEOUT_S = 20.0
OUTBOX_LIMIT = 2000
SEND_TIMEOUT_S = 5.0


def alert_timeout_from_env() -> float:
    """``FERRY_QUEUE_ALERT_TIMEOUT_S`` (tests), else ``SEQUENTIAL_TIMEOUT_S``."""
    try:
        value = float(os.environ.get("FERRY_QUEUE_ALERT_TIMEOUT_S", SEQUENTIAL_TIMEOUT_S))
    except ValueError:
        return SEQUENTIAL_TIMEOUT_S
    return value if value > 0 else SEQUENTIAL_TIMEOUT_S


def chat_message(row: ChatRow, slug: str, ticket: str | None = None) -> dict[str, Any]:
    """A stored line as the customer's socket carries it (``chat`` or ``file``)."""
    if row.file is not None:
        url = f"/p/{slug}/t/{ticket}/files/{row.file.id}" if ticket else ""
        return {"type": "file", "id": row.file.id, "sender": row.sender, "name": row.file.name,
                "size": row.file.size, "url": url}
    return {"type": "chat", "id": row.id, "sender": row.sender, "name": row.name, "text": row.text,
            "at": iso(row)}


def iso(row: ChatRow) -> str:
    """The line's time as ISO-8601 UTC with Z."""
    return row.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def agent_line(row: ChatRow) -> dict[str, Any]:
    """A stored line as the agent API shows it (ChatMsg)."""
    line: dict[str, Any] = {"id": row.id, "sender": row.sender, "name": row.name, "text": row.text, "at": iso(row)}
    if row.file is not None:
        line["file"] = {"id": row.file.id, "name": row.file.name, "size": row.file.size,
                        "url": f"/api/v1/queue/{row.entry_id}/files/{row.file.id}"}
    return line


class CustomerLink:
    """One customer socket: its outbox and the place it was last told."""

    def __init__(self, websocket: WebSocket, entry: EntryView, slug: str, ticket: str) -> None:
        self.websocket = websocket
        self.entry_id = entry.id
        self.window_id = entry.window_id
        self.slug = slug
        self.ticket = ticket
        self.told: tuple[int, int, str] | None = None
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue(OUTBOX_LIMIT)

    def send(self, message: dict[str, Any]) -> None:
        """Queue a message; a customer this far behind is cut off (the page reconnects and catches up)."""
        try:
            self.outbox.put_nowait(json.dumps(message, separators=(",", ":"), ensure_ascii=False))
        except asyncio.QueueFull:
            logger.info("Customer socket of queue entry %d is too far behind: closing it", self.entry_id)
            self.close()

    def close(self) -> None:
        """Let the writer stop after what is queued."""
        with contextlib.suppress(asyncio.QueueFull):
            self.outbox.put_nowait(None)

    async def pump(self) -> None:
        """Write the outbox to the socket until closed or failed."""
        while (text := await self.outbox.get()) is not None:
            try:
                async with asyncio.timeout(SEND_TIMEOUT_S):  # no extra task per message, unlike wait_for
                    await self.websocket.send_text(text)
            except (TimeoutError, OSError, WebSocketDisconnect, WebSocketDisconnected, RuntimeError):
                return


@dataclasses.dataclass
class Alert:
    """A sequential entry's current alert."""

    agent_id: int
    window_id: int
    deadline: float


@dataclasses.dataclass
class Acceptor:
    """Who accepted an entry, with the login (token digest) they used."""

    agent_id: int
    token_hash: str


class QueueEngine:
    """The process's queue state and timers (see the module's rules)."""

    def __init__(self, services: Services, alert_timeout_s: float | None = None) -> None:
        self.services = services
        self.alert_timeout_s = alert_timeout_s or alert_timeout_from_env()
        self.files_dir: Path = files.files_dir(services.settings.data_dir)
        self._links: dict[int, set[CustomerLink]] = {}
        self._windows: dict[int, set[int]] = {}
        self._dirty: set[int] = set()
        self._dirty_event = asyncio.Event()
        self._pending: dict[int, set[int]] = {}
        self._pending_event = asyncio.Event()
        self.alerts: dict[int, Alert] = {}
        self._unalerted: dict[int, int] = {}
        self.acceptors: dict[int, Acceptor] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._tasks: list[asyncio.Task[None]] = []
        single = services.db.engine.dialect.name == "sqlite"
        self._writer = ThreadPoolExecutor(1, "ferry-queue-writer") if single else None
        self._reader = ThreadPoolExecutor(1, "ferry-queue-positions")

    # --- database ---------------------------------------------------------------------------------------------

    async def write(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a write transaction ``fn(session, ...)`` off the loop; on SQLite on the one writer thread (rule 7)."""
        if self._writer is None:
            return await self.services.db.call(fn, *args, **kwargs)
        job = functools.partial(self.services.db.run, fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._writer, job)

    async def _read_places(self, window_ids: set[int]) -> dict[int, Place]:
        job = functools.partial(self.services.db.run, store.places, window_ids)
        return await asyncio.get_running_loop().run_in_executor(self._reader, job)

    async def stop(self) -> None:
        """Cancel the engine's tasks and let its threads end (the app is stopping)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for pool in (self._writer, self._reader):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    # --- lifetime ---------------------------------------------------------------------------------------------

    def ensure_running(self) -> None:
        """Start the engine's tasks on the running loop (first use)."""
        if self._tasks:
            return
        self._tasks = [asyncio.create_task(self._position_loop(), name="ferry-queue-positions"),
                       asyncio.create_task(self._agent_loop(), name="ferry-queue-pushes"),
                       asyncio.create_task(self._tick_loop(), name="ferry-queue-timers")]

    def tasks(self) -> list[asyncio.Task[None]]:
        """The running tasks (for the app's lifespan to cancel)."""
        self.ensure_running()
        return list(self._tasks)

    async def _forever(self, step: Any, pause: float, what: str) -> None:
        while True:
            try:
                await step()
            except (SQLAlchemyError, OSError):
                logger.exception("Queue %s failed; retrying", what)
            await asyncio.sleep(pause)

    async def _position_loop(self) -> None:
        async def step() -> None:
            await self._dirty_event.wait()
            await asyncio.sleep(POSITION_BATCH_S)
            self._dirty_event.clear()
            await self._flush_positions()
        await self._forever(step, 0, "position update")

    async def _agent_loop(self) -> None:
        async def step() -> None:
            await self._pending_event.wait()
            self._pending_event.clear()
            pending, self._pending = self._pending, {}
            for page in {page for pages in pending.values() for page in pages}:
                await self.push_all((agent for agent, pages in pending.items() if page in pages),
                                    {"type": "queue_changed", "page_id": page})
        await self._forever(step, AGENT_BATCH_S, "agent push")

    async def _tick_loop(self) -> None:
        last_sweep = last_files = 0.0

        async def step() -> None:
            nonlocal last_sweep, last_files
            now = time.monotonic()
            await self._sequential_tick(now)
            if now - last_sweep >= SWEEP_S:
                last_sweep = now
                await self._logout_sweep()
            if now - last_files >= FILE_SWEEP_S:
                last_files = now
                known = await self.services.db.call(store.stored_files)
                await asyncio.to_thread(files.sweep, self.files_dir, known)
        await self._forever(step, TICK_S, "timer")

    # --- customers ----------------------------------------------------------------------------------------------

    def connect(self, link: CustomerLink) -> asyncio.Task[None]:
        """Register a customer socket; its writer task."""
        self.ensure_running()
        self._links.setdefault(link.entry_id, set()).add(link)
        self._windows.setdefault(link.window_id, set()).add(link.entry_id)
        return asyncio.create_task(link.pump(), name=f"ferry-queue-customer-{link.entry_id}")

    def disconnect(self, link: CustomerLink) -> None:
        """Forget a customer socket."""
        link.close()
        links = self._links.get(link.entry_id, set())
        links.discard(link)
        if not links:
            self._links.pop(link.entry_id, None)
            window = self._windows.get(link.window_id, set())
            window.discard(link.entry_id)
            if not window:
                self._windows.pop(link.window_id, None)

    def tell_customer(self, entry_id: int, message: dict[str, Any]) -> None:
        """Send a message to every socket of the entry's customer."""
        for link in list(self._links.get(entry_id, ())):
            link.send(message)

    def tell_position(self, link: CustomerLink, place: Place) -> None:
        """Send a place unless this socket was told it already."""
        told = (place.position, place.wait_minutes, place.state)
        if link.told != told:
            link.told = told
            link.send({"type": "position", "position": place.position, "wait_minutes": place.wait_minutes,
                       "state": place.state})

    def mark_dirty(self, window_id: int) -> None:
        """Positions of this window changed (module rule 1)."""
        self.ensure_running()
        self._dirty.add(window_id)
        self._dirty_event.set()

    async def _flush_positions(self) -> None:
        dirty, self._dirty = self._dirty & set(self._windows), set()
        if not dirty:
            return
        found = await self._read_places(dirty)
        for window_id in dirty:
            for entry_id in list(self._windows.get(window_id, ())):
                place = found.get(entry_id)
                for link in list(self._links.get(entry_id, ())):
                    if place is not None:
                        self.tell_position(link, place)

    # --- agents -------------------------------------------------------------------------------------------------

    def notify(self, agent_ids: Iterable[int], page_id: int) -> None:
        """Queue a ``queue_changed`` for these agents (module rule 3)."""
        self.ensure_running()
        for agent in agent_ids:
            self._pending.setdefault(agent, set()).add(page_id)
        self._pending_event.set()

    async def push_all(self, agent_ids: Iterable[int], event: dict[str, Any]) -> None:
        """Push one event to several agents at once. A socket closing under the push is logged, never raised: the
        change that caused the push is committed already (the agent re-fetches when it reconnects)."""
        agents = sorted(set(agent_ids))
        results = await asyncio.gather(*(self.services.hub.push(agent, event) for agent in agents),
                                       return_exceptions=True)
        for agent, result in zip(agents, results, strict=True):
            if isinstance(result, Exception):
                logger.info("Push %s to agent %d failed: %s", event.get("type"), agent, result)

    async def audience(self, window_id: int) -> Audience:
        """The present agents serving a window."""
        return await self.services.db.call(store.audience, window_id, self.services.hub.connected_tokens())

    def busy(self) -> set[int]:
        """Agents with an accepted entry open."""
        return {acceptor.agent_id for acceptor in self.acceptors.values()}

    # --- queue events -------------------------------------------------------------------------------------------

    async def joined(self, entry_id: int) -> None:
        """A customer joined a window: update positions, tell and alert the agents per distribution."""
        entry, audience = await self.services.db.call(store.joined, entry_id, self.services.hub.connected_tokens())
        self.mark_dirty(entry.window_id)
        self.notify((member.id for member in audience.agents), audience.page_id)
        if audience.distribution == "sequential":
            self._unalerted[entry.id] = entry.window_id
            await self._alert_next(entry, audience, time.monotonic())
            return
        if audience.agents:
            await self.write(store.mark_alerted, [entry.id])
            await self.push_all((member.id for member in audience.agents), _alert_event(entry))

    async def _withdraw(self, entry: EntryView, audience: Audience, taker: str, reason: str) -> None:
        self.mark_dirty(entry.window_id)
        self.notify((member.id for member in audience.agents), audience.page_id)
        alert = self.alerts.pop(entry.id, None)
        self._unalerted.pop(entry.id, None)
        told = {member.id for member in audience.agents} if entry.distribution != "sequential" else set()
        if alert is not None:
            told.add(alert.agent_id)
        await self.push_all(told, {"type": "queue_taken", "entry_id": entry.id, "agent_name": taker,
                                   "reason": reason})

    async def left(self, entry: EntryView, audience: Audience | None = None) -> None:
        """The customer left while waiting."""
        await self._withdraw(entry, audience or await self.audience(entry.window_id), "", "left")
        self.tell_customer(entry.id, {"type": "ended", "reason": "left"})

    async def accepted(self, done: Acceptance, token_hash: str) -> None:
        """An agent took the customer: tell the customer, withdraw the others' alerts."""
        entry, agent_id = done.entry, done.entry.agent_id
        assert agent_id is not None
        self.acceptors[entry.id] = Acceptor(agent_id, token_hash)
        self.tell_customer(entry.id, {"type": "accepted", "agent_name": done.agent_name, "files": done.files,
                                      "chat_log": done.chat_log})
        await self._withdraw(entry, done.audience, done.agent_name, "accepted")

    async def accept(self, entry_id: int, agent_id: int, token_hash: str) -> Acceptance:
        """Take an entry for the agent (404 / 409 otherwise) and tell everyone. The reads run on the request
        threads; the writer thread only runs the conditional UPDATE (rule 7)."""
        done = await self.services.db.call(store.prepare_accept, entry_id, agent_id,
                                           self.services.hub.connected_tokens())
        await self.write(store.take, entry_id, agent_id)
        await self.accepted(done, token_hash)
        return done

    async def end(self, entry_id: int, reason: str, agent_id: int | None = None) -> store.Ending:
        """End an accepted entry (404 unless it is ``agent_id``'s) and tell the customer; an entry that is not
        accepted is left as it is (``ended`` False)."""
        plan = await self.services.db.call(store.prepare_end, entry_id, agent_id)
        if plan.entry.state != QueueState.ACCEPTED.value:
            return store.Ending(plan.entry, False, False)
        ending = await self.write(store.finish, plan)
        if ending.ended:
            await self.ended(ending.entry, reason, ending.dropped_files)
        return ending

    async def ended(self, entry: EntryView, reason: str, dropped: Iterable[str] = ()) -> None:
        """An accepted entry is over: tell the customer and the agent's queue view."""
        self.acceptors.pop(entry.id, None)
        self._locks.pop(entry.id, None)
        self.tell_customer(entry.id, {"type": "ended", "reason": reason})
        if entry.agent_id is not None:
            self.notify([entry.agent_id], entry.page_id)
        if dropped := list(dropped):
            await asyncio.to_thread(files.remove, self.files_dir, dropped)

    # --- sequential distribution --------------------------------------------------------------------------------

    async def _alert_next(self, entry: EntryView, audience: Audience, now: float) -> None:
        previous = self.alerts.get(entry.id)
        target = _next_agent(audience, previous.agent_id if previous else None, self.busy())
        if target is None:
            self.alerts.pop(entry.id, None)
            self._unalerted[entry.id] = entry.window_id
        else:
            self._unalerted.pop(entry.id, None)
            self.alerts[entry.id] = Alert(target, entry.window_id, now + self.alert_timeout_s)
        if previous is not None and previous.agent_id != target:
            await self.push_all([previous.agent_id], {"type": "queue_taken", "entry_id": entry.id,
                                                      "agent_name": "", "reason": "moved"})
        if target is not None and (previous is None or previous.agent_id != target):
            await self.write(store.mark_alerted, [entry.id])
            await self.push_all([target], _alert_event(entry))
            self.notify([target], entry.page_id)

    async def _sequential_tick(self, now: float) -> None:
        due = [entry_id for entry_id, alert in self.alerts.items() if alert.deadline <= now]
        due += list(self._unalerted)
        audiences: dict[int, Audience] = {}
        for entry_id in due:
            entry = await self.services.db.call(store.entry, entry_id)
            if entry.state not in store.WAITING:
                self.alerts.pop(entry_id, None)
                self._unalerted.pop(entry_id, None)
                continue
            if entry.window_id not in audiences:
                audiences[entry.window_id] = await self.audience(entry.window_id)
            await self._alert_next(entry, audiences[entry.window_id], now)

    # --- logins that ended ---------------------------------------------------------------------------------------

    async def _logout_sweep(self) -> None:
        if not self.acceptors:
            return
        dead = await self.services.db.call(store.dead_logins, {a.token_hash for a in self.acceptors.values()})
        for entry_id, acceptor in list(self.acceptors.items()):
            if acceptor.token_hash in dead:
                await self.end(entry_id, "agent_logged_out")

    # --- chat ------------------------------------------------------------------------------------------------------

    def lock(self, entry_id: int) -> asyncio.Lock:
        """The entry's chat lock (module rule 5)."""
        return self._locks.setdefault(entry_id, asyncio.Lock())

    async def deliver(self, row: ChatRow, slug: str, agent_id: int | None) -> None:
        """Send a stored line to the customer (all sockets) and, for a customer's line, to the agent."""
        for link in list(self._links.get(row.entry_id, ())):
            link.send(chat_message(row, link.slug, link.ticket))
        if row.sender == "customer" and agent_id is not None:
            await self.push_all([agent_id], {"type": "queue_chat", "entry_id": row.entry_id,
                                             "line": agent_line(row)})


def _alert_event(entry: EntryView) -> dict[str, Any]:
    return {"type": "queue_alert", "entry_id": entry.id, "window_name": entry.window_name,
            "customer_name": entry.customer_name}


def _next_agent(audience: Audience, previous: int | None, busy: set[int]) -> int | None:
    """The agent after ``previous`` in login order (round robin), skipping busy ones; None when nobody is free."""
    order = [member.id for member in audience.agents]
    start = order.index(previous) + 1 if previous in order else 0
    for step in range(len(order)):
        candidate = order[(start + step) % len(order)]
        if candidate not in busy:
            return candidate
    return None
