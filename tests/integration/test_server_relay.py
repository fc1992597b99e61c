"""The relay and the agent push socket against the real server, with pinned WebSocket clients."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from server.accounts import create_agent
from server.config import default_database_url
from server.db import Database, create_db_engine
from tests.integration.push_socket import closed, next_event
from tests.integration.server_fixture import RunningServer, running_server

pytestmark = pytest.mark.integration

PAIRED = {"event": "paired"}
BIG = 16 * 1024 * 1024


@dataclasses.dataclass
class Setup:
    """A server, a pinned context, the demo agent's token and a session joined by a customer."""

    server: RunningServer
    context: ssl.SSLContext
    http: Any
    agent_token: str
    session_id: str = ""
    host_token: str = ""

    def new_joined_session(self, pc_name: str = "CUSTOMER-PC", os_name: str = "Windows 11") -> None:
        headers = {"Authorization": f"Bearer {self.agent_token}"}
        created = self.http.post(self.server.api("/api/v1/sessions"), headers=headers, timeout=5).json()
        joined = self.http.post(self.server.api("/api/v1/sessions/join"), timeout=5,
                                json={"code": created["code"], "pc_name": pc_name, "os": os_name}).json()
        self.session_id, self.host_token = created["session_id"], joined["host_token"]

    def record(self) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.agent_token}"}
        return dict(self.http.get(self.server.api(f"/api/v1/sessions/{self.session_id}"), headers=headers,
                                  timeout=5).json())

    async def leg(
        self, role: str, token: str | None = None, session_id: str | None = None,
    ) -> ClientConnection:
        token = token if token is not None else (self.agent_token if role == "viewer" else self.host_token)
        path = f"/relay/{session_id or self.session_id}?role={role}"
        return await connect(self.server.ws_url(path), ssl=self.context, max_size=BIG + 1024,
                             additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10)

    async def pushes(self, token: str | None = None) -> ClientConnection:
        return await connect(self.server.ws_url("/ws/agent"), ssl=self.context, open_timeout=10,
                             additional_headers={"Authorization": f"Bearer {token or self.agent_token}"})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("relay") / "data"
    with running_server(data, env={"FERRY_END_GRACE_S": "0.5"}) as running:
        yield running


@pytest.fixture()
def setup(server: RunningServer) -> Iterator[Setup]:
    with server.session() as http:
        state = Setup(server, server.ssl_context(), http, server.login())
        state.new_joined_session()
        yield state


async def _paired(setup: Setup) -> tuple[ClientConnection, ClientConnection]:
    viewer = await setup.leg("viewer")
    host = await setup.leg("host")
    assert await next_event(viewer) == PAIRED
    assert await next_event(host) == PAIRED
    return viewer, host


def test_pairs_and_copies_bytes_both_ways_unchanged(setup: Setup) -> None:
    async def scenario() -> float:
        viewer, host = await _paired(setup)
        for size in (0, 1, 1000, 65_536):
            payload = os.urandom(size)
            await viewer.send(payload)
            assert await asyncio.wait_for(host.recv(), 5) == payload
            await host.send(payload[::-1])
            assert await asyncio.wait_for(viewer.recv(), 5) == payload[::-1]
        big = os.urandom(BIG + 16)
        await host.send(big)
        assert await asyncio.wait_for(viewer.recv(), 30) == big
        burst = [os.urandom(10_000) for _ in range(200)]
        sender = asyncio.gather(*(viewer.send(chunk) for chunk in burst))
        received = [await asyncio.wait_for(host.recv(), 10) for _ in burst]
        await sender
        assert received == burst
        started = time.monotonic()
        await host.close()
        assert await next_event(viewer) == {"event": "peer_left", "reason": "host disconnected"}
        assert (await closed(viewer))[0] == 1000
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 2.0
    record = setup.record()
    assert record["state"] == "ended" and record["end_reason"] == "host disconnected"
    assert record["started_at"] and record["ended_at"] and record["started_at"] <= record["ended_at"]
    assert record["pc_name"] == "CUSTOMER-PC" and record["os"] == "Windows 11"
    assert "bytes relayed" in setup.server.log_text()


def test_viewer_leaving_closes_the_host_within_two_seconds(setup: Setup) -> None:
    async def scenario() -> float:
        viewer, host = await _paired(setup)
        started = time.monotonic()
        await viewer.close()
        assert await next_event(host) == {"event": "peer_left", "reason": "viewer disconnected"}
        assert (await closed(host))[0] == 1000
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 2.0
    assert setup.record()["end_reason"] == "viewer disconnected"


def test_host_may_come_first_and_legs_are_refused_after_the_end(setup: Setup) -> None:
    async def scenario() -> None:
        host = await setup.leg("host")
        viewer = await setup.leg("viewer")
        assert await next_event(viewer) == PAIRED and await next_event(host) == PAIRED
        await viewer.close()
        await closed(host)
        late = await setup.leg("viewer")
        assert await closed(late) == (4410, "the session has ended")

    asyncio.run(scenario())


