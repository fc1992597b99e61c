"""Agent tokens end: by expiry, by logout, each refusal saying why; an agent's own option write is pushed.

Runs on SQLite and PostgreSQL. Each test makes its own agent straight in the server's database.
"""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect

from server.accounts import create_agent
from server.models import Token
from server.security import token_digest
from tests.integration.db_rig import ServerRig, serving

pytestmark = pytest.mark.integration

PASSWORD = "Good-pass-47"


class Rig(ServerRig):
    """The shared rig plus agent logins and push sockets."""

    def agent(self, login_id: str) -> str:
        """A new agent in its own group, logged in: its token."""
        def make(db: Session) -> None:
            create_agent(db, login_id=login_id, name=login_id, password=PASSWORD, company="co-tokens",
                         group=f"g-{login_id}")
        self.db.run(make)
        answer = self.http.post(self.server.api("/api/v1/auth/login"),
                                json={"login_id": login_id, "password": PASSWORD}, timeout=10)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    def call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        return self.http.request(method, self.server.api(path), headers={"Authorization": f"Bearer {token}"},
                                 timeout=10, **kwargs)

    async def pushes(self, token: str) -> ClientConnection:
        return await connect(self.server.ws_url("/ws/agent"), ssl=self.server.ssl_context(), open_timeout=10,
                             additional_headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Rig]:
    data_dir: Path = tmp_path_factory.mktemp("tokens") / "data"
    with serving(Rig, data_dir, module_database_url) as made:
        yield made


def test_an_expired_token_is_refused_saying_so(rig: Rig) -> None:
    token = rig.agent("expiring")
    assert rig.call("GET", "/api/v1/me/options", token).status_code == 200
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    rig.db.run(lambda db: db.execute(update(Token).where(Token.token_hash == token_digest(token))
                                     .values(expires_at=past)))
    answer = rig.call("GET", "/api/v1/me/options", token)
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"]
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_logged_out_token_is_refused_saying_it_ended(rig: Rig) -> None:
    token = rig.agent("leaving")
    assert rig.call("POST", "/api/v1/auth/logout", token).status_code == 204
    answer = rig.call("GET", "/api/v1/me/options", token)
    assert answer.status_code == 401
    assert "This login has ended (Logged out)" in answer.json()["detail"]


def test_an_agents_own_option_write_is_pushed_to_its_app(rig: Rig) -> None:
    token = rig.agent("writer")

    async def scenario() -> dict[str, Any]:
        socket = await rig.pushes(token)
        try:
            answer = await asyncio.to_thread(rig.call, "PUT", "/api/v1/me/options", token,
                                             json={"auto_logout": True, "auto_logout_minutes": 5})
            assert answer.status_code == 200, answer.text
            return dict(json.loads(await asyncio.wait_for(socket.recv(), 10)))
        finally:
            await socket.close()

    event = asyncio.run(scenario())
    assert event["type"] == "options_changed"
    assert event["options"]["auto_logout"] is True
    assert event["options"]["auto_logout_minutes"] == 5
