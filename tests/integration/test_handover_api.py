"""Session share and transfer on the real server (server.handover, server.routes_handover): invite, accept,
decline, and the refusals — the policy off (403), an agent of another company (404), a logged-out agent (409).

The agents are made straight in the server's database (one company, one group; another company for the
404); "logged in" means a login token and an open push socket, as the agent app keeps one.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection

from server.accounts import create_agent
from server.config import default_database_url
from server.db import Database, create_db_engine
from server.models import Group, GroupOption, SessionEvent, SupportSession
from server.routes_handover import router
from tests.integration.push_socket import next_event, open_pushes
from tools.server_process import READY, REPO_ROOT, RunningServer, _pump_stdout, _running, _server_env

pytestmark = pytest.mark.integration
PASSWORD = "Good-pass-47"
HANDOVER_PATH = "/api/v1/sessions/{session_id}/handover"
# Until server/app.py includes routes_handover's router, the test server adds it itself (once).
SHIM = f"""
PATH = {HANDOVER_PATH!r}
import runpy, sys
import server.app as app_module
from server.routes_handover import router
_create = app_module.create_app
def create_app(settings, db):
    app = _create(settings, db)
    if not any(getattr(route, "path", "") == PATH for route in app.routes):
        app.include_router(router)
    return app
