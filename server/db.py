"""Engine, transactions and schema migrations.

Rules: request handlers never touch the database on the event loop; they ``await db.call(fn, ...)``,
which runs ``fn(session, ...)`` in a worker thread inside one transaction (committed before the
answer is sent, rolled back on any exception). Service functions return plain dataclasses, never
ORM objects, so nothing lazy-loads outside its transaction.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from server.errors import StartupError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

P = ParamSpec("P")
T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets thread sharing, WAL and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def safe_url(url: str) -> str:
    """The database URL with any password hidden, for banners and logs."""
    return make_url(url).render_as_string(hide_password=True)


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at the migrations inside this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    """The engine plus a session factory; ``call`` runs a transaction off the event loop."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Database:
        """Connect to ``url`` and bring its schema to the newest revision."""
        try:
            engine = create_db_engine(url)
        except ImportError as exc:
            raise StartupError(f"The database driver for {safe_url(url)} is not installed ({exc.name}): "
                               "install it (for PostgreSQL: pip install 'psycopg[binary]').") from exc
        except SQLAlchemyError as exc:
            raise StartupError(f"FERRY_DATABASE_URL is not a usable database URL: {exc}.") from exc
        try:
            upgrade_schema(engine)
        except (SQLAlchemyError, CommandError, OSError) as exc:
            engine.dispose()
            raise StartupError(
                f"Could not open the database {safe_url(url)}: {exc}. "
                "Check FERRY_DATABASE_URL or the data directory's permissions."
            ) from exc
        return cls(engine)

    def run(self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(session, ...)`` in one transaction on the calling thread."""
        with self._sessions.begin() as session:
            return fn(session, *args, **kwargs)

    async def call(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run ``fn(session, ...)`` in one transaction on a worker thread."""
        return await run_in_threadpool(functools.partial(self.run, fn, *args, **kwargs))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def upgrade_schema(engine: Engine) -> None:
    """``alembic upgrade head`` on ``engine``."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
