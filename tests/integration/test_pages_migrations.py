"""Revision 0007 (connection pages) on a fresh SQLite file and a fresh PostgreSQL database: the tables match
the models, rows round-trip (aware UTC times, JSON with non-ASCII text, dates), the cascades hold, and the
revision goes down to 0006 (the other tables untouched) and up again."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.db import Database, alembic_config
from server.models import (
    Base,
    BusinessHours,
    Company,
    ConnectionPage,
    Group,
    Holiday,
    PageGroup,
    PageWindow,
    QueueEntry,
    Reservation,
    User,
    WindowAgent,
)

pytestmark = pytest.mark.integration

PAGE_TABLES = {"connection_pages", "connection_page_groups", "page_windows", "page_window_agents", "page_hours",
               "page_holidays", "reservations", "queue_entries"}
SLOT = datetime.datetime(2031, 3, 30, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture()
def url(database_url: str | None, tmp_path: Path) -> str:
    return database_url or f"sqlite:///{tmp_path / 'ferry.db'}"


@pytest.fixture()
def db(url: str) -> Iterator[Database]:
    database = Database.open(url)
    yield database
    database.dispose()


def _rows(session: Session) -> int:
    company = Company(name="창구 회사")
    session.add(company)
    session.flush()
    group = Group(company_id=company.id, name="상담")
    user = User(login_id="kim", name="김상담", password_hash="x", company_id=company.id)
    page = ConnectionPage(company_id=company.id, slug="bank", name="은행", kind="window", languages=["ko", "en"],
                          texts={"ko": {"initial_title": "어서 오세요"}})
    session.add_all([group, user, page])
    session.flush()
    window = PageWindow(page_id=page.id, name="대출", request_fields=[{"key": "phone", "kind": "phone"}],
                        reservation_fields=[])
    session.add_all([window, PageGroup(group_id=group.id, page_id=page.id),
                     BusinessHours(page_id=page.id, weekday=0, start_minute=540, end_minute=1080),
                     Holiday(page_id=page.id, name="설날", day=datetime.date(2031, 1, 23), yearly=True)])
    session.flush()
    session.add_all([WindowAgent(window_id=window.id, user_id=user.id),
                     Reservation(window_id=window.id, slot_start=SLOT, customer={"이름": "홍길동"}),
                     QueueEntry(window_id=window.id, customer_name="홍길동", fields={}, ticket_hash="a" * 64)])
    return page.id


def test_tables_match_the_models_and_rows_round_trip(db: Database) -> None:
    assert set(inspect(db.engine).get_table_names()) >= PAGE_TABLES
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                Base.metadata) == []
    page_id = db.run(_rows)

    def read(session: Session) -> None:
        page = session.get_one(ConnectionPage, page_id)
        assert (page.time_zone, page.languages, page.texts["ko"]["initial_title"]) == ("Asia/Seoul", ["ko", "en"],
                                                                                      "어서 오세요")
        reservation = session.scalars(select(Reservation)).one()
        assert reservation.slot_start == SLOT and reservation.slot_start.tzinfo == datetime.UTC
        assert reservation.customer == {"이름": "홍길동"} and reservation.state == "booked"
        assert session.scalars(select(Holiday.day)).one() == datetime.date(2031, 1, 23)
        assert session.scalars(select(QueueEntry.state)).one() == "waiting"

    db.run(read)
    with pytest.raises(IntegrityError):  # the ticket is unique
        db.run(lambda s: s.add(QueueEntry(window_id=s.scalars(select(PageWindow.id)).one(), fields={},
                                          ticket_hash="a" * 64)))
    with pytest.raises(IntegrityError):  # the slug is unique on the server
        db.run(lambda s: s.add(ConnectionPage(company_id=s.scalars(select(Company.id)).one(), slug="bank",
                                              name="x", kind="icon", languages=["ko"], texts={})))
    db.run(lambda s: s.execute(delete(Company)))  # the company takes its pages and everything below them
    with db.engine.connect() as connection:
        for table in PAGE_TABLES:
            assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0, table


def test_down_to_0006_and_up_again(db: Database, url: str) -> None:
    db.run(_rows)
    db.dispose()
    command.downgrade(alembic_config(url), "0006")
    names = set(inspect(db.engine).get_table_names())
    assert not names & PAGE_TABLES and {"companies", "users", "session_events"} <= names
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM companies").scalar_one() == 1
    reopened = Database.open(url)
    try:
        assert set(inspect(reopened.engine).get_table_names()) >= PAGE_TABLES
        reopened.run(lambda s: s.execute(delete(Company)))
        reopened.run(_rows)
    finally:
        reopened.dispose()
