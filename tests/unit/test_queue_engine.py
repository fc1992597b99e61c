"""The queue engine's pure parts, without a server: places (position and wait), who serves a window per
distribution, the sequential round robin (time passed in, fakes at the database and push seams), and that a push
to a socket that closed under it never fails the change that caused it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from server.queues import store
from server.queues.engine import QueueEngine, _next_agent
from server.queues.store import Audience, EntryView, Member, number_places, serves

WINDOW = 7
PAGE = 3


def test_places_count_per_window_in_order() -> None:
    rows = [(10, 1, "waiting"), (11, 1, "alerted"), (12, 2, "waiting"), (13, 1, "waiting")]
    found = number_places(rows, {1: 5, 2: 3})
    assert [(p.entry_id, p.position, p.wait_minutes) for p in found.values()] == [
        (10, 1, 5), (11, 2, 10), (12, 1, 3), (13, 3, 15)]
    assert found[11].state == "alerted"


def test_places_of_an_empty_queue() -> None:
    assert number_places([], {1: 5}) == {}


@pytest.mark.parametrize(("distribution", "in_group", "assigned", "staffed", "expected"), [
    ("all", True, False, False, True),
    ("all", False, False, False, False),
    ("all", False, True, True, True),
    ("window", True, False, True, False),
    ("window", True, True, True, True),
    ("sequential", True, False, False, True),
    ("sequential", True, False, True, False),
    ("sequential", False, True, True, True),
])
def test_who_serves_a_window(distribution: str, in_group: bool, assigned: bool, staffed: bool,
                             expected: bool) -> None:
    assert serves(distribution, in_group=in_group, assigned=assigned, staffed=staffed) is expected


def _audience(*agents: int, distribution: str = "sequential") -> Audience:
    return Audience(PAGE, WINDOW, "Desk", distribution, tuple(Member(a, f"A{a}") for a in agents))


def test_next_agent_goes_round_in_login_order_skipping_busy() -> None:
    audience = _audience(5, 2, 9)
    assert _next_agent(audience, None, set()) == 5
    assert _next_agent(audience, 5, set()) == 2
    assert _next_agent(audience, 9, set()) == 5
    assert _next_agent(audience, 5, {2}) == 9
    assert _next_agent(audience, 5, {2, 9}) == 5
    assert _next_agent(audience, 5, {2, 9, 5}) is None
    assert _next_agent(audience, 42, set()) == 5  # the previous agent left: start again
    assert _next_agent(_audience(), None, set()) is None


class FakeDb:
    """``Database.call`` answering the engine's queue reads from memory."""

    def __init__(self, entry: EntryView, audience: Audience) -> None:
        self.entry = entry
        self.audience = audience
        self.alerted: list[int] = []
        self.engine = SimpleNamespace(dialect=SimpleNamespace(name="fake"))

    async def call(self, fn: Callable[..., Any], *args: Any, **_: Any) -> Any:
        if fn is store.entry:
            return self.entry
        if fn is store.audience:
            return self.audience
        if fn is store.mark_alerted:
            self.alerted.extend(args[0])
            return None
        raise AssertionError(f"unexpected database call {fn.__name__}")


class FakeHub:
    """The push hub: records pushes; ``closed`` agents' sockets fail like a socket closed under the send."""

    def __init__(self) -> None:
        self.pushed: list[tuple[int, dict[str, Any]]] = []
        self.closed: set[int] = set()

    async def push(self, agent_id: int, event: dict[str, Any]) -> int:
        if agent_id in self.closed:
            raise RuntimeError("Unexpected ASGI message 'websocket.send', after sending 'websocket.close'.")
        self.pushed.append((agent_id, event))
        return 1

    def connected_tokens(self) -> set[str]:
        return set()


def _entry(state: str = "waiting") -> EntryView:
    return EntryView(40, PAGE, WINDOW, "Desk", "Lee", {}, state, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), None, None,
                     "sequential")


def _engine(tmp_path: Path, db: FakeDb, hub: FakeHub) -> QueueEngine:
    services = SimpleNamespace(settings=SimpleNamespace(data_dir=tmp_path), db=db, hub=hub)
    engine = QueueEngine(services, alert_timeout_s=20.0)  # type: ignore[arg-type]
    engine.ensure_running = lambda: None  # type: ignore[method-assign]  # no timer tasks: time is passed in
    return engine


def _kinds(hub: FakeHub) -> list[tuple[int, str, str]]:
    out = [(agent, event["type"], event.get("reason", "")) for agent, event in hub.pushed]
    hub.pushed.clear()
    return out


def test_sequential_alert_moves_on_timeout_and_withdraws(tmp_path: Path) -> None:
    db, hub = FakeDb(_entry(), _audience(5, 2, 9)), FakeHub()
    engine = _engine(tmp_path, db, hub)

    async def scenario() -> None:
        await engine._alert_next(db.entry, db.audience, now=100.0)
        assert _kinds(hub) == [(5, "queue_alert", "")] and engine.alerts[40].deadline == 120.0
        await engine._sequential_tick(now=119.9)  # not yet due
        assert _kinds(hub) == []
        await engine._sequential_tick(now=120.0)
        assert _kinds(hub) == [(5, "queue_taken", "moved"), (2, "queue_alert", "")]
        engine.acceptors[99] = SimpleNamespace(agent_id=9, token_hash="t")  # type: ignore[assignment]
        await engine._sequential_tick(now=140.0)  # 9 is busy with another customer: back to 5
        assert _kinds(hub) == [(2, "queue_taken", "moved"), (5, "queue_alert", "")]
        db.entry = _entry("accepted")
        await engine._sequential_tick(now=160.0)  # taken meanwhile: the timer forgets it
        assert _kinds(hub) == [] and 40 not in engine.alerts
    asyncio.run(scenario())
    assert db.alerted == [40, 40, 40]


def test_sequential_entry_waits_for_a_free_agent(tmp_path: Path) -> None:
    db, hub = FakeDb(_entry(), _audience(5)), FakeHub()
    engine = _engine(tmp_path, db, hub)
    engine.acceptors[99] = SimpleNamespace(agent_id=5, token_hash="t")  # type: ignore[assignment]

    async def scenario() -> None:
        await engine._alert_next(db.entry, db.audience, now=0.0)
        assert _kinds(hub) == [] and engine._unalerted == {40: WINDOW}
        engine.acceptors.clear()
        await engine._sequential_tick(now=0.25)  # the next tick alerts the agent now free
        assert _kinds(hub) == [(5, "queue_alert", "")] and not engine._unalerted
    asyncio.run(scenario())


def test_a_push_to_a_closed_socket_does_not_fail_the_change(tmp_path: Path) -> None:
    db, hub = FakeDb(_entry(), _audience(5, 2, distribution="all")), FakeHub()
    hub.closed.add(5)
    engine = _engine(tmp_path, db, hub)
    asyncio.run(engine.push_all([5, 2], {"type": "queue_taken", "entry_id": 40}))
    assert _kinds(hub) == [(2, "queue_taken", "")]
