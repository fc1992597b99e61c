"""The admin usage API (logins now, force logout, login history, licence) on SQLite and PostgreSQL.

Each test makes its own company straight in the server's database: a company admin, a group admin of
group "a", agents in groups "a" and "b", and gives admin-page tokens with ``issue_admin_token``; agents log
in through the API, and push sockets are real ``/ws/agent`` WebSockets over the pinned TLS context.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect

from server.accounts import create_agent, issue_admin_token
from server.models import Company, LicenceKind, LoginHistory, Role, Token, User
from tests.integration.db_rig import ServerRig, serving
from tests.integration.push_socket import closed, next_event, open_pushes
from tests.integration.server_fixture import wait_until

pytestmark = pytest.mark.integration

PASSWORD = "Good-pass-47"
ADMIN = "/api/v1/admin"


@dataclasses.dataclass(frozen=True)
class People:
    """The ids of one test company's people (login IDs are ``<prefix>-<role>``)."""

    prefix: str
    boss: int
    group_admin: int
    agent_a: int
    agent_b: int


class Rig(ServerRig):
    """The shared rig plus admin tokens, agent logins and push sockets."""

    def user(self, login_id: str, company: str, group: str | None, role: Role = Role.AGENT) -> int:
        def make(db: Session) -> int:
            agent = create_agent(db, login_id=login_id, name=f"Name {login_id}", password=PASSWORD,
                                 company=company, group=group)
            db.execute(update(User).where(User.id == agent.id).values(role=role.value))
            return agent.id
        return self.db.run(make)

    def company(self, prefix: str) -> People:
        name = f"co-{prefix}"
        return People(prefix, self.user(f"{prefix}-boss", name, None, Role.COMPANY_ADMIN),
                        self.user(f"{prefix}-ga", name, "a", Role.GROUP_ADMIN),
                        self.user(f"{prefix}-a", name, "a"), self.user(f"{prefix}-b", name, "b"))

    def admin_token(self, user_id: int) -> str:
        return self.db.run(lambda db: issue_admin_token(db, user_id, 3600).token)

    def login(self, login_id: str, **extra: str) -> Any:
        return self.http.post(self.server.api("/api/v1/auth/login"), timeout=10,
                              json={"login_id": login_id, "password": PASSWORD, **extra},
                              headers={"X-Ferry-Client": "ferry-agent 9.1"})

    def agent_token(self, login_id: str, **extra: str) -> str:
        answer = self.login(login_id, **extra)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    def get(self, path: str, token: str, **params: Any) -> Any:
        return self.http.get(self.server.api(ADMIN + path), params=params, timeout=10,
                             headers={"Authorization": f"Bearer {token}"})

    def logout_user(self, token: str, user_id: int, body: object = None) -> Any:
        return self.http.post(self.server.api(f"{ADMIN}/users/{user_id}/logout"), json=body, timeout=10,
                              headers={"Authorization": f"Bearer {token}"})

    def me(self, agent_token: str) -> Any:
        return self.http.get(self.server.api("/api/v1/me/options"), timeout=10,
                             headers={"Authorization": f"Bearer {agent_token}"})

    async def pushes(self, agent_token: str) -> ClientConnection:
        return await open_pushes(self.server, agent_token)

    def connected(self, boss_token: str, login_id: str) -> bool:
        logins = self.get("/logins/now", boss_token).json()["logins"]
        return any(row["login_id"] == login_id and row["connected"] for row in logins)


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Rig]:
    data_dir = tmp_path_factory.mktemp("usage") / "data"
    with serving(Rig, data_dir, module_database_url) as made:
        yield made


