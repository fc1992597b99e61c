"""Tokens and login details: agent tokens end by expiry and by logout, each refusal saying why; an agent's own
option write is pushed; old Argon2 hashes are renewed at login; the admin page keeps the IP rule, not the MAC one.

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
from argon2 import PasswordHasher
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect

from server.accounts import create_agent
from server.models import Group, GroupOption, Token, User
from server.security import needs_rehash, token_digest
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


def test_a_hash_made_with_older_argon2_parameters_is_renewed_at_login(rig: Rig) -> None:
    rig.agent("rehashed")
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=2).hash(PASSWORD)
    rig.db.run(lambda db: db.execute(update(User).where(User.login_id == "rehashed").values(password_hash=old)))
    answer = rig.http.post(rig.server.api("/api/v1/auth/login"),
                           json={"login_id": "rehashed", "password": PASSWORD}, timeout=10)
    assert answer.status_code == 200, answer.text
    stored = rig.db.run(lambda db: db.scalars(select(User.password_hash).where(User.login_id == "rehashed")).one())
    assert stored != old and not needs_rehash(stored)


def test_the_admin_page_login_skips_the_mac_rule_but_keeps_the_ip_rule(rig: Rig) -> None:
    rig.agent("macadmin")

    def lists(db: Session, ip_list: list[str]) -> None:
        group = db.scalars(select(Group).where(Group.name == "g-macadmin")).one()
        db.execute(delete(GroupOption).where(GroupOption.group_id == group.id))
        db.add_all([GroupOption(group_id=group.id, key="mac_allow", state="all_use", value=None),
                    GroupOption(group_id=group.id, key="mac_allow_list", state=None, value=["AABBCCDDEEFF"]),
                    GroupOption(group_id=group.id, key="ip_allow", state="all_use", value=None),
                    GroupOption(group_id=group.id, key="ip_allow_list", state=None, value=ip_list)])

    def admin_login() -> Any:
        return rig.http.post(rig.server.api("/api/v1/admin/auth/login"),
                             json={"login_id": "macadmin", "password": PASSWORD}, timeout=10)

    rig.db.run(lists, ["127.0.0.0/8"])
    agent = rig.http.post(rig.server.api("/api/v1/auth/login"),
                          json={"login_id": "macadmin", "password": PASSWORD}, timeout=10)
    assert agent.status_code == 403 and agent.json()["code"] == "address_not_allowed"
    assert admin_login().status_code == 200
    rig.db.run(lists, ["192.0.2.0/24"])
    refused = admin_login()
    assert refused.status_code == 403 and refused.json()["code"] == "address_not_allowed"
