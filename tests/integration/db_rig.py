"""A test module's server with an HTTP session to it and direct access to the server's database.

Tests that set state as an admin page would (company settings, group options) write it straight into
the server's database through the server's own models, then check what the API answers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select

from server.config import default_database_url
from server.db import Database, create_db_engine
from server.models import LoginHistory
from tests.integration.postgres import database_env
from tools.server_process import RunningServer, running_server

R = TypeVar("R", bound="ServerRig")


class ServerRig:
    """The module's server, an HTTP session to it and the server's database."""

    def __init__(self, server: RunningServer, url: str | None) -> None:
        self.server = server
        self.http = server.session()
        self.db = Database(create_db_engine(url or default_database_url(server.data_dir)))

    def history(self, login_id: str) -> list[LoginHistory]:
        """The login history rows of ``login_id``, oldest first."""
        return self.db.run(lambda db: list(db.scalars(
            select(LoginHistory).where(LoginHistory.login_id == login_id).order_by(LoginHistory.id))))

    def close(self) -> None:
        self.http.close()
        self.db.dispose()


@contextlib.contextmanager
def serving(rig_class: type[R], data_dir: Path, database_url: str | None) -> Iterator[R]:
    """A server on ``database_url`` (None: SQLite) and a ``rig_class`` around it, closed afterwards."""
    with running_server(data_dir, env=database_env(database_url)) as server:
        rig = rig_class(server, database_url)
        try:
            yield rig
        finally:
            rig.close()