def test_end_request_gives_its_reason_to_both_legs(setup: Setup) -> None:
    async def scenario() -> None:
        viewer, host = await _paired(setup)
        headers = {"Authorization": f"Bearer {setup.agent_token}"}
        url = setup.server.api(f"/api/v1/sessions/{setup.session_id}/end")
        body = {"reason": "problem solved"}
        answer = await asyncio.to_thread(setup.http.post, url, headers=headers, json=body, timeout=5)
        assert answer.status_code == 204
        for leg in (viewer, host):
            assert await next_event(leg) == {"event": "peer_left", "reason": "problem solved"}
            assert (await closed(leg))[0] == 1000

    asyncio.run(scenario())
    record = setup.record()
    assert record["state"] == "ended" and record["end_reason"] == "problem solved"


def test_bad_legs_are_refused_with_4xxx_codes(setup: Setup) -> None:
    async def refused(role: str, token: str | None = None, session_id: str | None = None) -> int | None:
        return (await closed(await setup.leg(role, token, session_id)))[0]

    async def scenario() -> None:
        assert await refused("viewer", token="not-a-token") == 4401
        assert await refused("host", token="not-a-token") == 4401
        assert await refused("host", token=setup.agent_token) == 4401
        assert await refused("viewer", session_id="0" * 32) == 4404
        assert await refused("viewer", session_id="nonsense") == 4404
        assert await refused("spectator") == 4400
        viewer = await setup.leg("viewer")
        assert await refused("viewer") == 4409
        host = await setup.leg("host")
        assert await next_event(viewer) == PAIRED and await next_event(host) == PAIRED
        assert await refused("host") == 4409
        assert await refused("viewer") == 4409
        await host.send(b"still working")
        assert await asyncio.wait_for(viewer.recv(), 5) == b"still working"
        await viewer.close()
        await host.close()

    asyncio.run(scenario())


def test_another_agents_token_is_refused(setup: Setup) -> None:
    db = Database(create_db_engine(default_database_url(setup.server.data_dir)))
    try:
        db.run(create_agent, login_id="other", name="Other Agent", password="other-password-1",
               company="Ferry Demo", group="Support")
    finally:
        db.dispose()
    other = setup.server.login("other", "other-password-1")

    async def scenario() -> None:
        leg = await setup.leg("viewer", token=other)
        assert (await closed(leg))[0] == 4403

    asyncio.run(scenario())
    answer = setup.http.get(setup.server.api(f"/api/v1/sessions/{setup.session_id}"), timeout=5,
                            headers={"Authorization": f"Bearer {other}"})
    assert answer.status_code == 404


def test_text_or_early_messages_break_the_leg(setup: Setup) -> None:
    async def scenario() -> None:
        early = await setup.leg("viewer")
        await early.send(b"too early")
        assert (await closed(early))[0] == 4400
        viewer, host = await _paired(setup)
        await viewer.send("text is not relayed")
        assert (await closed(viewer))[0] == 1003
        assert await next_event(host) == {"event": "peer_left", "reason": "viewer disconnected"}
        await closed(host)

    asyncio.run(scenario())


def test_agent_socket_gets_customer_joined_and_session_ended(setup: Setup) -> None:
    async def scenario() -> None:
        pushes = await setup.pushes()
        await pushes.send("ping")
        assert await asyncio.wait_for(pushes.recv(), 5) == "pong"
        await asyncio.to_thread(setup.new_joined_session, "FRONT-DESK", "Ubuntu 24.04")
        assert await next_event(pushes) == {"type": "customer_joined", "session_id": setup.session_id,
                                       "pc_name": "FRONT-DESK", "os": "Ubuntu 24.04"}
        viewer, host = await _paired(setup)
        await host.close()
        await closed(viewer)
        assert await next_event(pushes) == {"type": "session_ended", "session_id": setup.session_id,
                                       "reason": "host disconnected"}
        await pushes.close()
        bad = await setup.pushes(token="not-a-token")
        assert (await closed(bad))[0] == 4401

    asyncio.run(scenario())


def test_logout_closes_the_agent_socket(server: RunningServer) -> None:
    token = server.login()

    async def scenario() -> None:
        pushes = await connect(server.ws_url("/ws/agent"), ssl=server.ssl_context(),
                               additional_headers={"Authorization": f"Bearer {token}"})
        with server.session() as http:
            answer = await asyncio.to_thread(http.post, server.api("/api/v1/auth/logout"), timeout=5,
                                             headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 204
        assert (await closed(pushes))[0] == 4401

    asyncio.run(scenario())


def test_stopping_the_server_closes_live_legs_and_restart_ends_the_record(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_server(data) as first, first.session() as http:
        setup = Setup(first, first.ssl_context(), http, first.login())
        setup.new_joined_session()

        async def scenario() -> tuple[int | None, int | None]:
            viewer, host = await _paired(setup)
            started = time.monotonic()
            stopping = asyncio.create_task(asyncio.to_thread(first.stop))
            codes = (await closed(viewer, 8))[0], (await closed(host, 8))[0]
            assert await stopping in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it caught
            assert time.monotonic() - started < 8
            return codes

        codes = asyncio.run(scenario())
        assert set(codes) <= {1000, 1001, 1006, 1012}
    with running_server(data) as second, second.session() as http:
        setup = Setup(second, second.ssl_context(), http, second.login(), session_id=setup.session_id)
        assert setup.record()["state"] == "ended"
