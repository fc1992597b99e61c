"""History retention with fixed clocks on a real (SQLite, temporary) database made by the server's own code,
and the purge job's loop with a database seam that fails once."""

from __future__ import annotations

import asyncio
import datetime
import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.context import Services
from server.db import Database
from server.jobs import purge_loop
from server.models import Company, LoginHistory, SessionState, SupportSession, User
from server.retention import PurgeReport, cutoff, months_before, purge_history

UTC = datetime.UTC
NOW = datetime.datetime(2026, 8, 31, 12, 0, tzinfo=UTC)
SECOND = datetime.timedelta(seconds=1)


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(f"sqlite:///{tmp_path / 'retention.db'}")
    yield database
    database.dispose()


def company(db: Database, name: str, months: int) -> int:
    """A company keeping ``months`` of history, with one user ``<name>-agent``; the user's id."""
    def make(session: Session) -> int:
        row = Company(name=name, history_months=months)
        session.add(row)
        session.flush()
        user = User(login_id=f"{name}-agent", name=name, password_hash="x", company_id=row.id)
        session.add(user)
        session.flush()
        return user.id
    return db.run(make)


def login_row(db: Database, user_id: int | None, when: datetime.datetime, login_id: str = "someone") -> int:
    def add(session: Session) -> int:
        row = LoginHistory(at=when, login_id=login_id, user_id=user_id, result="ok", reason="Logged in.")
        session.add(row)
        session.flush()
        return row.id
    return db.run(add)


def session_row(db: Database, agent_id: int, state: SessionState, ended: datetime.datetime | None,
                created: datetime.datetime | None = None) -> str:
    sid = uuid.uuid4().hex
    begun = created or (ended - datetime.timedelta(hours=1) if ended else NOW)

    def add(session: Session) -> None:
        session.add(SupportSession(id=sid, code="123456", code_expires_at=begun, secret="0" * 64, agent_id=agent_id,
                                   created_at=begun, ended_at=ended, state=state.value))
    db.run(add)
    return sid


def login_ids(db: Database) -> set[int]:
    return set(db.run(lambda s: list(s.scalars(select(LoginHistory.id)))))


def session_ids(db: Database) -> set[str]:
    return set(db.run(lambda s: list(s.scalars(select(SupportSession.id)))))


def purge(db: Database, now: datetime.datetime = NOW) -> PurgeReport:
    return db.run(purge_history, now)


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (at(2026, 8, 31), 6, at(2026, 2, 28)),
    (at(2028, 8, 31), 6, at(2028, 2, 29)),
    (at(2026, 3, 15), 12, at(2025, 3, 15)),
    (at(2026, 1, 31), 1, at(2025, 12, 31)),
    (at(2026, 5, 31), 3, at(2026, 2, 28)),
    (at(2026, 7, 4), 0, at(2026, 7, 4)),
])
def test_months_are_counted_by_calendar(moment: datetime.datetime, months: int, expected: datetime.datetime) -> None:
    assert months_before(moment, months) == expected


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        cutoff(datetime.datetime(2026, 1, 1), 6)


@pytest.mark.parametrize(("months", "edge"), [(12, at(2025, 8, 31)), (6, at(2026, 2, 28))])
def test_login_rows_go_strictly_before_the_cutoff(db: Database, months: int, edge: datetime.datetime) -> None:
    user = company(db, "acme", months)
    before = login_row(db, user, edge - SECOND)
    on_edge = login_row(db, user, edge)
    after = login_row(db, user, edge + SECOND)
    report = purge(db)
    assert report == PurgeReport(login_history=1, sessions=0)
    assert login_ids(db) == {on_edge, after}
    assert before not in login_ids(db)


