"""Option policies at login and at /api/v1/me/options, and IP/MAC allow lists at login, on SQLite and PostgreSQL.

Each test makes its own agent in its own group straight in the server's database and writes the group's
option states there, as an admin page would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts import create_agent
from server.models import Group, GroupOption, User
from server.policy import OPTIONS, GroupPolicy, effective_options
from tests.integration.db_rig import ServerRig, serving

pytestmark = pytest.mark.integration

LOGIN = "/api/v1/auth/login"
OPTIONS_PATH = "/api/v1/me/options"
PASSWORD = "Good-pass-47"
DEFAULTS = effective_options(GroupPolicy(), {})


class Rig(ServerRig):
    """The shared rig plus this module's requests and rows."""

    def login(self, login_id: str, **extra: str) -> Any:
        body = {"login_id": login_id, "password": PASSWORD, **extra}
        return self.http.post(self.server.api(LOGIN), json=body, timeout=10)

    def token(self, login_id: str) -> str:
        answer = self.login(login_id)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["token"])

    def get_options(self, token: str) -> Any:
        return self.http.get(self.server.api(OPTIONS_PATH), headers={"Authorization": f"Bearer {token}"},
                             timeout=10)

    def put_options(self, token: str, body: object) -> Any:
        return self.http.put(self.server.api(OPTIONS_PATH), json=body,
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def agent(self, login_id: str, **group_options: tuple[str | None, object]) -> None:
        """A new agent in its own group, the group storing ``key=(state, value)`` for each option given."""
        def make(db: Session) -> None:
            create_agent(db, login_id=login_id, name=login_id, password=PASSWORD, company="co-policy",
                         group=f"g-{login_id}")
            group = db.scalars(select(Group).where(Group.name == f"g-{login_id}")).one()
            for key, (state, value) in group_options.items():
                db.add(GroupOption(group_id=group.id, key=key, state=state, value=value))
        self.db.run(make)



@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Rig]:
    data_dir = tmp_path_factory.mktemp("policy") / "data"
    with serving(Rig, data_dir, module_database_url) as made:
        yield made


def test_a_fresh_group_gets_the_catalogue_defaults(rig: Rig) -> None:
    rig.agent("fresh")
    answer = rig.login("fresh")
    assert answer.status_code == 200
    options = answer.json()["options"]
    assert options == DEFAULTS and set(options) == {option.key for option in OPTIONS}
    assert rig.get_options(answer.json()["token"]).json() == DEFAULTS
    group_id = rig.db.run(lambda db: db.scalars(select(Group.id).where(Group.name == "g-fresh")).one())
    stored = rig.db.run(lambda db: db.scalars(select(GroupOption).where(GroupOption.group_id == group_id)).all())
    assert stored == []


def test_a_group_state_shows_in_the_login_answer(rig: Rig) -> None:
    key = next(o.key for o in OPTIONS if o.kind.value == "bool" and not o.group_only and o.part_of is None
               and o.default is True)
    rig.agent("forced", **{key: ("not_used", None)})
    answer = rig.login("forced")
    assert answer.status_code == 200
    assert answer.json()["options"][key] is False
    assert answer.json()["options"] == {**DEFAULTS, key: False}


def test_writing_a_forced_key_is_refused_with_the_key_and_state(rig: Rig) -> None:
    key = next(o.key for o in OPTIONS if o.kind.value == "bool" and not o.group_only and o.part_of is None)
    rig.agent("nowrite", **{key: ("all_use", None)})
    token = rig.token("nowrite")
    refused = rig.put_options(token, {key: False})
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "option_forced"
    assert key in body["detail"] and "all use" in body["detail"]
    assert rig.get_options(token).json()[key] is True


def test_a_user_setting_key_is_written_and_read_back(rig: Rig) -> None:
    key = next(o.key for o in OPTIONS if o.kind.value == "bool" and not o.group_only and o.part_of is None
               and not o.required_if and o.key not in ("ip_allow", "mac_allow"))
    rig.agent("writer")
    token = rig.token("writer")
    changed = rig.put_options(token, {key: not DEFAULTS[key]})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**DEFAULTS, key: not DEFAULTS[key]}
    assert rig.get_options(token).json()[key] is (not DEFAULTS[key])
    assert rig.login("writer").json()["options"][key] is (not DEFAULTS[key])
    unknown = rig.put_options(token, {"no_such_option": True})
    assert unknown.status_code == 422 and unknown.json()["code"] == "option_invalid"
    assert "no_such_option" in unknown.json()["detail"]
    wrong = rig.put_options(token, {key: "yes please"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "option_invalid" and key in wrong.json()["detail"]


def test_the_group_ip_allow_list_decides_login(rig: Rig) -> None:
    rig.agent("ip-out", ip_allow=("all_use", None), ip_allow_list=(None, ["10.1.2.0/24", "192.0.2.7"]))
    refused = rig.login("ip-out")
    assert refused.status_code == 403
    assert refused.json()["code"] == "address_not_allowed" and "token" not in refused.json()
    assert "127.0.0.1" in refused.json()["detail"] and "IP allow list" in refused.json()["detail"]
    last = rig.history("ip-out")[-1]
    assert last.result == "refused" and last.reason == refused.json()["detail"]
    rig.agent("ip-in", ip_allow=("all_use", None), ip_allow_list=(None, ["10.1.2.0/24", "127.0.0.1/32"]))
    allowed = rig.login("ip-in")
    assert allowed.status_code == 200
    assert allowed.json()["options"]["ip_allow"] is True
    assert rig.history("ip-in")[-1].result == "ok"


def test_the_group_mac_allow_list_decides_login(rig: Rig) -> None:
    rig.agent("mac", mac_allow=("all_use", None), mac_allow_list=(None, ["AABBCCDDEEFF"]))
    missing = rig.login("mac")
    assert missing.status_code == 403 and missing.json()["code"] == "address_not_allowed"
    assert "MAC" in missing.json()["detail"]
    other = rig.login("mac", mac="11-22-33-44-55-66")
    assert other.status_code == 403 and "112233445566" in other.json()["detail"]
    assert rig.login("mac", mac="aa:bb:cc:dd:ee:ff").status_code == 200
    assert [row.result for row in rig.history("mac")] == ["refused", "refused", "ok"]
    user = rig.db.run(lambda db: db.scalars(select(User).where(User.login_id == "mac")).one())
    assert user.failed_logins == 0
