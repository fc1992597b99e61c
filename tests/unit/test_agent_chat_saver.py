"""Saving chat lines on the server: batched, retried with backoff while the server is unreachable, marked
failed after the limit or at a refusal, and a resent batch stored once.

The server is a fake save function (the collaborator at the seam) that behaves like POST
/sessions/{id}/chat: it keeps lines by client id and skips those it holds; the clock is a fake.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from pytestqt.qtbot import QtBot

from agent.background import BackgroundRunner
from agent.chat_saver import BACKOFF_S, SAVE_LIMIT_S, ChatSaver, SaveQueue, iso_time
from agent.errors import ApiError
from agent.server_data import ChatLine

UNREACHABLE = ApiError("Could not connect to the server at https://127.0.0.1:1: the connection was refused.")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeServer:
    """Stores lines by client id; ``failures`` calls fail first; ``store_then_fail`` loses an answer."""

    def __init__(self, failures: int = 0, store_then_fail: bool = False, refuse: bool = False) -> None:
        self.failures = failures
        self.store_then_fail = store_then_fail
        self.refuse = refuse
        self.stored: dict[str, list[str]] = {}
        self.calls: list[tuple[str, list[str]]] = []

    def __call__(self, session_id: str, lines: Sequence[ChatLine]) -> int:
        self.calls.append((session_id, [line.client_id for line in lines]))
        if self.refuse:
            raise ApiError("Chat lines are not saved on the server for your group.", 403, None)
        if self.failures > 0:
            self.failures -= 1
            raise UNREACHABLE
        held = self.stored.setdefault(session_id, [])
        held.extend(line.client_id for line in lines if line.client_id not in held)
        if self.store_then_fail:
            self.store_then_fail = False
            raise UNREACHABLE  # stored, but the answer never came back
        return len(held)


class Results:
    def __init__(self, saver: ChatSaver) -> None:
        self.saved: list[tuple[str, str]] = []
        self.failed: list[tuple[str, str, str]] = []
        saver.saved.connect(lambda sid, cid: self.saved.append((sid, cid)))
        saver.failed.connect(lambda sid, cid, why: self.failed.append((sid, cid, why)))


def line(client_id: str, text: str = "hello") -> ChatLine:
    return ChatLine(client_id, "agent", text, iso_time(1_700_000_000_000))


@pytest.fixture()
def runner(qtbot: QtBot) -> BackgroundRunner:
    return BackgroundRunner()


def rig(server: FakeServer, runner: BackgroundRunner) -> tuple[ChatSaver, Results, FakeClock]:
    clock = FakeClock()
    saver = ChatSaver(server, runner, clock)
    return saver, Results(saver), clock


def settle(qtbot: QtBot, runner: BackgroundRunner) -> None:
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)


def test_lines_are_saved_in_one_batch(qtbot: QtBot, runner: BackgroundRunner) -> None:
    server = FakeServer()
    saver, results, _clock = rig(server, runner)
    saver.queue.add("s1", line("a"), 0)  # queued together, as while a save was in flight
    saver.add("s1", line("b"))
    settle(qtbot, runner)
    assert server.calls == [("s1", ["a", "b"])]
    assert results.saved == [("s1", "a"), ("s1", "b")] and len(saver.queue) == 0


def test_unreachable_server_is_retried_with_backoff_then_saved(qtbot: QtBot, runner: BackgroundRunner) -> None:
    server = FakeServer(failures=2)
    saver, results, clock = rig(server, runner)
    saver.add("s1", line("a"))
    settle(qtbot, runner)
    assert len(server.calls) == 1 and results.saved == [] and results.failed == []
    saver.poke()  # too early: backing off
    assert len(server.calls) == 1
    clock.now += BACKOFF_S[0]
    saver.poke()
    settle(qtbot, runner)
    assert len(server.calls) == 2
    clock.now += BACKOFF_S[1] - 0.1
    saver.poke()
    assert len(server.calls) == 2  # the second wait is longer
    clock.now += 0.1
    saver.poke()
    settle(qtbot, runner)
    assert server.stored == {"s1": ["a"]} and results.saved == [("s1", "a")] and results.failed == []


def test_a_line_unsaved_past_the_limit_is_marked_failed(qtbot: QtBot, runner: BackgroundRunner) -> None:
    server = FakeServer(failures=10_000)
    saver, results, clock = rig(server, runner)
    saver.add("s1", line("a"))
    settle(qtbot, runner)
    while not results.failed and clock.now < 1000 + 2 * SAVE_LIMIT_S:
        clock.now += BACKOFF_S[-1]
        saver.poke()
        settle(qtbot, runner)
    assert results.saved == [] and [(sid, cid) for sid, cid, _ in results.failed] == [("s1", "a")]
    assert clock.now - 1000 >= SAVE_LIMIT_S and "could not be reached" in results.failed[0][2]
    assert len(saver.queue) == 0  # reported, not kept silently


def test_a_refusal_fails_the_batch_at_once_with_the_servers_sentence(qtbot: QtBot, runner: BackgroundRunner) -> None:
    saver, results, _clock = rig(FakeServer(refuse=True), runner)
    saver.add("s1", line("a"))
    settle(qtbot, runner)
    assert [cid for _, cid, _ in results.failed] == ["a"] and "not saved on the server for your group" in \
        results.failed[0][2]


def test_a_resent_batch_is_stored_once(qtbot: QtBot, runner: BackgroundRunner) -> None:
    server = FakeServer(store_then_fail=True)
    saver, results, clock = rig(server, runner)
    saver.add("s1", line("a"))
    settle(qtbot, runner)
    saver.add("s1", line("b"))  # queued behind the lost answer
    clock.now += BACKOFF_S[0]
    saver.poke()
    settle(qtbot, runner)
    assert server.calls == [("s1", ["a"]), ("s1", ["a", "b"])]
    assert server.stored == {"s1": ["a", "b"]} and results.saved == [("s1", "a"), ("s1", "b")]


def test_the_queue_takes_one_session_at_a_time_oldest_first() -> None:
    queue = SaveQueue(batch_size=2)
    for session_id, client_id in (("s1", "a"), ("s2", "x"), ("s1", "b"), ("s1", "c"), ("s1", "a")):
        queue.add(session_id, line(client_id), 0)
    first = queue.take(0)
    assert first is not None and (first.session_id, [x.client_id for x in first.lines]) == ("s1", ["a", "b"])
    assert queue.take(0) is None  # one batch in flight
    assert queue.saved(first) == ["a", "b"]
    second = queue.take(0)
    assert second is not None and (second.session_id, [x.client_id for x in second.lines]) == ("s2", ["x"])
    queue.saved(second)
    third = queue.take(0)
    assert third is not None and [x.client_id for x in third.lines] == ["c"]