app_module.create_app = create_app
runpy.run_module("server", run_name="__main__", alter_sys=True)
"""


def start_handover_server(data_dir: Path) -> RunningServer:
    """``python -m server --seed-demo`` on 127.0.0.1 with the handover routes (see SHIM)."""
    assert router.routes  # the module the shim imports is importable here too
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-server.log"
    command = [sys.executable, "-c", SHIM, "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", "0",
               "--seed-demo"]
    with open(log_path, "a", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=_server_env(None), stdout=subprocess.PIPE,
                                   stderr=log, text=True, encoding="utf-8")
    lines: list[str] = []
    ready = threading.Event()
    assert process.stdout is not None
    threading.Thread(target=_pump_stdout, args=(process.stdout, lines, ready), daemon=True).start()
    if not ready.wait(60) or not any(READY.match(line) for line in lines):
        process.kill()
        process.wait()
        raise RuntimeError(f"the server did not start: {lines!r}\n{log_path.read_text()[-2000:]}")
    return _running(data_dir, process, lines, log_path)


@contextlib.contextmanager
def handover_server(data_dir: Path) -> Iterator[RunningServer]:
    server = start_handover_server(data_dir)
    try:
        yield server
    finally:
        server.stop()


class Company:
    """Agents in the server's database, their logins and push sockets (on a loop thread of their own)."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.http = server.session()
        self.db = Database(create_db_engine(default_database_url(server.data_dir)))
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.pushes: dict[str, ClientConnection] = {}

    def agent(self, login_id: str, company: str = "co-handover", group: str = "desk",
              **options: bool) -> str:
        """A new agent whose group switches ``options`` on (all use) or off (not used); their token."""
        def make(db: Session) -> None:
            create_agent(db, login_id=login_id, name=f"Agent {login_id}", password=PASSWORD, company=company,
                         group=group)
            group_row = db.scalars(select(Group).where(Group.name == group)).one()
            for key, value in options.items():
                state = "all_use" if value else "not_used"
                db.merge(GroupOption(group_id=group_row.id, key=key, state=state, value=None))
        self.db.run(make)
        return self.server.login(login_id, PASSWORD)

    def online(self, login_id: str, token: str) -> None:
        """Open the agent's push socket (the agent app is running)."""
        self.pushes[login_id] = self._run(open_pushes(self.server, token))

    def next_push(self, login_id: str) -> dict[str, Any]:
        return dict(self._run(next_event(self.pushes[login_id])))

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(15)

    def call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        return self.http.request(method, self.server.api(path), headers={"Authorization": f"Bearer {token}"},
                                 timeout=10, **kwargs)

    def live_session(self, token: str) -> str:
        """A session of ``token``'s agent, marked live as if the customer had joined and the relay paired."""
        session_id = str(self.call("POST", "/api/v1/sessions", token).json()["session_id"])

        def go_live(db: Session) -> None:
            row = db.get_one(SupportSession, session_id)
            row.state, row.live_code, row.pc_name, row.os = "live", None, "CUSTOMER-PC", "Linux"
        self.db.run(go_live)
        return session_id

    def events(self, session_id: str) -> list[tuple[str, bool, str]]:
        return self.db.run(lambda db: [(e.kind, e.granted, e.reason) for e in db.scalars(
            select(SessionEvent).where(SessionEvent.session_id == session_id).order_by(SessionEvent.id))])

    def state(self, session_id: str) -> str:
        return str(self.db.run(lambda db: db.get_one(SupportSession, session_id).state))

    def close(self) -> None:
        for ws in self.pushes.values():
            self._run(ws.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.http.close()
        self.db.dispose()


@contextlib.contextmanager
def company_at(data_dir: Path) -> Iterator[Company]:
    """A server with the handover routes on ``data_dir`` and the Company rig on it; both closed at the end."""
    with handover_server(data_dir) as server:
        rig = Company(server)
        try:
            yield rig
        finally:
            rig.close()


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    with company_at(tmp_path_factory.mktemp("handover") / "data") as rig:
        yield rig


def invite(company: Company, token: str, session_id: str, kind: str, login_id: str) -> Any:
    return company.call("POST", f"/api/v1/sessions/{session_id}/handover", token,
                        json={"kind": kind, "login_id": login_id})


def test_invite_accept_gives_the_invited_agent_the_child_session(company: Company) -> None:
    inviter, watcher = company.agent("ana"), company.agent("bo")
    company.online("ana", inviter)
    company.online("bo", watcher)
    parent = company.live_session(inviter)
    listed = company.call("GET", f"/api/v1/sessions/{parent}/handover/agents", inviter)
    assert listed.status_code == 200 and {"login_id": "bo", "name": "Agent bo"} in listed.json()
    created = invite(company, inviter, parent, "share", "bo")
    assert created.status_code == 201, created.text
    child = created.json()
    assert child["agent_name"] == "Agent bo" and len(bytes.fromhex(child["secret"])) == 32 and child["host_token"]
    pushed = company.next_push("bo")
    assert pushed["type"] == "handover_invited" and pushed["handover_id"] == child["handover_id"]
    assert (pushed["kind"], pushed["from_login"], pushed["pc_name"]) == ("share", "ana", "CUSTOMER-PC")
    assert company.state(child["handover_id"]) == "waiting"
    accepted = company.call("POST", f"/api/v1/handover/{child['handover_id']}/accept", watcher)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["secret"] == child["secret"] and accepted.json()["inviter_name"] == "Agent ana"
    assert company.state(child["handover_id"]) == "joined"
    told = company.next_push("ana")
    assert (told["type"], told["accepted"], told["login_id"]) == ("handover_answered", True, "bo")
    kinds = company.events(parent)
    assert [(k, g) for k, g, _ in kinds] == [("session_share", True), ("session_share", True)]
    assert "invited bo" in kinds[0][2] and "bo accepted" in kinds[1][2]
    again = company.call("POST", f"/api/v1/handover/{child['handover_id']}/accept", watcher)
    assert again.status_code == 404  # answered once


def test_decline_ends_the_child_and_tells_the_inviter(company: Company) -> None:
    inviter, other = company.agent("cy"), company.agent("di")
    company.online("cy", inviter)
    company.online("di", other)
    parent = company.live_session(inviter)
    child = invite(company, inviter, parent, "transfer", "di").json()
    assert company.next_push("di")["kind"] == "transfer"
    stranger = company.call("POST", f"/api/v1/handover/{child['handover_id']}/decline", inviter)
    assert stranger.status_code == 404  # only the invited agent answers
    declined = company.call("POST", f"/api/v1/handover/{child['handover_id']}/decline", other)
    assert declined.status_code == 204
    assert company.state(child["handover_id"]) == "ended"
    told = company.next_push("cy")
    assert (told["type"], told["accepted"]) == ("handover_answered", False)
    assert company.events(parent)[-1][:2] == ("session_transfer", False)


def test_policy_off_is_403_with_the_option_named(company: Company) -> None:
    inviter = company.agent("ed", group="locked", session_share=False, session_transfer=False)
    colleague = company.agent("fay", group="locked")
    company.online("fay", colleague)
    parent = company.live_session(inviter)
    for kind, option in (("share", "session_share"), ("transfer", "session_transfer")):
        refused = invite(company, inviter, parent, kind, "fay")
        assert refused.status_code == 403 and option in refused.json()["detail"]
    assert company.call("GET", f"/api/v1/sessions/{parent}/handover/agents", inviter).status_code == 403


def test_another_company_is_404_and_a_logged_out_agent_is_refused(company: Company) -> None:
    inviter = company.agent("gus")
    company.agent("hal", company="co-other", group="elsewhere")
    offline = company.agent("ivy")
    company.call("POST", "/api/v1/auth/logout", offline)
    parent = company.live_session(inviter)
    foreign = invite(company, inviter, parent, "share", "hal")
    assert foreign.status_code == 404
    absent = invite(company, inviter, parent, "share", "ivy")
    assert absent.status_code == 409 and "not logged in" in absent.json()["detail"]
    listed = company.call("GET", f"/api/v1/sessions/{parent}/handover/agents", inviter).json()
    assert "ivy" not in {a["login_id"] for a in listed} and "hal" not in {a["login_id"] for a in listed}
    myself = invite(company, inviter, parent, "share", "gus")
    assert myself.status_code == 422


def test_a_session_that_is_not_live_or_not_yours_cannot_be_shared(company: Company) -> None:
    owner, other = company.agent("jo"), company.agent("kai")
    company.online("kai", other)
    waiting = str(company.call("POST", "/api/v1/sessions", owner).json()["session_id"])
    assert invite(company, owner, waiting, "share", "kai").status_code == 409
    parent = company.live_session(owner)
    assert invite(company, other, parent, "share", "jo").status_code == 404
