"""Alembic migrations on a fresh SQLite file and a fresh PostgreSQL database, through the server's own code.

``server.db.Database.open`` is what the server runs at start-up (``alembic upgrade head`` on its engine);
after it the tables match ``server.models``, the main rows survive a round trip, and the migrations go
down to ``base`` and up again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import delete, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.db import Database, alembic_config
from server.models import Base, Company, Group, Role, SessionState, SupportSession, Token, User

pytestmark = pytest.mark.integration

TABLES = {"companies", "groups", "users", "tokens", "sessions", "login_history", "group_options", "user_options",
          "admin_challenges", "shortcut_messages", "favorites", "categories", "chat_lines", "support_logs",
          "session_events", "connection_pages", "connection_page_groups", "page_windows", "page_window_agents",
          "page_hours", "page_holidays", "reservations", "queue_entries",
          "queue_chat_lines", "queue_chat_files"}
WHEN = datetime.datetime(2031, 2, 3, 4, 5, 6, 789000, tzinfo=datetime.UTC)


@pytest.fixture()
def url(database_url: str | None, tmp_path: Path) -> str:
    """A fresh, empty database: a new SQLite file, or a new PostgreSQL database."""
    return database_url or f"sqlite:///{tmp_path / 'ferry.db'}"


@pytest.fixture()
def db(url: str) -> Iterator[Database]:
    database = Database.open(url)
    yield database
    database.dispose()


def _head(url: str) -> str:
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


def _revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _add_rows(session: Session) -> str:
    company = Company(name="Société Ferry ✓", created_at=WHEN)
    session.add(company)
    session.flush()
    group = Group(company_id=company.id, name="Support", created_at=WHEN)
    session.add(group)
    session.flush()
    user = User(login_id="ana", name="Ana Ärger", password_hash="$argon2id$" + "x" * 90, company_id=company.id,
                group_id=group.id, role=Role.COMPANY_ADMIN.value, created_at=WHEN)
    session.add(user)
    session.flush()
    session.add(Token(token_hash="a" * 64, user_id=user.id, expires_at=WHEN + datetime.timedelta(hours=8)))
    row = SupportSession(id="0123456789abcdef0123456789abcdef", code="042042", live_code="042042",
                         code_expires_at=WHEN, secret="f" * 64, agent_id=user.id, created_at=WHEN,
                         pc_name="PC-Ünïcode", os="Windows 11", state=SessionState.LIVE.value,
                         bytes_relayed=2**40 + 7)
    session.add(row)
    return row.id


def test_upgrade_head_creates_the_schema_of_the_models(db: Database, url: str) -> None:
    assert _revision(db) == _head(url)
    assert set(inspect(db.engine).get_table_names()) == {*TABLES, "alembic_version"}
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    again = Database.open(url)  # a restart: upgrading an up-to-date database changes nothing
    assert _revision(again) == _head(url)
    again.dispose()


def test_main_rows_round_trip(db: Database) -> None:
    session_id = db.run(_add_rows)

    def read(session: Session) -> None:
        row = session.get(SupportSession, session_id)
        assert row is not None
        assert (row.code, row.live_code, row.pc_name, row.state) == ("042042", "042042", "PC-Ünïcode", "live")
        assert row.bytes_relayed == 2**40 + 7 and row.code_used is False and row.ended_at is None
        assert row.created_at == WHEN and row.created_at.tzinfo == datetime.UTC
        user = session.get(User, row.agent_id)
        assert user is not None and (user.login_id, user.name, user.role) == ("ana", "Ana Ärger", "company_admin")
        group = session.get(Group, user.group_id)
        company = session.get(Company, user.company_id)
        assert group is not None and company is not None
        assert (group.name, company.name) == ("Support", "Société Ferry ✓")
        token = session.scalars(select(Token).where(Token.user_id == user.id)).one()
        assert token.revoked is False and token.expires_at == WHEN + datetime.timedelta(hours=8)

    db.run(read)


def test_constraints_hold(db: Database) -> None:
    db.run(_add_rows)
    with pytest.raises(IntegrityError):
        db.run(lambda session: session.add(Company(name="Société Ferry ✓")))  # unique name
    with pytest.raises(IntegrityError):
        db.run(lambda session: session.add(Group(company_id=999_999, name="Nobody's")))  # foreign key

    def delete_company(session: Session) -> None:
        session.execute(delete(Company))

    db.run(delete_company)  # ON DELETE CASCADE takes groups, users, tokens and sessions with it
    with db.engine.connect() as connection:
        for table in TABLES:
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table


def test_downgrade_to_base_and_upgrade_again(db: Database, url: str) -> None:
    db.run(_add_rows)
    db.dispose()
    command.downgrade(alembic_config(url), "base")
    assert _revision(db) is None
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    reopened = Database.open(url)
    try:
        assert _revision(reopened) == _head(url)
        assert set(inspect(reopened.engine).get_table_names()) == {*TABLES, "alembic_version"}
        assert reopened.run(lambda session: session.scalar(select(Company.id))) is None  # empty again
        reopened.run(_add_rows)
    finally:
        reopened.dispose()