def _login_ids(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [row["login_id"] for row in answer.json()["logins"]]


def test_logins_now_shows_each_role_its_own_scope_with_pc_details(rig: Rig) -> None:
    co, other = rig.company("now"), rig.company("now2")
    token_a = rig.agent_token("now-a", mac="aa:bb:cc:00:11:2f")
    rig.agent_token("now-b")
    rig.agent_token("now2-a")
    boss, ga, agent = rig.admin_token(co.boss), rig.admin_token(co.group_admin), rig.admin_token(co.agent_a)
    assert _login_ids(rig.get("/logins/now", boss)) == ["now-b", "now-a"]  # newest first, own company only
    assert _login_ids(rig.get("/logins/now", ga)) == ["now-a"]
    assert _login_ids(rig.get("/logins/now", agent)) == ["now-a"]
    assert _login_ids(rig.get("/logins/now", rig.admin_token(other.boss))) == ["now2-a"]
    row = rig.get("/logins/now", ga).json()["logins"][0]
    assert row["user_id"] == co.agent_a and row["name"] == "Name now-a" and row["group"] == "a"
    assert row["address"] == "127.0.0.1" and row["mac"] == "AABBCC00112F"
    assert row["client_version"] == "ferry-agent 9.1" and row["connected"] is False
    assert datetime.datetime.fromisoformat(row["since"]) < datetime.datetime.fromisoformat(row["expires_at"])
    digest = rig.db.run(lambda db: db.scalars(select(Token.token_hash).where(Token.user_id == co.agent_a,
                                                                             Token.kind == "agent")).one())
    text = rig.get("/logins/now", boss).text
    assert token_a not in text and digest not in text and "token" not in text

    async def scenario() -> None:
        ws = await rig.pushes(token_a)
        assert await asyncio.to_thread(wait_until, lambda: rig.connected(boss, "now-a"))
        await ws.close()
        assert await asyncio.to_thread(wait_until, lambda: not rig.connected(boss, "now-a"))

    asyncio.run(scenario())


def test_an_agent_token_is_not_an_admin_token(rig: Rig) -> None:
    rig.company("tok")
    token = rig.agent_token("tok-boss")
    for path in ("/logins/now", "/history/logins", "/licence"):
        answer = rig.get(path, token)
        assert answer.status_code == 401 and "token is unknown" in answer.json()["detail"]


def test_force_logout_tells_the_agent_why_and_ends_its_token(rig: Rig) -> None:
    co = rig.company("out")
    token = rig.agent_token("out-a")
    boss = rig.admin_token(co.boss)

    async def scenario() -> None:
        ws = await rig.pushes(token)
        assert await asyncio.to_thread(wait_until, lambda: rig.connected(boss, "out-a"))
        answer = await asyncio.to_thread(rig.logout_user, boss, co.agent_a, {"reason": "Shift is over"})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"user_id": co.agent_a, "ended": 1}
        event = await next_event(ws)
        assert event["type"] == "logged_out" and "Shift is over" in event["reason"]
        assert "administrator" in event["reason"]
        assert (await closed(ws))[0] == 4401

    asyncio.run(scenario())
    refused = rig.me(token)
    assert refused.status_code == 401
    assert "login has ended" in refused.json()["detail"] and "Shift is over" in refused.json()["detail"]
    assert _login_ids(rig.get("/logins/now", boss)) == []
    again = rig.logout_user(boss, co.agent_a)
    assert again.status_code == 200 and again.json()["ended"] == 0


def test_force_logout_with_a_long_non_ascii_reason(rig: Rig) -> None:
    co = rig.company("kr")
    token = rig.agent_token("kr-a")
    boss = rig.admin_token(co.boss)
    reason = "관리자가 상담을 종료했습니다 " * 7  # 112 characters, over 300 bytes in UTF-8

    async def scenario() -> None:
        ws = await rig.pushes(token)
        assert await asyncio.to_thread(wait_until, lambda: rig.connected(boss, "kr-a"))
        answer = await asyncio.to_thread(rig.logout_user, boss, co.agent_a, {"reason": reason})
        assert answer.status_code == 200, answer.text
        assert reason.strip() in (await next_event(ws))["reason"]
        assert (await closed(ws))[0] == 4401

    asyncio.run(scenario())
    assert rig.me(token).status_code == 401


def test_force_logout_scope(rig: Rig) -> None:
    co, other = rig.company("sc"), rig.company("sc2")
    token_a, token_b = rig.agent_token("sc-a"), rig.agent_token("sc-b")
    ga, agent = rig.admin_token(co.group_admin), rig.admin_token(co.agent_a)
    refused = rig.logout_user(ga, co.agent_b, {"reason": "no"})
    assert refused.status_code == 403 and refused.json()["code"] == "role_forbidden"
    assert "group admin" in refused.json()["detail"]
    by_agent = rig.logout_user(agent, co.agent_b)
    assert by_agent.status_code == 403 and by_agent.json()["code"] == "role_forbidden"
    assert rig.logout_user(ga, other.agent_a).status_code == 404
    assert rig.logout_user(rig.admin_token(other.boss), co.agent_b).status_code == 404
    assert rig.logout_user(ga, 2**31 - 1).status_code == 404
    assert rig.me(token_b).status_code == 200
    assert rig.logout_user(ga, co.agent_b, {"reason": "x" * 201}).status_code == 422
    assert rig.logout_user(ga, co.agent_a, {"reason": "x", "extra": 1}).status_code == 422
    done = rig.logout_user(ga, co.agent_a)
    assert done.status_code == 200 and done.json()["ended"] == 1
    assert "Ended by an administrator" in rig.me(token_a).json()["detail"]
    assert rig.me(token_b).status_code == 200
    peer = rig.user("sc-ga2", "co-sc", "a", Role.GROUP_ADMIN)  # another admin in the group admin's own group
    above = rig.logout_user(ga, peer)
    assert above.status_code == 403 and above.json()["code"] == "role_forbidden"