def test_six_months_purge_what_twelve_months_keep(db: Database) -> None:
    six = company(db, "six", 6)
    twelve = company(db, "twelve", 12)
    nine_months_ago = at(2025, 11, 30)
    gone = login_row(db, six, nine_months_ago)
    kept = login_row(db, twelve, nine_months_ago)
    old_session = session_row(db, six, SessionState.ENDED, nine_months_ago)
    kept_session = session_row(db, twelve, SessionState.ENDED, nine_months_ago)
    assert purge(db) == PurgeReport(login_history=1, sessions=1)
    assert gone not in login_ids(db) and kept in login_ids(db)
    assert session_ids(db) == {kept_session}
    assert old_session not in session_ids(db)


def test_no_history_purges_everything_before_now_but_not_open_sessions(db: Database) -> None:
    none = company(db, "none", 0)
    login_row(db, none, NOW - SECOND)
    recorded_now = login_row(db, none, NOW)
    session_row(db, none, SessionState.ENDED, NOW - SECOND)
    open_ones = {session_row(db, none, state, None, created=at(2020, 1, 1))
                 for state in (SessionState.WAITING, SessionState.JOINED, SessionState.LIVE)}
    assert purge(db) == PurgeReport(login_history=1, sessions=1)
    assert login_ids(db) == {recorded_now}
    assert session_ids(db) == open_ones


def test_live_sessions_are_kept_however_old(db: Database) -> None:
    user = company(db, "busy", 6)
    live = session_row(db, user, SessionState.LIVE, None, created=at(2019, 1, 1))
    purge(db)
    assert session_ids(db) == {live}


def test_another_company_is_untouched(db: Database) -> None:
    strict = company(db, "strict", 0)
    lenient = company(db, "lenient", 12)
    theirs = {login_row(db, lenient, at(2026, 1, 1)), login_row(db, lenient, NOW - SECOND)}
    their_session = session_row(db, lenient, SessionState.ENDED, at(2026, 1, 1))
    login_row(db, strict, at(2026, 1, 1))
    assert purge(db).total == 1
    assert login_ids(db) == theirs
    assert session_ids(db) == {their_session}


def test_rows_without_a_user_follow_the_strictest_company(db: Database) -> None:
    company(db, "six", 6)
    company(db, "twelve", 12)
    old = login_row(db, None, at(2026, 2, 28) - SECOND, login_id="typo")
    recent = login_row(db, None, at(2026, 2, 28), login_id="typo")
    assert purge(db) == PurgeReport(login_history=1)
    assert login_ids(db) == {recent}
    assert old not in login_ids(db)


def test_rows_without_a_user_keep_twelve_months_when_there_is_no_company(db: Database) -> None:
    old = login_row(db, None, at(2025, 8, 31) - SECOND)
    kept = login_row(db, None, at(2025, 8, 31))
    assert purge(db) == PurgeReport(login_history=1)
    assert login_ids(db) == {kept}
    assert old not in login_ids(db)


def test_a_second_purge_finds_nothing(db: Database) -> None:
    user = company(db, "twice", 6)
    login_row(db, user, at(2020, 1, 1))
    assert purge(db).total == 1
    assert purge(db) == PurgeReport()


class FlakyDatabase:
    """A stand-in for ``Database.call`` (the job's seam): fails once, then purges the real database."""

    def __init__(self, db: Database) -> None:
        self.db, self.calls = db, 0

    async def call(self, fn: Callable[..., PurgeReport], *args: object) -> PurgeReport:
        self.calls += 1
        if self.calls == 1:
            raise OSError("disk unplugged")
        return self.db.run(fn, *args)


def test_the_job_logs_a_failure_carries_on_and_stops_when_cancelled(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    user = company(db, "job", 0)
    login_row(db, user, at(2020, 1, 1))
    flaky = FlakyDatabase(db)
    services = cast(Services, SimpleNamespace(db=flaky, settings=SimpleNamespace(purge_interval_s=0.01)))

    async def run() -> None:
        task = asyncio.create_task(purge_loop(services))
        while flaky.calls < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.DEBUG, logger="server.jobs"):
        asyncio.run(run())
    assert "History purge failed" in caplog.text and "disk unplugged" in caplog.text
    assert "History purge removed 1 login history row(s) and 0 ended session(s)" in caplog.text
    assert login_ids(db) == set()
