"""The agent's client calls (``agent.server_data``) against the real server: each returns what the server
stored, and a refusal arrives as ApiError with the server's sentence and code."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from agent import server_data
from agent.api import ServerClient
from agent.config import TlsConfig
from agent.errors import ApiError
from server.accounts import create_agent
from tests.integration.db_rig import ServerRig, serving

pytestmark = pytest.mark.integration

PASSWORD = "Good-pass-47"


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerRig]:
    with serving(ServerRig, tmp_path_factory.mktemp("agent-data") / "data", None) as made:
        yield made


def _client(rig: ServerRig, login_id: str) -> ServerClient:
    def make(db: Session) -> None:
        create_agent(db, login_id=login_id, name=f"{login_id} name", password=PASSWORD, company="co-data",
                     group="data")
    rig.db.run(make)
    client = ServerClient(rig.server.url, TlsConfig(fingerprint=rig.server.fingerprint))
    result = client.login(login_id, PASSWORD, mac="aa-bb-cc-dd-ee-ff")
    assert result.options["agent_shortcut_messages"] is True
    return client


def test_profile_options_shortcuts_and_favorites(rig: ServerRig) -> None:
    client = _client(rig, "data-a")
    try:
        assert server_data.profile(client).name == "data-a name"
        assert server_data.set_options(client, {"auto_logout": True})["auto_logout"] is True
        assert server_data.options(client)["auto_logout"] is True
        korean = server_data.shortcuts(client, "ko")
        assert len(korean) == 10 and korean[0].source == "default"
        mine = server_data.set_shortcuts(client, {2: "제 메시지"}, "ko")
        assert (mine[1].text, mine[1].source) == ("제 메시지", "own")
        favorite = server_data.add_favorite(client, "Docs", "https://docs.example")
        assert server_data.favorites(client) == [favorite]
        server_data.delete_favorite(client, favorite.id)
        assert server_data.favorites(client) == []
        assert server_data.categories(client) == []
        assert [m.login_id for m in server_data.group_members(client)] == ["data-a"]
    finally:
        client.close()


def test_support_log_history_and_refused_chat(rig: ServerRig) -> None:
    client = _client(rig, "data-b")
    try:
        session_id = str(client.call("POST", "/sessions")["session_id"])
        server_data.write_support_log(client, session_id, "Kim", "printer fixed", None)
        line = server_data.ChatLine(str(uuid.uuid4()), "agent", "hello",
                                    datetime.datetime.now(datetime.UTC).isoformat())
        with pytest.raises(ApiError) as refused:
            server_data.save_chat(client, session_id, [line])
        assert refused.value.status == 403 and "chat_log_server" in str(refused.value)
        [item] = server_data.history(client)
        assert (item.session_id, item.customer_name) == (session_id, "Kim")
        detail = server_data.history_detail(client, session_id)
        assert detail.log is not None and detail.log["content"] == "printer fixed"
    finally:
        client.close()


def test_password_check_and_change_without_a_token(rig: ServerRig) -> None:
    client = _client(rig, "data-c")
    try:
        check = server_data.check_password(client, "data-c", "short")
        assert check.level == "medium" and not next(r for r in check.rules if r.id == "length").met
        with pytest.raises(ApiError) as refused:
            server_data.change_password(client, "data-c", PASSWORD, "abc")
        assert refused.value.code == "password_rules"
        server_data.change_password(client, "data-c", PASSWORD, "Fresh-pass-58")
        assert client.login("data-c", "Fresh-pass-58").agent.login_id == "data-c"
    finally:
        client.close()