def _history(rig: Rig, token: str, **params: Any) -> list[dict[str, Any]]:
    answer = rig.get("/history/logins", token, **params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["entries"])


def test_history_scope(rig: Rig) -> None:
    co, other = rig.company("hs"), rig.company("hs2")
    for login_id in ("hs-a", "hs-b", "hs2-a"):
        rig.agent_token(login_id)
    assert rig.login("hs-nobody").status_code == 401  # an unknown ID: a row with no user
    boss, ga, agent = rig.admin_token(co.boss), rig.admin_token(co.group_admin), rig.admin_token(co.agent_a)
    seen = {row["login_id"] for row in _history(rig, boss)}
    assert seen == {"hs-boss", "hs-ga", "hs-a", "hs-b"}  # the three admin logins and two agent logins
    assert {row["login_id"] for row in _history(rig, ga)} == {"hs-ga", "hs-a"}
    assert {row["login_id"] for row in _history(rig, agent)} == {"hs-a"}
    assert {row["login_id"] for row in _history(rig, rig.admin_token(other.boss))} == {"hs2-boss", "hs2-a"}
    assert rig.history("hs-nobody")[0].user_id is None  # kept, but shown to nobody


def test_history_filters(rig: Rig) -> None:
    co = rig.company("hf")
    rig.agent_token("hf-a", mac="0a-1b-2c-3d-4e-5f")
    assert rig.login("hf-a", password="wrong-Pass-99").status_code == 401
    boss = rig.admin_token(co.boss)
    admin_rows = _history(rig, boss, kind="admin")
    assert [row["login_id"] for row in admin_rows] == ["hf-boss"] and admin_rows[0]["result"] == "ok"
    agent_rows = _history(rig, boss, kind="agent")
    assert [(row["result"], row["login_id"]) for row in agent_rows] == [("failed", "hf-a"), ("ok", "hf-a")]
    ok = agent_rows[1]
    assert ok["mac"] == "0A1B2C3D4E5F" and ok["address"] == "127.0.0.1"
    assert ok["client_version"] == "ferry-agent 9.1" and ok["kind"] == "agent" and ok["reason"] == "Logged in."
    failed = _history(rig, boss, result="failed")
    assert len(failed) == 1 and failed[0]["reason"].startswith("Wrong password")
    assert _history(rig, boss, login_id="hf-boss", kind="agent") == []
    page = rig.get("/history/logins", boss, limit=1, offset=1).json()
    assert page["total"] == 3 and page["limit"] == 1 and page["offset"] == 1
    assert [row["id"] for row in page["entries"]] == [agent_rows[0]["id"]]


def test_history_date_range(rig: Rig) -> None:
    co = rig.company("hd")

    def backdate(db: Session) -> None:
        for day in (1, 2, 3):
            db.add(LoginHistory(at=datetime.datetime(2026, 3, day, 23, 59, tzinfo=datetime.UTC), login_id="hd-a",
                                user_id=co.agent_a, result="ok", reason=f"day {day}", kind="agent"))
    rig.db.run(backdate)
    boss = rig.admin_token(co.boss)
    reasons = [row["reason"] for row in _history(rig, boss, since="2026-03-02", until="2026-03-03")]
    assert reasons == ["day 3", "day 2"]
    assert [row["reason"] for row in _history(rig, boss, until="2026-03-01")] == ["day 1"]
    assert [row["reason"] for row in _history(rig, boss, since="2026-03-03", login_id="hd-a")] == ["day 3"]
    backwards = rig.get("/history/logins", boss, since="2026-03-03", until="2026-03-01")
    assert backwards.status_code == 400 and "since" in backwards.json()["detail"]
    for bad in ({"since": "March"}, {"limit": 1001}, {"kind": "viewer"}, {"result": "maybe"}, {"colour": "red"}):
        answer = rig.get("/history/logins", boss, **bad)
        assert answer.status_code == 422 and next(iter(bad)) in answer.json()["detail"], (bad, answer.text)


