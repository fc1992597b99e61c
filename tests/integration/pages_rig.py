"""The connection-page tests' rig: the real Ferry server on loopback, its database, and admin API helpers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from server.accounts import create_agent, issue_admin_token
from server.config import default_database_url
from server.db import Database, create_db_engine
from server.models import User
from tests.integration.postgres import database_env
from tools.server_process import RunningServer, start_server

PASSWORD = "Good-pass-47"
ADMIN = "/api/v1/admin"
class PagesRig:
    """The server, an HTTP session to it, its database, and helpers to make users and call the admin API."""

    def __init__(self, server: RunningServer, url: str | None) -> None:
        self.server = server
        self.http = server.session()
        self.db = Database(create_db_engine(url or default_database_url(server.data_dir)))

    def user(self, login_id: str, company: str, group: str | None, role: str = "agent") -> int:
        def make(db: Session) -> int:
            agent = create_agent(db, login_id=login_id, name=login_id, password=PASSWORD, company=company,
                                 group=group)
            db.get_one(User, agent.id).role = role
            return agent.id
        return self.db.run(make)

    def token(self, user_id: int) -> str:
        return self.db.run(lambda db: issue_admin_token(db, user_id, 3600).token)

    def admin(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        return self.http.request(method, self.server.api(ADMIN + path), timeout=20,
                                 headers={"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.http.get(self.server.api(path), timeout=20, allow_redirects=False, **kwargs)

    def post_form(self, path: str, form: dict[str, str], origin: str | None = "self", **kwargs: Any) -> Any:
        headers = {"Origin": self.server.url} if origin == "self" else ({"Origin": origin} if origin else {})
        return self.http.post(self.server.api(path), data=form, headers={**headers, **kwargs.pop("headers", {})},
                              timeout=20, allow_redirects=False, **kwargs)

    def close(self) -> None:
        self.http.close()
        self.db.dispose()


@contextlib.contextmanager
def pages_rig(data_dir: Path, database_url: str | None) -> Iterator[PagesRig]:
    """A pages server on ``database_url`` (None: SQLite) and its rig, stopped afterwards."""
    server = start_server(data_dir, env=database_env(database_url))
    rig = PagesRig(server, database_url)
    try:
        yield rig
    finally:
        rig.close()
        server.stop()
        rig.server.stop()  # the one running now, when a test restarted the server
