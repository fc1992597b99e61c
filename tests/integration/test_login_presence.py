"""Agent login presence rules end to end, on SQLite and PostgreSQL: duplicate logins (refused, or ending
the older login with agent_force_logout_duplicate), the concurrent licence, account end, and the login
history row each refusal leaves.

A login is present while its ``/ws/agent`` push socket is open, or for 60 s after its token was given;
the tests open real push sockets over the pinned TLS context, and instead of waiting out the grace they
move a token's ``created_at`` back in the server's database.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect

from server.accounts import create_agent, issue_admin_token
from server.models import Company, Group, GroupOption, LicenceKind, Role, Token, User
from server.security import token_digest
from tests.integration.db_rig import ServerRig, serving
from tests.integration.push_socket import closed, next_event, open_pushes
from tests.integration.server_fixture import wait_until

pytestmark = pytest.mark.integration

PASSWORD = "Good-pass-47"
FORCE_KEY = "agent_force_logout_duplicate"


class Rig(ServerRig):
    """The shared rig plus agent logins, push sockets and token ageing."""

    def agent(self, login_id: str, company: str, force_duplicate: str | None = None) -> None:
        """A new agent in group ``g-<company>``; ``force_duplicate`` is the group's state for the key."""
        def make(db: Session) -> None:
            create_agent(db, login_id=login_id, name=login_id, password=PASSWORD, company=company,
                         group=f"g-{company}")
            if force_duplicate is not None:
                group = db.scalars(select(Group).where(Group.name == f"g-{company}")).one()
                if db.get(GroupOption, (group.id, FORCE_KEY)) is None:
                    db.add(GroupOption(group_id=group.id, key=FORCE_KEY, state=force_duplicate, value=None))
        self.db.run(make)

    def login(self, login_id: str) -> Any:
        return self.http.post(self.server.api("/api/v1/auth/login"), timeout=10,
                              json={"login_id": login_id, "password": PASSWORD})

    def token(self, login_id: str) -> str:
        answer = self.login(login_id)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    def me(self, token: str) -> Any:
        return self.http.get(self.server.api("/api/v1/me/options"), timeout=10,
                             headers={"Authorization": f"Bearer {token}"})

    def logout(self, token: str) -> Any:
        return self.http.post(self.server.api("/api/v1/auth/logout"), timeout=10,
                              headers={"Authorization": f"Bearer {token}"})

    def age(self, token: str, minutes: float = 2) -> None:
        """Move the token's ``created_at`` back past the presence grace."""
        then = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
        self.db.run(lambda db: db.execute(update(Token).where(Token.token_hash == token_digest(token))
                                          .values(created_at=then)))

    def licence(self, company: str, count: int) -> None:
        self.db.run(lambda db: db.execute(update(Company).where(Company.name == company)
                                          .values(licence_kind=LicenceKind.CONCURRENT.value, licence_count=count)))

    async def pushes(self, token: str) -> ClientConnection:
        """An open push socket for ``token``, answering a ping (so the server's hub holds it)."""
        ws = await open_pushes(self.server, token)
        await ws.send("ping")
        assert await asyncio.wait_for(ws.recv(), 5) == "pong"
        return ws

    def socket_open(self, login_id: str) -> bool:
        """Whether the server's hub holds a push socket of this agent (asked through the admin API)."""
        def admin_token(db: Session) -> str:
            user = db.scalars(select(User).where(User.login_id == login_id)).one()
            boss = db.scalars(select(User).where(User.company_id == user.company_id,
                                                 User.role == Role.COMPANY_ADMIN.value)).first()
            if boss is None:
                boss = User(login_id=f"{login_id}-boss", name="boss", password_hash="-", role=Role.COMPANY_ADMIN.value,
                            company_id=user.company_id)
                db.add(boss)
                db.flush()
            return issue_admin_token(db, boss.id, 600).token
        answer = self.http.get(self.server.api("/api/v1/admin/logins/now"), timeout=10,
                               headers={"Authorization": f"Bearer {self.db.run(admin_token)}"})
        assert answer.status_code == 200, answer.text
        return any(row["login_id"] == login_id and row["connected"] for row in answer.json()["logins"])

    def last(self, login_id: str) -> tuple[str, str]:
        row = self.history(login_id)[-1]
        return row.result, row.reason


async def _call(fn: Any, *args: Any) -> Any:
    return await asyncio.to_thread(fn, *args)


async def _admitted(rig: Rig, login_id: str) -> Any:
    """Log in until the server has forgotten a socket the test just closed (it may take a moment)."""
    answers: list[Any] = []

    def attempt() -> bool:
        answers.append(rig.login(login_id))
        return bool(answers[-1].status_code == 200)
    await asyncio.to_thread(wait_until, attempt, 5.0, 0.1)
    return answers[-1]


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Rig]:
    data_dir = tmp_path_factory.mktemp("presence") / "data"
    with serving(Rig, data_dir, module_database_url) as made:
        yield made


def test_a_second_login_is_refused_while_the_first_is_present(rig: Rig) -> None:
    rig.agent("dup", "co-dup")
    first = rig.token("dup")
    assert rig.login("dup").status_code == 200  # no push socket: the first login is not present

    async def scenario() -> None:
        ws = await rig.pushes(first)
        refused = await _call(rig.login, "dup")
        assert refused.status_code == 409, refused.text
        body = refused.json()
        assert body["code"] == "duplicate_login" and "token" not in body
        assert "already logged in from 127.0.0.1 since" in body["detail"] and "log out there" in body["detail"]
        assert rig.last("dup") == ("refused", body["detail"])
        await ws.close()
        assert (await _admitted(rig, "dup")).status_code == 200

    asyncio.run(scenario())
    assert rig.me(first).status_code == 200  # refusing the second login ended nothing
    assert rig.last("dup") == ("ok", "Logged in.")