def _set_licence(rig: Rig, prefix: str, kind: LicenceKind, count: int | None) -> None:
    rig.db.run(lambda db: db.execute(update(Company).where(Company.name == f"co-{prefix}")
                                     .values(licence_kind=kind.value, licence_count=count)))


def test_licence_is_for_company_admins_only(rig: Rig) -> None:
    co = rig.company("lr")
    for user_id in (co.group_admin, co.agent_a):
        answer = rig.get("/licence", rig.admin_token(user_id))
        assert answer.status_code == 403 and answer.json()["code"] == "role_forbidden"
        assert "licence" in answer.json()["detail"]


def test_named_licence_counts_every_id(rig: Rig) -> None:
    co = rig.company("ln")
    _set_licence(rig, "ln", LicenceKind.NAMED, 10)
    answer = rig.get("/licence", rig.admin_token(co.boss)).json()
    assert answer["kind"] == "named" and answer["count"] == 10 and answer["in_use"] == 4
    assert [holder["login_id"] for holder in answer["holders"]] == ["ln-a", "ln-b", "ln-boss", "ln-ga"]
    assert all(holder["since"] is None for holder in answer["holders"])


def test_concurrent_licence_counts_present_logins(rig: Rig) -> None:
    co = rig.company("lc")
    _set_licence(rig, "lc", LicenceKind.CONCURRENT, 3)
    boss = rig.admin_token(co.boss)
    empty = rig.get("/licence", boss).json()
    assert empty == {"kind": "concurrent", "count": 3, "in_use": 0, "holders": []}
    token_a = rig.agent_token("lc-a")
    rig.agent_token("lc-b")
    rig.db.run(lambda db: db.execute(update(Token).where(Token.user_id.in_([co.agent_a, co.agent_b]))
                                     .values(created_at=datetime.datetime.now(datetime.UTC)
                                             - datetime.timedelta(minutes=5))))
    assert rig.get("/licence", boss).json()["in_use"] == 0  # past the grace, no socket open

    async def scenario() -> None:
        ws = await rig.pushes(token_a)
        assert await asyncio.to_thread(wait_until, lambda: rig.connected(boss, "lc-a"))
        answer = (await asyncio.to_thread(rig.get, "/licence", boss)).json()
        assert answer["in_use"] == 1 and answer["holders"][0]["user_id"] == co.agent_a
        assert answer["holders"][0]["since"] is not None
        await ws.close()
        assert await asyncio.to_thread(wait_until, lambda: not rig.connected(boss, "lc-a"))

    asyncio.run(scenario())
    rig.agent_token("lc-ga")  # a fresh login holds a licence for the grace time, socket or not
    holders = rig.get("/licence", boss).json()["holders"]
    assert [holder["login_id"] for holder in holders] == ["lc-ga"]


def test_force_logout_ends_the_agents_live_session_too(rig: Rig) -> None:
    co = rig.company("live")
    token = rig.agent_token("live-a")
    boss = rig.admin_token(co.boss)
    headers = {"Authorization": f"Bearer {token}"}
    created = rig.http.post(rig.server.api("/api/v1/sessions"), headers=headers, timeout=10).json()
    joined = rig.http.post(rig.server.api("/api/v1/sessions/join"), json={"code": created["code"]}, timeout=10).json()

    async def leg(role: str, bearer: str) -> Any:
        url = rig.server.ws_url(f"/relay/{created['session_id']}?role={role}")
        return await connect(url, ssl=rig.server.ssl_context(), open_timeout=10,
                             additional_headers={"Authorization": f"Bearer {bearer}"})

    async def scenario() -> None:
        viewer, host = await leg("viewer", token), await leg("host", joined["host_token"])
        assert (await next_event(viewer))["event"] == "paired" and (await next_event(host))["event"] == "paired"
        answer = await asyncio.to_thread(rig.logout_user, boss, co.agent_a, {"reason": "shift over"})
        assert answer.status_code == 200
        for ws in (viewer, host):
            left = await next_event(ws, 10)
            assert left["event"] == "peer_left" and "shift over" in left["reason"]
            assert (await closed(ws, 10))[0] == 1000

    asyncio.run(scenario())
    record = rig.http.get(rig.server.api(f"/api/v1/sessions/{created['session_id']}"), headers=headers, timeout=10)
    assert record.status_code == 401  # the login has ended; the session record is kept for the history
