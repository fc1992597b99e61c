"""The admin directory API (/api/v1/admin: company, logo, groups, group options, users), on SQLite and PostgreSQL.

Each test builds its own company straight in the server's database (users made with ``create_agent``, then
given a role) and gets admin-page tokens with ``issue_admin_token``, as the admin login would give them.
Then it checks what each role may and may not do through the real server over pinned HTTPS.
"""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, NegativeDataRejectionConfig
from sqlalchemy import select
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.accounts import create_agent, issue_admin_token
from server.admin.routes_directory import router as directory_router
from server.models import Company, Group, GroupOption, User, utcnow
from server.policy import OPTIONS
from tests.integration.db_rig import ServerRig, serving

pytestmark = pytest.mark.integration

PASSWORD = "Good-pass-47"
ADMIN = "/api/v1/admin"
SWITCH = next(o.key for o in OPTIONS if o.kind.value == "bool" and not o.group_only and o.part_of is None
              and not o.required_if and o.key not in ("ip_allow", "mac_allow") and o.default is True)


def png(extra: int = 0) -> bytes:
    """A real 1x1 PNG, padded with ``extra`` bytes in an ancillary chunk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    padding = chunk(b"teXt", b"c\x00" + b"x" * extra) if extra else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + padding
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


class Rig(ServerRig):
    """The shared rig plus companies, users and admin tokens made in the server's database."""

    def user(self, login_id: str, company: str, group: str | None, role: str = "agent") -> int:
        def make(db: Session) -> int:
            agent = create_agent(db, login_id=login_id, name=login_id, password=PASSWORD, company=company,
                                 group=group)
            db.get_one(User, agent.id).role = role
            return agent.id
        return self.db.run(make)

    def token(self, user_id: int) -> str:
        return self.db.run(lambda db: issue_admin_token(db, user_id, 3600).token)

    def group_id(self, company: str, name: str) -> int:
        return self.db.run(lambda db: db.scalars(select(Group.id).join(Company).where(
            Company.name == company, Group.name == name)).one())

    def set_company(self, company: str, **fields: object) -> None:
        def change(db: Session) -> None:
            row = db.scalars(select(Company).where(Company.name == company)).one()
            for field, value in fields.items():
                setattr(row, field, value)
        self.db.run(change)

    def call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        return self.http.request(method, self.server.api(ADMIN + path), timeout=20,
                                 headers={"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}, **kwargs)


class Company3:
    """A company with groups A and B: a company admin, a group admin and an agent in A, an agent in B."""

    def __init__(self, rig: Rig, name: str) -> None:
        self.name = name
        self.boss = rig.user(f"{name}-boss", name, "A", "company_admin")
        self.lead = rig.user(f"{name}-lead", name, "A", "group_admin")
        self.agent = rig.user(f"{name}-agent", name, "A")
        self.other = rig.user(f"{name}-other", name, "B")
        self.group_a, self.group_b = rig.group_id(name, "A"), rig.group_id(name, "B")
        self.boss_token, self.lead_token, self.agent_token = map(rig.token, (self.boss, self.lead, self.agent))


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Rig]:
    data_dir = tmp_path_factory.mktemp("admin-directory") / "data"
    with serving(Rig, data_dir, module_database_url) as made:
        yield made


def _refused(answer: Any, status: int, code: str | None = None, *words: str) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body.get("code") == code, body
    for word in words:
        assert word in body["detail"], body["detail"]


def test_company_options_are_read_by_all_and_changed_by_the_company_admin(rig: Rig) -> None:
    co = Company3(rig, "co1")
    got = rig.call("GET", "/company", co.agent_token)
    assert got.status_code == 200 and got.json()["name"] == "co1" and got.json()["user_count"] == 4
    change = {"password_level": "strong", "password_lifetime_days": 60, "lock_minutes": 30, "history_months": 6,
              "two_step_login": True, "login_page_url": "co1.page_1"}
    changed = rig.call("PATCH", "/company", co.boss_token, json=change)
    assert changed.status_code == 200, changed.text
    assert {key: changed.json()[key] for key in change} == change
    assert rig.call("PATCH", "/company", co.boss_token, json={"lock_minutes": None}).json()["lock_minutes"] is None
    for token in (co.lead_token, co.agent_token):
        _refused(rig.call("PATCH", "/company", token, json={"history_months": 0}), 403, "role_forbidden",
                 "company settings")
    _refused(rig.call("PATCH", "/company", co.boss_token, json={"licence_count": 99}), 422, None,
             "licence_count", "seed command")
    _refused(rig.call("PATCH", "/company", co.boss_token, json={"lock_minutes": 1441}), 422, None, "lock_minutes")
    _refused(rig.call("PATCH", "/company", co.boss_token, json={"history_months": 3}), 422, None, "history_months")
    _refused(rig.call("PATCH", "/company", co.boss_token, json={"password_level": None}), 422, None,
             "password_level", "null")
    _refused(rig.call("PATCH", "/company", co.boss_token, json={"login_page_url": "no/slash"}), 422, None,
             "login_page_url", "letters, digits")
    _refused(rig.call("PATCH", "/company", co.boss_token, json={"login_page_url": "x" * 51}), 422, None,
             "login_page_url")
    rival = Company3(rig, "co1b")
    _refused(rig.call("PATCH", "/company", rival.boss_token, json={"login_page_url": "co1.page_1"}), 409,
             "conflict", "login_page_url")


def test_the_logo_is_checked_by_its_bytes_and_size(rig: Rig) -> None:
    co = Company3(rig, "co2")
    picture = png()
    stored = rig.call("PUT", "/company/logo", co.boss_token, data=picture, headers={"Content-Type": "image/png"})
    assert stored.status_code == 200, stored.text
    assert stored.json()["logo_type"] == "image/png"
    fetched = rig.call("GET", "/company/logo", co.agent_token)
    assert fetched.status_code == 200 and fetched.content == picture
    assert fetched.headers["content-type"] == "image/png"
    fake = b"\x89PNG-not-really" + bytes(100)
    _refused(rig.call("PUT", "/company/logo", co.boss_token, data=fake, headers={"Content-Type": "image/png"}),
             422, None, "not a PNG")
    gif_as_png = b"GIF89a" + bytes(100)
    _refused(rig.call("PUT", "/company/logo", co.boss_token, data=gif_as_png,
                      headers={"Content-Type": "image/png"}), 422, None, "not a PNG")
    _refused(rig.call("PUT", "/company/logo", co.boss_token, data=picture, headers={"Content-Type": "text/plain"}),
             422, None, "Content-Type")
    big = png(600 * 1024)
    _refused(rig.call("PUT", "/company/logo", co.boss_token, data=big, headers={"Content-Type": "image/png"}),
             413, None, "500 KB")
    _refused(rig.call("PUT", "/company/logo", co.boss_token, data=png(2 * 1024 * 1024),
                      headers={"Content-Type": "image/png"}), 413, None, "larger than")
    _refused(rig.call("PUT", "/company/logo", co.lead_token, data=picture, headers={"Content-Type": "image/png"}),
             403, "role_forbidden")
    assert rig.call("GET", "/company/logo", co.agent_token).content == picture  # refusals changed nothing
    assert rig.call("DELETE", "/company/logo", co.boss_token).status_code == 204
    _refused(rig.call("GET", "/company/logo", co.boss_token), 404, None, "no logo")


def test_groups_by_role(rig: Rig) -> None:
    co, stranger = Company3(rig, "co3"), Company3(rig, "co3x")
    made = rig.call("POST", "/groups", co.boss_token, json={"name": "C", "external_id": "crm-7"})
    assert made.status_code == 201, made.text
    assert made.json() == {"id": made.json()["id"], "name": "C", "external_id": "crm-7", "user_count": 0}
    _refused(rig.call("POST", "/groups", co.boss_token, json={"name": "C"}), 409, "conflict", "name")
    _refused(rig.call("POST", "/groups", co.boss_token, json={"name": "D", "external_id": "crm-7"}), 409,
             "conflict", "external_id")
    _refused(rig.call("POST", "/groups", co.boss_token, json={"name": ""}), 422, None, "name")
    assert rig.call("POST", "/groups", stranger.boss_token, json={"name": "C"}).status_code == 201  # per company
    listed = rig.call("GET", "/groups", co.boss_token).json()
    assert [group["name"] for group in listed] == ["A", "B", "C"]
    assert [group["name"] for group in rig.call("GET", "/groups", co.lead_token).json()] == ["A"]
    assert [group["name"] for group in rig.call("GET", "/groups", co.agent_token).json()] == ["A"]
    assert rig.call("GET", f"/groups/{co.group_a}", co.agent_token).json()["user_count"] == 3
    _refused(rig.call("GET", f"/groups/{co.group_b}", co.lead_token), 403, "role_forbidden", "group admin")
    _refused(rig.call("GET", f"/groups/{co.group_b}", co.agent_token), 403, "role_forbidden")
    _refused(rig.call("GET", f"/groups/{stranger.group_a}", co.boss_token), 404, None, "no group")
    _refused(rig.call("PATCH", f"/groups/{co.group_a}", co.lead_token, json={"name": "Z"}), 403, "role_forbidden")
    _refused(rig.call("POST", "/groups", co.agent_token, json={"name": "Z"}), 403, "role_forbidden")
    renamed = rig.call("PATCH", f"/groups/{made.json()['id']}", co.boss_token, json={"external_id": None})
    assert renamed.status_code == 200 and renamed.json()["external_id"] is None
    _refused(rig.call("PATCH", f"/groups/{made.json()['id']}", co.boss_token, json={"name": "A"}), 409,
             "conflict", "name")
    _refused(rig.call("DELETE", f"/groups/{co.group_b}", co.boss_token), 409, "conflict", "move them")
    assert rig.call("DELETE", f"/groups/{made.json()['id']}", co.boss_token).status_code == 204
    _refused(rig.call("GET", f"/groups/{made.json()['id']}", co.boss_token), 404)


async def _next_event(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if event["type"] == kind:
            return dict(event)


async def _closed(ws: ClientConnection) -> int | None:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    except ConnectionClosed:
        return ws.close_code


def _agent_login(rig: Rig, login_id: str) -> str:
    answer = rig.http.post(rig.server.api("/api/v1/auth/login"), json={"login_id": login_id, "password": PASSWORD},
                           timeout=10)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def test_a_group_policy_write_is_stored_and_pushed_to_its_logged_in_agents(rig: Rig) -> None:
    co = Company3(rig, "co4")
    agent_login = _agent_login(rig, "co4-agent")
    path = f"/groups/{co.group_a}/options"

    async def scenario() -> dict[str, Any]:
        async with connect(rig.server.ws_url("/ws/agent"), ssl=rig.server.ssl_context(), open_timeout=10,
                           additional_headers={"Authorization": f"Bearer {agent_login}"}) as ws:
            await asyncio.sleep(0.2)  # the hub registers the socket after the handshake
            answer = await asyncio.to_thread(rig.call, "PUT", path, co.lead_token,
                                             json={SWITCH: {"state": "not_used"}, "auto_logout": {"state": "all_use"},
                                                   "auto_logout_minutes": {"value": 15}})
            assert answer.status_code == 200, answer.text
            return await _next_event(ws, "options_changed")

    event = asyncio.run(scenario())
    assert event["options"][SWITCH] is False and event["options"]["auto_logout_minutes"] == 15
    got = rig.call("GET", path, co.boss_token).json()
    assert got[SWITCH]["state"] == "not_used" and got["auto_logout_minutes"]["value"] == 15
    assert got["auto_logout_minutes"]["state"] is None and got["auto_logout_minutes"]["effective_state"] == "all_use"
    rows = rig.db.run(lambda db: {row.key for row in db.scalars(select(GroupOption).where(
        GroupOption.group_id == co.group_a))})
    assert rows == {SWITCH, "auto_logout", "auto_logout_minutes"}
    _refused(rig.call("PUT", path, co.boss_token, json={"no_such_key": {"state": "all_use"}}), 422,
             "option_invalid", "no_such_key")
    _refused(rig.call("PUT", path, co.boss_token, json={"auto_logout_minutes": {"value": 7}}), 422,
             "option_invalid", "auto_logout_minutes")
    _refused(rig.call("PUT", path, co.boss_token, json={SWITCH: {"state": "sometimes"}}), 422, "option_invalid",
             SWITCH, "all_use")
    _refused(rig.call("PUT", path, co.boss_token, json={"auto_logout_minutes": {"state": "all_use"}}), 422,
             "option_invalid", "follows auto_logout")
    _refused(rig.call("PUT", f"/groups/{co.group_b}/options", co.lead_token, json={}), 403, "role_forbidden")
    _refused(rig.call("GET", path, co.agent_token), 403, "role_forbidden")
    assert rig.call("GET", path, co.boss_token).json()[SWITCH]["state"] == "not_used"  # refusals changed nothing
    cleared = rig.call("PUT", path, co.boss_token, json={})
    assert cleared.status_code == 200 and cleared.json()[SWITCH]["state"] == "user_setting"


def _new_user(**fields: object) -> dict[str, object]:
    return {"password": PASSWORD, **fields}


def test_every_user_field_rule(rig: Rig) -> None:
    co = Company3(rig, "co5")
    full = _new_user(login_id="co5.hong_gd@x-1", family_name="Hong", given_name="Gildong", name_reading="hong",
                     nickname="GD", phone="02-123-4567", mobile="010-1234-5678", email="gd@example.co.kr",
                     email_opt_in=True, icon_number=17, group_id=co.group_b, expires_at="2030-01-31T00:00:00Z")
    made = rig.call("POST", "/users", co.boss_token, json=full)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["name"] == "Hong Gildong" and body["role"] == "agent" and body["icon_number"] == 17
    assert body["expires_at"].startswith("2030-01-31T00:00:00") and body["locked"] is False
    bad = {
        "phone": ("0" * 14, "phone"), "mobile": ("010-abcd", "mobile"), "email": ("not-an-address", "email"),
        "login_id": ("has space", "login_id"), "icon_number": (10000, "icon_number"), "role": ("boss", "role"),
        "expires_at": ("2030-01-31T00:00:00", "expires_at"), "nickname": ("n" * 101, "nickname"),
        "group_id": ("seven", "group_id"), "unknown": (1, "unknown"),
    }
    for field, (value, word) in bad.items():
        _refused(rig.call("POST", "/users", co.boss_token, json=_new_user(**{"login_id": "co5-bad", field: value})),
                 422, None, word)
    _refused(rig.call("POST", "/users", co.boss_token, json=_new_user(login_id="co5-icon", icon_number=17)), 409,
             "conflict", "icon_number")
    _refused(rig.call("POST", "/users", co.boss_token, json=_new_user(login_id="co5.hong_gd@x-1")), 409,
             "conflict", "login_id")
    stranger = Company3(rig, "co5x")
    _refused(rig.call("POST", "/users", co.boss_token, json=_new_user(login_id="co5-g", group_id=stranger.group_a)),
             404, None, "group_id")
    assert rig.call("POST", "/users", stranger.boss_token,
                    json=_new_user(login_id="co5x-icon", icon_number=17)).status_code == 201  # per company
    rig.set_company("co5", password_level="strong")
    _refused(rig.call("POST", "/users", co.boss_token, json={"login_id": "co5-weak", "password": "abcdef12"}), 422,
             "password_rules", "strong", "upper-case")
    user = f"/users/{body['id']}"
    _refused(rig.call("PATCH", user, co.boss_token, json={"login_id": "co5-new"}), 422, None, "never changes")
    _refused(rig.call("PATCH", user, co.boss_token, json={"phone": "1" * 14}), 422, None, "phone", "13")
    _refused(rig.call("PATCH", f"/users/{co.agent}", co.boss_token, json={"icon_number": 17}), 409, "conflict",
             "icon_number")
    renamed = rig.call("PATCH", user, co.boss_token, json={"given_name": "Gil-dong", "email": None})
    assert renamed.json()["name"] == "Hong Gil-dong" and renamed.json()["email"] is None


def test_users_by_role(rig: Rig) -> None:
    co, stranger = Company3(rig, "co6"), Company3(rig, "co6x")
    mine = rig.call("POST", "/users", co.lead_token, json=_new_user(login_id="co6-new"))
    assert mine.status_code == 201 and mine.json()["group_id"] == co.group_a
    _refused(rig.call("POST", "/users", co.lead_token, json=_new_user(login_id="co6-ga", role="group_admin")), 403,
             "role_forbidden", "group_admin")
    _refused(rig.call("POST", "/users", co.lead_token, json=_new_user(login_id="co6-b", group_id=co.group_b)), 403,
             "role_forbidden")
    _refused(rig.call("POST", "/users", co.agent_token, json=_new_user(login_id="co6-x")), 403, "role_forbidden")
    assert rig.call("POST", "/users", co.boss_token,
                    json=_new_user(login_id="co6-ga", role="group_admin")).status_code == 201
    _refused(rig.call("GET", f"/users/{co.other}", co.lead_token), 403, "role_forbidden")
    _refused(rig.call("PATCH", f"/users/{co.other}", co.lead_token, json={"nickname": "x"}), 403, "role_forbidden")
    _refused(rig.call("DELETE", f"/users/{co.other}", co.lead_token), 403, "role_forbidden")
    _refused(rig.call("GET", f"/users/{stranger.agent}", co.boss_token), 404, None, "no user")
    _refused(rig.call("GET", "/users", co.lead_token, params={"group_id": co.group_b}), 403, "role_forbidden")
    ids = {user["login_id"] for user in rig.call("GET", "/users", co.lead_token).json()["items"]}
    assert ids == {"co6-boss", "co6-lead", "co6-agent", "co6-new"}
    page = rig.call("GET", "/users", co.boss_token, params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 6 and len(page["items"]) == 2 and page["items"][0]["login_id"] == "co6-lead"
    assert [u["login_id"] for u in rig.call("GET", "/users", co.agent_token).json()["items"]] == ["co6-agent"]
    own = rig.call("PATCH", f"/users/{co.agent}", co.agent_token, json={"nickname": "Kim", "phone": "010-1"})
    assert own.status_code == 200 and own.json()["nickname"] == "Kim"
    for change in ({"role": "company_admin"}, {"group_id": co.group_b}, {"icon_number": 5},
                   {"expires_at": None}):
        _refused(rig.call("PATCH", f"/users/{co.agent}", co.agent_token, json=change), 403, "role_forbidden")
    _refused(rig.call("PATCH", f"/users/{co.lead}", co.agent_token, json={"nickname": "x"}), 403, "role_forbidden")
    _refused(rig.call("PATCH", f"/users/{co.agent}", co.lead_token, json={"role": "group_admin"}), 403,
             "role_forbidden")
    for group in (co.group_b, None):
        _refused(rig.call("PATCH", f"/users/{co.agent}", co.lead_token, json={"group_id": group}), 403,
                 "role_forbidden", "out of your group")
    _refused(rig.call("PATCH", f"/users/{co.boss}", co.boss_token, json={"role": "agent"}), 400, None, "own role")
    _refused(rig.call("DELETE", f"/users/{co.boss}", co.boss_token), 400, None, "own account")
    assert rig.call("DELETE", f"/users/{mine.json()['id']}", co.lead_token).status_code == 204
    _refused(rig.call("GET", f"/users/{mine.json()['id']}", co.boss_token), 404)


def test_a_named_licence_refuses_one_id_too_many(rig: Rig) -> None:
    co = Company3(rig, "co7")
    rig.set_company("co7", licence_kind="named", licence_count=5)
    assert rig.call("POST", "/users", co.boss_token, json=_new_user(login_id="co7-5th")).status_code == 201
    _refused(rig.call("POST", "/users", co.boss_token, json=_new_user(login_id="co7-6th")), 403, "licence_full",
             "5 named licences")
    rig.set_company("co7", licence_kind="concurrent")
    assert rig.call("POST", "/users", co.boss_token, json=_new_user(login_id="co7-6th")).status_code == 201


def test_password_set_and_unlock(rig: Rig) -> None:
    co = Company3(rig, "co8")

    def lock(db: Session) -> None:
        user = db.get_one(User, co.agent)
        user.failed_logins, user.locked_at = 5, utcnow()
    rig.db.run(lock)
    assert rig.call("GET", f"/users/{co.agent}", co.lead_token).json()["locked"] is True
    _refused(rig.call("POST", f"/users/{co.agent}/unlock", co.agent_token), 403, "role_forbidden")
    unlocked = rig.call("POST", f"/users/{co.agent}/unlock", co.lead_token)
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    _agent_login(rig, "co8-agent")
    _refused(rig.call("POST", f"/users/{co.agent}/password", co.lead_token, json={"password": "123456"}), 422,
             "password_rules", "medium")
    changed = rig.call("POST", f"/users/{co.agent}/password", co.lead_token, json={"password": "New-pass-58"})
    assert changed.status_code == 200, changed.text
    answer = rig.http.post(rig.server.api("/api/v1/auth/login"), timeout=10,
                           json={"login_id": "co8-agent", "password": "New-pass-58"})
    assert answer.status_code == 200
    _refused(rig.call("POST", f"/users/{co.boss}/password", co.lead_token, json={"password": "New-pass-58"}), 403,
             "role_forbidden")


def test_moving_or_deleting_a_logged_in_agent_ends_the_login(rig: Rig) -> None:
    co = Company3(rig, "co9")
    token = _agent_login(rig, "co9-agent")

    async def watch(change: tuple[str, str, dict[str, object] | None], login: str) -> tuple[str, int | None]:
        async with connect(rig.server.ws_url("/ws/agent"), ssl=rig.server.ssl_context(), open_timeout=10,
                           additional_headers={"Authorization": f"Bearer {login}"}) as ws:
            await asyncio.sleep(0.2)
            method, path, body = change
            answer = await asyncio.to_thread(rig.call, method, path, co.boss_token, json=body)
            assert answer.status_code in (200, 204), answer.text
            event = await _next_event(ws, "logged_out")
            return str(event["reason"]), await _closed(ws)

    reason, code = asyncio.run(watch(("PATCH", f"/users/{co.agent}", {"group_id": co.group_b}), token))
    assert "another group" in reason and code == 4401
    _refused(rig.http.get(rig.server.api("/api/v1/me/options"), headers={"Authorization": f"Bearer {token}"},
                          timeout=10), 401, None, "log in again")
    reason, code = asyncio.run(watch(("DELETE", f"/users/{co.agent}", None), _agent_login(rig, "co9-agent")))
    assert "deleted" in reason and code == 4401


def test_odd_input_is_a_4xx_never_a_500(rig: Rig) -> None:
    co = Company3(rig, "co10")
    for method, path, body in [
        ("GET", f"/users/{2**40}", None), ("GET", "/users/abc", None), ("GET", "/groups/0", None),
        ("PATCH", f"/users/{co.agent}", ["a list"]), ("PATCH", f"/users/{co.agent}", {"email_opt_in": "maybe"}),
        ("POST", "/groups", {"name": "x" * 201}), ("POST", "/groups", {"name": "nul\x00byte"}),
        ("PATCH", f"/users/{co.agent}", {"nickname": "line\nbreak"}),
        ("PUT", f"/groups/{co.group_a}/options", {"k": 1}),
        ("PATCH", "/company", {"two_step_login": None}), ("POST", "/users", {"login_id": "x"}),
    ]:
        answer = rig.call(method, path, co.boss_token, json=body)
        assert answer.status_code in (404, 422), (method, path, answer.text)
        assert answer.json()["detail"].endswith(".")
    _refused(rig.call("GET", "/users", co.boss_token, params={"limit": 501}), 422, None, "limit")
    _refused(rig.call("GET", "/company", co.boss_token.upper()), 401)
    agent_app_token = _agent_login(rig, "co10-agent")
    _refused(rig.call("GET", "/company", agent_app_token), 401)  # an agent-app token is not an admin token


def test_racing_creates_of_one_id_give_one_user_and_conflicts(rig: Rig) -> None:
    co = Company3(rig, "co11")

    def create(_: int) -> int:
        with rig.server.session() as http:
            return int(http.post(rig.server.api(ADMIN + "/users"), json=_new_user(login_id="co11-race"), timeout=30,
                                 headers={"Authorization": f"Bearer {co.boss_token}"}).status_code)
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(create, range(4)))
    assert statuses == [201, 409, 409, 409]


FUZZ_EXAMPLES = 12
FUZZ_LABELS = {f"{method} {route.path}" for route in directory_router.routes if isinstance(route, APIRoute)
               for method in route.methods or ()}
FUZZ_CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


def _fuzz_schema(rig: Rig) -> Any:
    document = rig.http.get(rig.server.api("/openapi.json"), timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=rig.server.url, tls_verify=str(rig.server.cert_path), request_timeout=20)
    rejection = NegativeDataRejectionConfig(expected_statuses=[*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, 413])
    schema.config.checks.negative_data_rejection = rejection
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=FUZZ_EXAMPLES, deterministic=True, database="none")
    return schema


def _fuzz(rig: Rig, operation: Any, mode: GenerationMode, token: str) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=FUZZ_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        assume(not any(value is None or value == [] for value in (case.query or {}).values()))
        with rig.server.session() as http:
            case.call_and_validate(session=http, headers={"Authorization": f"Bearer {token}"}, checks=FUZZ_CHECKS)

    run()


def test_a_company_admin_fuzzing_the_directory_gets_only_documented_answers(rig: Rig) -> None:
    """schemathesis with a company admin's token (the suite-wide run has only an agent token, so it sees 401s)."""
    co = Company3(rig, "fuzz")
    operations = [result.ok() for result in _fuzz_schema(rig).get_all_operations()]
    mine = [operation for operation in operations if operation.label in FUZZ_LABELS]
    assert len(mine) == len(FUZZ_LABELS) == 19, sorted(FUZZ_LABELS)
    failures: list[str] = []
    for operation in mine:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(rig, operation, mode, co.boss_token)
            except Unsatisfiable:  # nothing to break: the operation takes no input
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # collect all, then report
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
