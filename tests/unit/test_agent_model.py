"""The session book: transitions as data, agent state, expiry with time passed in; the options the app
follows, the session password, the account-expiry days and what a required support log lacks."""

from __future__ import annotations

import datetime as dt

from agent.model import (
    TRANSITIONS,
    AgentOptions,
    AgentState,
    Event,
    SessionBook,
    SessionState,
    days_left,
    expiry_is_near,
    make_session_password,
    support_log_missing,
)


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
    assert book.agent_state is AgentState.AGENT_WAITING  # no code out, no session


def test_agent_waiting_until_a_code_is_out() -> None:
    book = SessionBook()
    assert book.agent_state is AgentState.AGENT_WAITING
    book.add("s1", "123456", "", "ab" * 32, deadline=10.0)
    assert book.agent_state is AgentState.VIEWER_WAITING
    book.expire_due(10.0)
    assert book.agent_state is AgentState.AGENT_WAITING


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
    assert book.agent_state is AgentState.AGENT_WAITING


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


def test_options_read_with_catalogue_defaults() -> None:
    assert AgentOptions.from_options({}) == AgentOptions()
    options = AgentOptions.from_options({
        "support_log": "required", "auto_logout": True, "auto_logout_minutes": 5, "session_password": True,
        "session_password_mode": "fixed", "session_password_value": "4321", "copy_connection_info": False,
        "email_connection_info": True, "expiry_notice": False, "agent_user_status": False})
    assert options.support_log == "required" and options.auto_logout_minutes == 5
    assert (options.session_password_mode, options.session_password_value) == ("fixed", "4321")
    assert not options.copy_connection_info and options.email_connection_info
    assert not options.expiry_notice and not options.agent_user_status
    off = AgentOptions.from_options({"auto_logout": False, "auto_logout_minutes": 5, "support_log": "bogus"})
    assert off.auto_logout_minutes is None and off.support_log == "optional"


def test_session_password_auto_fixed_and_off() -> None:
    assert make_session_password(AgentOptions()) == ""
    auto = AgentOptions(session_password_mode="auto")
    assert make_session_password(auto, randbelow=lambda n: 42) == "0042"
    drawn = {make_session_password(auto) for _ in range(50)}
    assert all(len(p) == 4 and p.isdigit() for p in drawn) and len(drawn) > 1
    fixed = AgentOptions(session_password_mode="fixed", session_password_value="7788")
    assert make_session_password(fixed) == "7788"


def test_expiry_days_and_warning() -> None:
    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    assert days_left(dt.datetime(2026, 3, 15, 1, tzinfo=dt.UTC), now) == 14
    assert expiry_is_near(dt.datetime(2026, 3, 15, tzinfo=dt.UTC), now)
    assert not expiry_is_near(dt.datetime(2026, 3, 16, tzinfo=dt.UTC), now)


def test_required_support_log_fields() -> None:
    assert support_log_missing("optional", "", "", None, has_categories=True) == []
    assert support_log_missing("required", " ", "", None, has_categories=False) == ["customer_name", "content"]
    assert support_log_missing("required", "Kim", "done", None, has_categories=True) == ["category"]
    assert support_log_missing("required", "Kim", "done", 3, has_categories=True) == []
