"""The real server's purge job (FERRY_PURGE_INTERVAL_S=0.5) removes history past each company's retention,
on SQLite and PostgreSQL; rows are written straight into the server's database, as years of use would leave them.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts import create_agent
from server.models import Company, LoginHistory, SessionState, SupportSession, utcnow
from tests.integration.db_rig import ServerRig
from tests.integration.postgres import database_env
from tools.server_process import running_server

pytestmark = pytest.mark.integration

DAY = datetime.timedelta(days=1)
WAIT_S = 15.0


@pytest.fixture()
def rig(tmp_path: Path, database_url: str | None) -> Iterator[ServerRig]:
    env = database_env(database_url, FERRY_PURGE_INTERVAL_S="0.5")
    with running_server(tmp_path / "data", env=env) as server:
        made = ServerRig(server, database_url)
        try:
            yield made
        finally:
            made.close()


def agent(rig: ServerRig, login_id: str, company: str, months: int) -> int:
    def make(db: Session) -> int:
        made = create_agent(db, login_id=login_id, name=login_id, password="Good-pass-47", company=company,
                            group="g")
        db.scalars(select(Company).where(Company.name == company)).one().history_months = months
        return made.id
    return rig.db.run(make)


def login_row(rig: ServerRig, user_id: int | None, age: datetime.timedelta) -> int:
    def add(db: Session) -> int:
        row = LoginHistory(at=utcnow() - age, login_id="old", user_id=user_id, result="ok", reason="Logged in.")
        db.add(row)
        db.flush()
        return row.id
    return rig.db.run(add)


def session_row(rig: ServerRig, agent_id: int, state: SessionState, age: datetime.timedelta) -> str:
    sid, when = uuid.uuid4().hex, utcnow() - age
    ended = when if state is SessionState.ENDED else None
    rig.db.run(lambda db: db.add(SupportSession(id=sid, code="123456", code_expires_at=when, secret="0" * 64,
                                                agent_id=agent_id, created_at=when, ended_at=ended,
                                                state=state.value)))
    return sid


def remaining(rig: ServerRig) -> tuple[set[int], set[str]]:
    def read(db: Session) -> tuple[set[int], set[str]]:
        return set(db.scalars(select(LoginHistory.id))), set(db.scalars(select(SupportSession.id)))
    return rig.db.run(read)


def test_the_job_purges_past_retention_and_keeps_the_rest(rig: ServerRig) -> None:
    six = agent(rig, "six-months", "Half-year Co", 6)
    twelve = agent(rig, "twelve-months", "Full-year Co", 12)
    doomed_logins = {login_row(rig, six, 200 * DAY), login_row(rig, twelve, 400 * DAY)}
    doomed_sessions = {session_row(rig, six, SessionState.ENDED, 200 * DAY)}
    kept_logins = {login_row(rig, six, 100 * DAY), login_row(rig, twelve, 200 * DAY)}
    kept_sessions = {session_row(rig, twelve, SessionState.ENDED, 200 * DAY),
                     session_row(rig, six, SessionState.LIVE, 900 * DAY),
                     session_row(rig, six, SessionState.WAITING, 900 * DAY)}
    deadline = time.monotonic() + WAIT_S
    logins, sessions = remaining(rig)
    while (logins & doomed_logins or sessions & doomed_sessions) and time.monotonic() < deadline:
        time.sleep(0.2)
        logins, sessions = remaining(rig)
    assert not logins & doomed_logins and not sessions & doomed_sessions, rig.server.log_text()[-2000:]
    assert kept_logins <= logins
    assert kept_sessions <= sessions
    assert "History purge removed" in rig.server.log_text()


def test_keeping_no_history_purges_new_rows_too(rig: ServerRig) -> None:
    none = agent(rig, "no-history", "Forgetful Co", 0)
    rows = {login_row(rig, none, datetime.timedelta(seconds=1)), login_row(rig, None, 30 * DAY)}
    ended = session_row(rig, none, SessionState.ENDED, datetime.timedelta(seconds=1))
    live = session_row(rig, none, SessionState.LIVE, DAY)
    deadline = time.monotonic() + WAIT_S
    while remaining(rig)[0] & rows and time.monotonic() < deadline:
        time.sleep(0.2)
    logins, sessions = remaining(rig)
    assert not logins & rows
    assert ended not in sessions and live in sessions
