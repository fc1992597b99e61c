"""The session book: transitions as data, agent state, expiry with time passed in."""

from __future__ import annotations

from agent.model import TRANSITIONS, AgentState, Event, SessionBook, SessionState


def _book() -> SessionBook:
    book = SessionBook()
    book.add("s1", "123456", "https://x/c", "ab" * 32, deadline=100.0)
    return book


def test_happy_path_and_agent_state() -> None:
    book = _book()
    assert book.agent_state is AgentState.VIEWER_WAITING
    joined = book.apply("s1", Event.CUSTOMER_JOINED, pc_name="PC-1", os="Linux")
    assert joined is not None and joined.state is SessionState.JOINED and joined.pc_name == "PC-1"
    assert book.agent_state is AgentState.IN_SESSION
    assert book.apply("s1", Event.VIEWER_STARTED) is not None
    assert book.apply("s1", Event.SERVER_ENDED, detail="customer left") is not None
    assert book.get("s1").state is SessionState.IN_SESSION  # type: ignore[union-attr]
    ended = book.apply("s1", Event.VIEWER_EXITED)
    assert ended is not None and ended.state is SessionState.ENDED and ended.detail == "customer left"
    assert book.agent_state is AgentState.VIEWER_WAITING


def test_events_out_of_order_are_ignored_not_raised() -> None:
    book = _book()
    assert book.apply("s1", Event.VIEWER_EXITED) is None
    assert book.apply("unknown", Event.CUSTOMER_JOINED) is None
    book.apply("s1", Event.CUSTOMER_JOINED)
    assert book.apply("s1", Event.CUSTOMER_JOINED) is None  # a second push for the same join


def test_crash_and_failure() -> None:
    book = _book()
    book.apply("s1", Event.CUSTOMER_JOINED)
    book.apply("s1", Event.VIEWER_STARTED)
    crashed = book.apply("s1", Event.VIEWER_CRASHED, detail="boom")
    assert crashed is not None and crashed.state is SessionState.CRASHED
    book.add("s2", "654321", "", "cd" * 32, deadline=100.0)
    book.apply("s2", Event.CUSTOMER_JOINED)
    assert book.apply("s2", Event.VIEWER_FAILED).state is SessionState.FAILED  # type: ignore[union-attr]
    assert book.agent_state is AgentState.VIEWER_WAITING


def test_expiry_uses_the_time_given() -> None:
    book = _book()
    assert book.expire_due(99.9) == []
    [expired] = book.expire_due(100.0)
    assert expired.state is SessionState.EXPIRED
    assert book.expire_due(200.0) == []
    # the server's clock decides: a join it accepted still counts
    assert book.apply("s1", Event.CUSTOMER_JOINED).state is SessionState.JOINED  # type: ignore[union-attr]


def test_records_newest_first_and_secret_hidden() -> None:
    book = _book()
    book.add("s2", "000111", "", "ef" * 32, deadline=1.0)
    assert [r.session_id for r in book.records()] == ["s2", "s1"]
    assert "efef" not in repr(book.records()[0])


def test_every_state_has_a_row() -> None:
    assert set(TRANSITIONS) == set(SessionState)
