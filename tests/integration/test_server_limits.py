"""Code expiry and the per-address limit on wrong codes, on servers started with short timers.

Expiry is stored in the database, so it runs on SQLite and PostgreSQL; the wrong-code limiter lives in the
server's memory, so it runs once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.postgres import database_env
from tests.integration.server_fixture import RunningServer, wait_until

pytestmark = pytest.mark.integration

Factory = Callable[..., RunningServer]


def _new_code(server: RunningServer, http: Any) -> str:
    agent = {"Authorization": f"Bearer {server.login()}"}
    answer = http.post(server.api("/api/v1/sessions"), headers=agent, timeout=5)
    assert answer.status_code == 201
    return str(answer.json()["code"])


def _join(server: RunningServer, http: Any, code: str) -> Any:
    return http.post(server.api("/api/v1/sessions/join"), json={"code": code, "pc_name": "PC", "os": "Linux"},
                     timeout=5)


def test_expired_code_is_gone(ferry_server_factory: Factory, database_url: str | None) -> None:
    server = ferry_server_factory(env=database_env(database_url, FERRY_CODE_TTL_S="1"))
    with server.session() as http:
        code = _new_code(server, http)
        time.sleep(1.2)
        answer = _join(server, http, code)
    assert answer.status_code == 410
    assert "expired" in answer.json()["detail"]


def test_wrong_codes_are_slowed_down_with_growing_delays(ferry_server_factory: Factory) -> None:
    server = ferry_server_factory(env={"FERRY_JOIN_DELAY_BASE_S": "1"})
    with server.session() as http:
        good = _new_code(server, http)
        wrong = "999999" if good != "999999" else "999998"
        for _ in range(5):
            assert _join(server, http, wrong).status_code == 404
        delays = []
        for _ in range(2):
            blocked = _join(server, http, good)  # even the right code waits: no progress while locked out
            assert blocked.status_code == 429, blocked.text
            assert "wait" in blocked.json()["detail"]
            delays.append(int(blocked.headers["Retry-After"]))
            assert wait_until(lambda: _join(server, http, wrong).status_code == 404, timeout=delays[-1] + 3,
                              interval=0.25)
        last = _join(server, http, good)
        assert last.status_code == 429
        delays.append(int(last.headers["Retry-After"]))
        assert delays[0] == 1 and delays[1] == 2 and delays[2] in (3, 4), delays  # 1 s, doubling
        time.sleep(delays[-1])
        assert wait_until(lambda: _join(server, http, good).status_code == 200, timeout=3, interval=0.25)
