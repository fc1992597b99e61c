"""ServerClient without a network: a fake requests session answers; error sentences and clock skew."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from typing import Any

import pytest
import requests

from agent.api import ServerClient, seconds_left
from agent.config import TlsConfig
from agent.errors import ApiError

NOW = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _response(status: int, body: object, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    reasons = {200: "OK", 201: "Created", 401: "Unauthorized", 500: "Internal Server Error"}
    response.reason = reasons.get(status, "")
    response._content = json.dumps(body).encode()
    response.headers.update(headers or {})
    return response


class FakeHttp(requests.Session):
    """Answers from a queue and records what was asked."""

    def __init__(self, answers: list[requests.Response | Exception]) -> None:
        super().__init__()
        self.answers = answers
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def request(self, method: str, url: str,  # type: ignore[override]
                *args: Any, **kwargs: Any) -> requests.Response:
        self.calls.append((method, url, kwargs))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _client(answers: list[requests.Response | Exception]) -> tuple[ServerClient, FakeHttp]:
    http = FakeHttp(answers)
    client = ServerClient("https://srv:8443/", TlsConfig(fingerprint="AA"),
                          session_factory=lambda url, tls: http)
    return client, http


LOGIN = {"token": "tok", "expires_at": "2030-01-02T15:00:00Z",
         "agent": {"login_id": "demo", "name": "Demo Agent", "company": "Ferry Demo", "group": "Support"}}


def test_login_then_code_with_bearer_and_server_clock() -> None:
    server_now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60)  # the server's clock is a minute behind
    expires = (server_now + dt.timedelta(seconds=600)).isoformat()
    code = {"session_id": "s1", "code": "123456", "expires_at": expires, "secret": "ab" * 32,
            "connect_url": "https://srv:8443/c"}
    date = email.utils.format_datetime(server_now, usegmt=True)
    client, http = _client([_response(200, LOGIN), _response(201, code, {"Date": date})])
    login = client.login("demo", "pw")
    assert login.agent.name == "Demo Agent" and login.server_url == "https://srv:8443"
    assert "tok" not in repr(login)
    issued = client.create_code()
    assert issued.code == "123456"
    assert 599.0 <= issued.expires_in <= 601.0  # measured on the server's clock (Date has whole seconds)
    assert "abab" not in repr(issued)
    assert http.calls[0][:2] == ("POST", "https://srv:8443/api/v1/auth/login")
    assert http.calls[0][2]["json"] == {"login_id": "demo", "password": "pw"}
    assert http.calls[1][2]["headers"] == {"Authorization": "Bearer tok"}


def test_server_sentence_is_the_error() -> None:
    client, _ = _client([_response(401, {"detail": "Wrong ID or password."})])
    with pytest.raises(ApiError, match=r"^Wrong ID or password\.$") as raised:
        client.login("demo", "bad")
    assert raised.value.status == 401


def test_errors_without_a_sentence_still_say_something() -> None:
    client, _ = _client([_response(500, "oops"), _response(422, {"detail": [{"msg": "field required"}]})])
    with pytest.raises(ApiError, match=r"HTTP 500 Internal Server Error\."):
        client.login("a", "b")
    with pytest.raises(ApiError, match="field required"):
        client.login("a", "b")


def test_unreachable_server_and_missing_login() -> None:
    client, _ = _client([requests.ConnectionError("refused")])
    with pytest.raises(ApiError, match="Could not connect to the server at https://srv:8443"):
        client.login("a", "b")
    with pytest.raises(ApiError, match="not logged in"):
        client.create_code()


def test_seconds_left() -> None:
    assert seconds_left("2030-01-02T03:14:05+00:00", now=NOW) == 600.0
    assert seconds_left("2030-01-02T03:14:05", now=NOW) == 600.0  # naive means UTC
    assert seconds_left("2030-01-02T03:00:00Z", now=NOW) == 0.0
    assert seconds_left("not a time", now=NOW) == 0.0
    server_date = email.utils.format_datetime(NOW - dt.timedelta(seconds=30), usegmt=True)
    assert seconds_left("2030-01-02T03:14:05Z", server_date, now=NOW) == 630.0
    close_enough = email.utils.format_datetime(NOW - dt.timedelta(seconds=1), usegmt=True)
    assert seconds_left("2030-01-02T03:14:05Z", close_enough, now=NOW) == 600.0  # our clock is finer
