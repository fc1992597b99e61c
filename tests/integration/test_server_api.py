"""REST API against the real server: login, codes, joining, session records, error answers.

Every test runs twice: on the default SQLite database and on PostgreSQL (``module_database_url``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.postgres import database_env
from tests.integration.server_fixture import RunningServer, running_server

pytestmark = pytest.mark.integration


class Api:
    """A pinned session bound to one server, with the demo agent's token at hand."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.http = server.session()
        self.agent = {"Authorization": f"Bearer {server.login()}"}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.http.request(method, self.server.api(path), timeout=10, **kwargs)

    def new_session(self) -> dict[str, Any]:
        answer = self.call("post", "/api/v1/sessions", headers=self.agent)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    def join(self, code: str, **fields: str) -> Any:
        return self.call("post", "/api/v1/sessions/join", json={"code": code, **fields})

    def record(self, session_id: str) -> dict[str, Any]:
        return dict(self.call("get", f"/api/v1/sessions/{session_id}", headers=self.agent).json())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp("api") / "data"
    with running_server(data_dir, env=database_env(module_database_url)) as running:
        banner = "Database: postgresql+psycopg://" if module_database_url else "Database: sqlite:///"
        assert any(line.startswith(banner) for line in running.stdout_lines), running.stdout_lines
        yield running


@pytest.fixture()
def api(server: RunningServer) -> Iterator[Api]:
    client = Api(server)
    yield client
    client.http.close()


def _is_sentence(body: dict[str, Any]) -> bool:
    return isinstance(body.get("detail"), str) and len(body["detail"]) > 15 and body["detail"].endswith(".")


def test_health_and_openapi(api: Api) -> None:
    assert api.call("get", "/api/v1/health").json() == {"status": "ok", "version": "0.1.0"}
    paths = api.call("get", "/openapi.json").json()["paths"]
    assert {"/api/v1/auth/login", "/api/v1/sessions", "/api/v1/sessions/join"} <= set(paths)


def test_login_ok_and_wrong_password(api: Api) -> None:
    answer = api.call("post", "/api/v1/auth/login", json=api.server.credentials)
    assert answer.status_code == 200
    body = answer.json()
    assert body["agent"] == {"login_id": "demo", "name": "Demo Agent", "company": "Ferry Demo",
                             "group": "Support"}
    assert len(body["token"]) >= 40 and body["expires_at"].endswith("Z")
    wrong = api.call("post", "/api/v1/auth/login", json={"login_id": "demo", "password": "nope"})
    assert wrong.status_code == 401 and _is_sentence(wrong.json())
    unknown = api.call("post", "/api/v1/auth/login", json={"login_id": "ghost", "password": "x"})
    assert unknown.status_code == 401


def test_logout_revokes_the_token(api: Api) -> None:
    api.new_session()
    assert api.call("post", "/api/v1/auth/logout", headers=api.agent).status_code == 204
    again = api.call("post", "/api/v1/sessions", headers=api.agent)
    assert again.status_code == 401 and _is_sentence(again.json())
    assert again.headers["WWW-Authenticate"] == "Bearer"


def test_create_code_and_join_once(api: Api) -> None:
    session = api.new_session()
    assert re.fullmatch(r"[0-9]{6}", session["code"])
    assert re.fullmatch(r"[0-9a-f]{32}", session["session_id"])
    assert re.fullmatch(r"[0-9a-f]{64}", session["secret"])
    assert session["connect_url"].endswith(f"/connect?code={session['code']}")
    joined = api.join(session["code"], pc_name="CUSTOMER-PC", os="Windows 11")
    assert joined.status_code == 200
    body = joined.json()
    assert body["session_id"] == session["session_id"] and body["secret"] == session["secret"]
    assert body["agent_name"] == "Demo Agent" and body["company"] == "Ferry Demo" and body["host_token"]
    assert body["policy"]["pre_consent"] is True and "module_delete" in body["policy"]
    assert "agent_favorites" not in body["policy"]  # only what the host enforces
    second = api.join(session["code"], pc_name="CUSTOMER-PC", os="Windows 11")
    assert second.status_code == 410 and _is_sentence(second.json())
    record = api.record(session["session_id"])
    assert record["state"] == "joined" and record["pc_name"] == "CUSTOMER-PC" and record["os"] == "Windows 11"
    assert record["agent"] == "demo" and record["started_at"] is None