def test_with_force_logout_duplicate_the_second_login_ends_the_first(rig: Rig) -> None:
    rig.agent("force", "co-force", force_duplicate="all_use")
    first = rig.token("force")

    async def scenario() -> str:
        ws = await rig.pushes(first)
        second = await _call(rig.login, "force")
        assert second.status_code == 200, second.text
        event = await next_event(ws)
        assert event == {"type": "logged_out", "reason": "Your ID logged in again from 127.0.0.1."}
        assert (await closed(ws))[0] == 4401
        return str(second.json()["token"])

    second = asyncio.run(scenario())
    refused = rig.me(first)
    assert refused.status_code == 401
    assert "login has ended" in refused.json()["detail"] and "logged in again" in refused.json()["detail"]
    assert rig.me(second).status_code == 200
    assert [row.result for row in rig.history("force")] == ["ok", "ok"]


def test_concurrent_licence_refuses_the_third_agent(rig: Rig) -> None:
    for login_id in ("cc1", "cc2", "cc3"):
        rig.agent(login_id, "co-cc")
    rig.licence("co-cc", 2)

    async def scenario() -> None:
        ws1 = await rig.pushes(await _call(rig.token, "cc1"))
        token2 = await _call(rig.token, "cc2")
        ws2 = await rig.pushes(token2)
        full = await _call(rig.login, "cc3")
        assert full.status_code == 403 and full.json()["code"] == "licence_full"
        assert "All 2 concurrent licences of co-cc are in use" in full.json()["detail"]
        assert rig.last("cc3") == ("refused", full.json()["detail"])
        await ws1.close()  # the app went away without logging out: still present for the grace time
        assert await _call(wait_until, lambda: not rig.socket_open("cc1"))
        assert (await _call(rig.login, "cc3")).status_code == 403
        tokens1 = await _call(rig.db.run, lambda db: list(db.scalars(
            select(Token.token_hash).join(User).where(User.login_id == "cc1"))))
        await _call(rig.db.run, lambda db: db.execute(
            update(Token).where(Token.token_hash.in_(tokens1)).values(
                created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=2))))
        assert (await _admitted(rig, "cc3")).status_code == 200
        back = await _call(rig.login, "cc1")  # cc2 by its socket, cc3 by the grace: full again
        assert back.status_code == 403 and back.json()["code"] == "licence_full"
        assert (await _call(rig.logout, token2)).status_code == 204
        assert (await closed(ws2))[0] == 4401
        assert (await _call(rig.login, "cc1")).status_code == 200

    asyncio.run(scenario())
    assert [row.result for row in rig.history("cc1")] == ["ok", "refused", "ok"]


def test_an_account_past_its_end_is_refused(rig: Rig) -> None:
    rig.agent("ended", "co-ended")
    rig.db.run(lambda db: db.execute(update(User).where(User.login_id == "ended").values(
        expires_at=datetime.datetime(2026, 1, 31, 18, tzinfo=datetime.UTC))))
    refused = rig.login("ended")
    assert refused.status_code == 403 and refused.json()["code"] == "account_expired"
    assert "ended on 2026-01-31" in refused.json()["detail"] and "administrator" in refused.json()["detail"]
    assert rig.last("ended") == ("refused", refused.json()["detail"])
    rig.db.run(lambda db: db.execute(update(User).where(User.login_id == "ended").values(
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1))))
    assert rig.login("ended").status_code == 200


def test_with_force_logout_duplicate_a_login_without_socket_is_ended_too(rig: Rig) -> None:
    rig.agent("force2", "co-force2", force_duplicate="all_use")
    first = rig.token("force2")
    assert rig.login("force2").status_code == 200
    assert rig.me(first).status_code == 401


def test_an_older_login_cannot_come_back_next_to_the_newer_one(rig: Rig) -> None:
    rig.agent("dup2", "co-dup2")
    first = rig.token("dup2")

    async def scenario() -> None:
        ws = await rig.pushes(first)
        await ws.close()
        second = await _admitted(rig, "dup2")
        assert second.status_code == 200
        ws2 = await rig.pushes(second.json()["token"])
        back = await connect(rig.server.ws_url("/ws/agent"), ssl=rig.server.ssl_context(), open_timeout=10,
                             additional_headers={"Authorization": f"Bearer {first}"})
        assert (await closed(back, 2.0))[0] == 4401  # refused at once, whichever way the fix goes
        await ws2.close()

    asyncio.run(scenario())


def test_a_refused_login_does_not_end_the_older_one(rig: Rig) -> None:
    rig.agent("lk1", "co-lk", force_duplicate="all_use")
    rig.agent("lk2", "co-lk", force_duplicate="all_use")

    async def scenario() -> None:
        ws1 = await rig.pushes(await _call(rig.token, "lk1"))
        first2 = await _call(rig.token, "lk2")
        ws2 = await rig.pushes(first2)
        await _call(rig.licence, "co-lk", 1)  # the company lowered its licence while both are logged in
        refused = await _call(rig.login, "lk2")
        assert refused.status_code == 403 and refused.json()["code"] == "licence_full"
        assert (await _call(rig.me, first2)).status_code == 200
        await ws1.close()
        await ws2.close()

    asyncio.run(scenario())
