"""The agent app's own routes against the real server, on SQLite and PostgreSQL: profile, shortcut messages,
favorites, categories, chat lines, support logs, support history and the group's agents.

Each test makes its own agent in its own group straight in the server's database, with the group's option
states and the company's rows (company shortcut texts, admin favorites, categories) written there as an
admin page would.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from websockets.asyncio.client import connect

from server.accounts import create_agent
from server.models import Category, Favorite, Group, GroupOption, ShortcutMessage, SupportSession, User
from tests.integration.db_rig import ServerRig, serving

pytestmark = pytest.mark.integration

PASSWORD = "Good-pass-47"
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


class Rig(ServerRig):
    """The shared rig plus agents, their tokens and calls."""

    def agent(self, login_id: str, group: str | None = None, **options: tuple[str, object]) -> str:
        """A new agent (in ``group``, default its own) whose group stores ``key=(state, value)``; its token."""
        group_name = group or f"g-{login_id}"

        def make(db: Session) -> None:
            create_agent(db, login_id=login_id, name=login_id, password=PASSWORD, company=f"co-{group_name}",
                         group=group_name)
            group_row = db.scalars(select(Group).where(Group.name == group_name)).one()
            for key, (state, value) in options.items():
                db.merge(GroupOption(group_id=group_row.id, key=key, state=state, value=value))
        self.db.run(make)
        return self.token(login_id)

    def token(self, login_id: str) -> str:
        answer = self.http.post(self.server.api("/api/v1/auth/login"),
                                json={"login_id": login_id, "password": PASSWORD}, timeout=10)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    def company_of(self, login_id: str) -> int:
        return int(self.db.run(lambda db: db.scalars(select(User.company_id).where(User.login_id == login_id)).one()))

    def call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        return self.http.request(method, self.server.api(path), headers={"Authorization": f"Bearer {token}"},
                                 timeout=10, **kwargs)

    def session(self, token: str) -> str:
        answer = self.call("POST", "/api/v1/sessions", token)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["session_id"])


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Rig]:
    data_dir: Path = tmp_path_factory.mktemp("agent-routes") / "data"
    with serving(Rig, data_dir, module_database_url) as made:
        yield made


def test_profile_tells_the_account_end(rig: Rig) -> None:
    token = rig.agent("profiled")
    end = datetime.datetime(2031, 1, 2, tzinfo=datetime.UTC)

    def set_end(db: Session) -> None:
        user = db.scalars(select(User).where(User.login_id == "profiled")).one()
        user.expires_at, user.nickname = end, "Pro"
    rig.db.run(set_end)
    body = rig.call("GET", "/api/v1/me", token).json()
    assert body["login_id"] == "profiled" and body["nickname"] == "Pro" and body["role"] == "agent"
    assert datetime.datetime.fromisoformat(body["expires_at"]).replace(tzinfo=datetime.UTC) == end


def test_shortcuts_default_company_and_own(rig: Rig) -> None:
    token = rig.agent("shorty")
    korean = rig.call("GET", "/api/v1/me/shortcuts?language=ko", token).json()
    assert [item["slot"] for item in korean] == list(range(1, 11))
    assert korean[0]["source"] == "default" and "원격지원" in korean[0]["text"]
    english = rig.call("GET", "/api/v1/me/shortcuts?language=en", token).json()
    assert english[0]["text"].startswith("Hello")
    company = rig.company_of("shorty")
    rig.db.run(lambda db: db.add(ShortcutMessage(company_id=company, user_id=None, slot=2, text="Company two")))
    changed = rig.call("PUT", "/api/v1/me/shortcuts", token, json={"3": "Mine three"}).json()
    assert (changed[1]["text"], changed[1]["source"]) == ("Company two", "company")
    assert (changed[2]["text"], changed[2]["source"]) == ("Mine three", "own")
    reset = rig.call("PUT", "/api/v1/me/shortcuts", token, json={"3": None}).json()
    assert reset[2]["source"] == "default"
    bad = rig.call("PUT", "/api/v1/me/shortcuts", token, json={"11": "eleven"})
    assert bad.status_code == 422 and "11" in bad.json()["detail"]


def test_shortcuts_turned_off_by_the_group(rig: Rig) -> None:
    token = rig.agent("noshort", agent_shortcut_messages=("not_used", None))
    assert rig.call("GET", "/api/v1/me/shortcuts", token).json() == []
    refused = rig.call("PUT", "/api/v1/me/shortcuts", token, json={"1": "x"})
    assert refused.status_code == 403 and "agent_shortcut_messages" in refused.json()["detail"]


def test_favorites_admin_ones_are_read_only(rig: Rig) -> None:
    token = rig.agent("faves")
    company = rig.company_of("faves")
    admin_id = rig.db.run(lambda db: _add_favorite(db, company))
    own = rig.call("POST", "/api/v1/me/favorites", token, json={"title": "Docs", "url": "https://docs.example"})
    assert own.status_code == 201 and own.json()["editable"] is True
    listed = rig.call("GET", "/api/v1/me/favorites", token).json()
    assert [(item["title"], item["editable"]) for item in listed] == [("Company", False), ("Docs", True)]
    refused = rig.call("DELETE", f"/api/v1/me/favorites/{admin_id}", token)
    assert refused.status_code == 403 and "administrator" in refused.json()["detail"]
    assert rig.call("DELETE", f"/api/v1/me/favorites/{own.json()['id']}", token).status_code == 204
    bad = rig.call("POST", "/api/v1/me/favorites", token, json={"title": "x", "url": "ftp://files.example"})
    assert bad.status_code == 422 and "http://" in bad.json()["detail"]


def _add_favorite(db: Session, company: int) -> int:
    row = Favorite(company_id=company, user_id=None, title="Company", url="https://company.example")
    db.add(row)
    db.flush()
    return row.id


def _categories(db: Session, company: int) -> int:
    top = Category(company_id=company, name="PC", position=1)
    other = Category(company_id=company, name="Network", position=0)
    db.add_all([top, other])
    db.flush()
    leaf = Category(company_id=company, parent_id=top.id, name="Printer", position=0)
    db.add(leaf)
    db.flush()
    return leaf.id


def test_support_log_required_needs_name_content_and_category(rig: Rig) -> None:
    token = rig.agent("logger", support_log=("all_use", "required"))
    session_id = rig.session(token)
    path = f"/api/v1/sessions/{session_id}/log"
    empty = rig.call("PUT", path, token, json={"customer_name": "", "content": "fixed"})
    assert empty.status_code == 422 and "customer_name" in empty.json()["detail"]
    assert rig.call("PUT", path, token, json={"customer_name": "Kim", "content": "fixed"}).status_code == 200
    leaf = rig.db.run(_categories, rig.company_of("logger"))
    tree = rig.call("GET", "/api/v1/categories", token).json()
    assert [node["name"] for node in tree] == ["Network", "PC"]
    assert tree[1]["children"][0] == {"id": leaf, "name": "Printer", "children": []}
    needs_category = rig.call("PUT", path, token, json={"customer_name": "Kim", "content": "fixed"})
    assert needs_category.status_code == 422 and "category_id" in needs_category.json()["detail"]
    saved = rig.call("PUT", path, token, json={"customer_name": "Kim", "content": "fixed", "category_id": leaf})
    assert saved.status_code == 200 and saved.json()["category_id"] == leaf
    foreign = rig.call("PUT", path, token, json={"customer_name": "Kim", "content": "x", "category_id": 999999})
    assert foreign.status_code == 422


def test_support_log_optional_and_off(rig: Rig) -> None:
    optional = rig.agent("optlog")
    session_id = rig.session(optional)
    assert rig.call("PUT", f"/api/v1/sessions/{session_id}/log", optional, json={}).status_code == 200
    off = rig.agent("offlog", support_log=("all_use", "off"))
    refused = rig.call("PUT", f"/api/v1/sessions/{rig.session(off)}/log", off, json={"content": "x"})
    assert refused.status_code == 403 and "support_log" in refused.json()["detail"]


def _lines(*texts: str) -> list[dict[str, str]]:
    return [{"client_id": str(uuid.uuid5(uuid.NAMESPACE_URL, text)), "sender": "agent", "text": text,
             "sent_at": (NOW + datetime.timedelta(seconds=i)).isoformat()} for i, text in enumerate(texts)]


def test_chat_lines_are_saved_once_and_shown_in_the_history(rig: Rig) -> None:
    token = rig.agent("chatty", chat_log_server=("all_use", None))
    session_id = rig.session(token)
    path = f"/api/v1/sessions/{session_id}/chat"
    assert rig.call("POST", path, token, json={"lines": _lines("hi", "안녕하세요")}).json() == {"stored": 2}
    again = rig.call("POST", path, token, json={"lines": _lines("hi", "안녕하세요", "bye")})
    assert again.json() == {"stored": 3}
    rig.call("PUT", f"/api/v1/sessions/{session_id}/log", token, json={"customer_name": "Lee", "content": "ok"})
    listed = rig.call("GET", "/api/v1/me/history", token).json()
    assert isinstance(listed, list), listed
    assert listed[0]["session_id"] == session_id and listed[0]["chat_lines"] == 3
    assert listed[0]["customer_name"] == "Lee"
    detail = rig.call("GET", f"/api/v1/me/history/{session_id}", token).json()
    assert [line["text"] for line in detail["chat"]] == ["hi", "안녕하세요", "bye"]
    assert detail["log"]["content"] == "ok"
    other = rig.agent("snoop", chat_log_server=("all_use", None))
    assert rig.call("POST", path, other, json={"lines": _lines("x")}).status_code == 404
    assert rig.call("GET", f"/api/v1/me/history/{session_id}", other).status_code == 404


def test_chat_lines_refused_when_the_group_does_not_save_them(rig: Rig) -> None:
    token = rig.agent("nolog", chat_log_server=("not_used", None))
    refused = rig.call("POST", f"/api/v1/sessions/{rig.session(token)}/chat", token, json={"lines": _lines("x")})
    assert refused.status_code == 403 and "chat_log_server" in refused.json()["detail"]


def test_group_members_and_their_states(rig: Rig) -> None:
    first = rig.agent("team-a", group="team")
    rig.agent("team-b", group="team")

    async def states_while_connected() -> dict[str, str]:
        socket = await connect(rig.server.ws_url("/ws/agent"), ssl=rig.server.ssl_context(), open_timeout=10,
                               additional_headers={"Authorization": f"Bearer {first}"})
        try:
            await asyncio.sleep(0.2)
            before = await asyncio.to_thread(rig.call, "GET", "/api/v1/me/group", first)
            await asyncio.to_thread(rig.session, first)
            after = await asyncio.to_thread(rig.call, "GET", "/api/v1/me/group", first)
        finally:
            await socket.close()
        states = {m["login_id"]: m["state"] for m in before.json()}
        assert states == {"team-a": "agent_waiting", "team-b": "offline"}
        return {m["login_id"]: m["state"] for m in after.json()}

    assert asyncio.run(states_while_connected())["team-a"] == "viewer_waiting"
    hidden = rig.agent("loner", agent_user_status=("not_used", None))
    refused = rig.call("GET", "/api/v1/me/group", hidden)
    assert refused.status_code == 403 and "agent_user_status" in refused.json()["detail"]


def test_unknown_or_repeated_query_parameters_are_refused(rig: Rig) -> None:
    token = rig.agent("queries")
    unknown = rig.call("GET", "/api/v1/me/history?limit=5&colour=blue", token)
    assert unknown.status_code == 422 and "'colour'" in unknown.json()["detail"]
    repeated = rig.call("GET", "/api/v1/me/history?limit=5&limit=6", token)
    assert repeated.status_code == 422 and "more than once" in repeated.json()["detail"]
    assert rig.call("GET", "/api/v1/me/history?limit=5", token).status_code == 200


def test_the_hosts_grants_reach_the_session_record(rig: Rig) -> None:
    token = rig.agent("granted")
    session_id = rig.session(token)
    code = rig.call("GET", f"/api/v1/sessions/{session_id}", token).json()
    assert code["state"] == "waiting"

    def code_of(db: Session) -> str:
        return str(db.get_one(SupportSession, session_id).code)
    joined = rig.http.post(rig.server.api("/api/v1/sessions/join"), json={"code": rig.db.run(code_of)}, timeout=10)
    host_token = joined.json()["host_token"]
    path = f"/api/v1/sessions/{session_id}/events"
    events = {"events": [{"kind": "control", "granted": True, "by": "customer"},
                         {"kind": "recording", "granted": False, "by": "policy", "reason": "recording is off"}]}
    assert rig.call("POST", path, token, json=events).status_code == 404  # an agent token is not the host's
    stored = rig.call("POST", path, host_token, json=events)
    assert stored.status_code == 200 and stored.json() == {"stored": 2}
    detail = rig.call("GET", f"/api/v1/me/history/{session_id}", token).json()
    assert [(e["kind"], e["granted"], e["by"]) for e in detail["events"]] == [
        ("control", True, "customer"), ("recording", False, "policy")]
