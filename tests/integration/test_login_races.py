"""Login rules hold when attempts arrive at the same instant, on SQLite and PostgreSQL: every wrong password
counts towards the lock, and a concurrent licence of N admits N agents however many log in together.

Each attempt runs ``server.accounts.login`` in its own transaction on its own thread, as the server's
worker threads do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.accounts import LoginGrant, create_agent, login
from server.db import Database
from server.models import Company, LicenceKind, User

pytestmark = pytest.mark.integration

PASSWORD = "Good-pass-47"


@pytest.fixture()
def db(database_url: str | None, tmp_path: Path) -> Iterator[Database]:
    database = Database.open(database_url or f"sqlite:///{tmp_path / 'ferry.db'}")
    yield database
    database.dispose()


def _at_once(count: int, attempt: Callable[[int], Any]) -> list[Any]:
    """Run ``attempt(i)`` for i in range(count) on threads released together; their results."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        start.wait()
        results[index] = attempt(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def test_parallel_wrong_passwords_all_count_and_lock(db: Database) -> None:
    db.run(lambda s: create_agent(s, login_id="burst", name="burst", password=PASSWORD, company="co-burst",
                                  group=None))
    _at_once(12, lambda _: db.run(login, "burst", "Wrong-pass-11", 3600.0))
    user = db.run(lambda s: s.scalars(select(User).where(User.login_id == "burst")).one())
    # PostgreSQL's row lock makes them take turns (the sixth already finds the account locked); on SQLite
    # they all read an unlocked account and each one counts
    assert user.failed_logins >= 5 and user.locked_at is not None
    assert not isinstance(db.run(login, "burst", PASSWORD, 3600.0), LoginGrant)  # the right password is locked out


def test_a_concurrent_licence_admits_exactly_n_agents_logging_in_together(db: Database) -> None:
    def make(session: Session) -> None:
        for index in range(6):
            create_agent(session, login_id=f"lic{index}", name=f"lic{index}", password=PASSWORD, company="co-lic",
                         group=None)
        session.execute(update(Company).where(Company.name == "co-lic").values(
            licence_kind=LicenceKind.CONCURRENT.value, licence_count=2))
    db.run(make)
    results = _at_once(6, lambda index: db.run(login, f"lic{index}", PASSWORD, 3600.0))
    assert sum(isinstance(result, LoginGrant) for result in results) == 2