def test_codes_are_distinct_and_spaces_are_ignored(api: Api) -> None:
    codes = [api.new_session()["code"] for _ in range(20)]
    assert len(set(codes)) == len(codes)
    assert api.join(f"{codes[0][:3]} {codes[0][3:]}").status_code == 200


def test_end_a_waiting_session(api: Api) -> None:
    session = api.new_session()
    path = f"/api/v1/sessions/{session['session_id']}/end"
    reason = {"reason": "customer called back"}
    assert api.call("post", path, json=reason).status_code == 401
    assert api.call("post", path, headers=api.agent, json=reason).status_code == 204
    record = api.record(session["session_id"])
    assert record["state"] == "ended" and record["end_reason"] == "customer called back"
    assert record["ended_at"]
    assert api.join(session["code"]).status_code == 410


def test_host_token_may_end_its_session(api: Api) -> None:
    session = api.new_session()
    host = {"Authorization": f"Bearer {api.join(session['code']).json()['host_token']}"}
    assert api.call("post", f"/api/v1/sessions/{session['session_id']}/end", headers=host).status_code == 204
    record = api.record(session["session_id"])
    assert record["state"] == "ended" and record["end_reason"] == "ended by the customer"


BAD_REQUESTS: list[tuple[str, str, Any, int]] = [
    ("post", "/api/v1/sessions/join", {"code": "12345"}, 422),
    ("post", "/api/v1/sessions/join", {"code": "abcdef"}, 422),
    ("post", "/api/v1/sessions/join", {"code": "١٢٣٤٥٦"}, 422),
    ("post", "/api/v1/sessions/join", {"code": 123456}, 422),
    ("post", "/api/v1/sessions/join", {"code": "123456", "pc_name": "x" * 129}, 422),
    ("post", "/api/v1/sessions/join", {}, 422),
    ("post", "/api/v1/sessions/join", [], 422),
    ("post", "/api/v1/sessions/join", "not json", 422),
    ("post", "/api/v1/auth/login", {"login_id": "", "password": "x"}, 422),
    ("post", "/api/v1/auth/login", {"login_id": "x" * 65, "password": "x"}, 422),
    ("post", "/api/v1/auth/login", {"login_id": None, "password": None}, 422),
    ("post", "/api/v1/auth/login", {"login_id": "demo", "password": "p" * 100_000}, 413),
    ("get", "/api/v1/sessions/not-a-session-id", None, 401),
    ("post", "/api/v1/sessions/not-a-session-id/end", {"reason": "x" * 201}, 422),
    ("get", "/api/v1/nothing-here", None, 404),
    ("delete", "/api/v1/health", None, 405),
]


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=lambda case: f"{case[0]} {case[1][:40]} {case[3]}")
def test_bad_input_gets_4xx_with_a_sentence(api: Api, case: tuple[str, str, Any, int]) -> None:
    method, path, body, status = case
    if isinstance(body, str):
        answer = api.call(method, path, data=body, headers={"Content-Type": "application/json"})
    else:
        answer = api.call(method, path, json=body)
    assert answer.status_code == status, answer.text
    assert _is_sentence(answer.json()), answer.text


def test_a_long_chunked_body_is_413(api: Api) -> None:
    chunks = (b"x" * 10_000 for _ in range(20))
    answer = api.call("post", "/api/v1/auth/login", data=chunks, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413 and _is_sentence(answer.json()), answer.text


def test_bad_session_id_with_a_token_is_422(api: Api) -> None:
    answer = api.call("get", "/api/v1/sessions/not-a-session-id", headers=api.agent)
    assert answer.status_code == 422 and _is_sentence(answer.json())


def test_unknown_code_is_404(api: Api) -> None:
    used = {api.new_session()["code"] for _ in range(3)}
    code = next(f"{n:06d}" for n in range(1000) if f"{n:06d}" not in used)
    answer = api.join(code)
    assert answer.status_code in (404, 410)
    assert _is_sentence(answer.json())


def test_sessions_are_private_to_their_agent(api: Api) -> None:
    session = api.new_session()
    path = f"/api/v1/sessions/{session['session_id']}"
    assert api.call("get", path, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    missing = api.call("get", f"/api/v1/sessions/{'0' * 32}", headers=api.agent)
    assert missing.status_code == 404 and _is_sentence(missing.json())
