"""The agent app against the real server: login, codes, pushes, viewer processes.

The customer side is played with plain requests (POST /api/v1/sessions/join, as the host module
does); the viewer is replaced by FAKE_VIEWER, which records its arguments and environment and
exits when the test writes an exit status into its release file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.api import LoginResult, ServerClient
from agent.app import AgentController
from agent.background import BackgroundRunner
from agent.config import TlsConfig
from agent.events import EventLog
from agent.launcher import ViewerLauncher
from agent.login_dialog import LoginDialog
from agent.model import AgentState, SessionState
from tests.integration import server_fixture
from tests.integration.server_fixture import RunningServer

pytestmark = pytest.mark.integration
ferry_server = server_fixture.ferry_server
ferry_server_factory = server_fixture.ferry_server_factory
WAIT_MS = 20_000

FAKE_VIEWER = r"""
import json, os, sys, time
out = sys.argv[1]
with open(out + ".part", "w") as f:
    json.dump({"argv": sys.argv[2:], "token": os.environ.get("FERRY_TOKEN"),
               "secret": os.environ.get("FERRY_SESSION_SECRET"),
               "password": os.environ.get("FERRY_SESSION_PASSWORD"), "pid": os.getpid(),
               "policy": os.environ.get("FERRY_VIEWER_POLICY")}, f)
os.replace(out + ".part", out)
release = out + ".release"
deadline = time.monotonic() + 60
while not os.path.exists(release) and time.monotonic() < deadline:
    time.sleep(0.05)
sys.exit(int(open(release).read() or 0) if os.path.exists(release) else 9)
"""


class FakeViewers:
    """Command line for FAKE_VIEWER plus helpers to read what it saw and to let it exit."""

    def __init__(self, folder: Path) -> None:
        self.out = folder / "viewer.json"
        self.command = [sys.executable, "-c", FAKE_VIEWER, str(self.out)]

    def seen(self) -> dict[str, Any]:
        return json.loads(self.out.read_text())

    def release(self, status: int = 0) -> None:
        Path(str(self.out) + ".release").write_text(str(status))

    def reset(self) -> None:
        for path in (self.out, Path(str(self.out) + ".release")):
            path.unlink(missing_ok=True)


def _client(server: RunningServer) -> ServerClient:
    return ServerClient(server.url, TlsConfig(fingerprint=server.fingerprint))


def _join(server: RunningServer, code: str) -> dict[str, Any]:
    """What the host module does with the code the customer typed."""
    with server.session() as http:
        answer = http.post(server.api("/api/v1/sessions/join"), timeout=10,
                           json={"code": code, "pc_name": "CUSTOMER-PC", "os": "Linux test"})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


class Recorder:
    """Collects EventLog lines."""

    def __init__(self, events: EventLog) -> None:
        self.lines: list[dict[str, Any]] = []
        events.emitted.connect(self.lines.append)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line["event"] == name]


Agent = tuple[AgentController, Recorder]


@pytest.fixture()
def viewers(tmp_path: Path) -> FakeViewers:
    return FakeViewers(tmp_path)


@pytest.fixture()
def agent(qtbot, ferry_server: RunningServer, viewers: FakeViewers) -> Iterator[Agent]:
    """A logged-in controller with its window, not yet started; shut down afterwards."""
    client = _client(ferry_server)
    login: LoginResult = client.login(ferry_server.login_id, ferry_server.password)
    events = EventLog()
    recorder = Recorder(events)
    runner = BackgroundRunner()
    launcher = ViewerLauncher(command=viewers.command)
    controller = AgentController(client, login, events, launcher, runner)
    qtbot.addWidget(controller.window)
    yield controller, recorder
    controller.shutdown()


def _wait_for_event(qtbot, recorder: Recorder, name: str, count: int = 1) -> dict[str, Any]:
    qtbot.waitUntil(lambda: len(recorder.named(name)) >= count, timeout=WAIT_MS)
    return recorder.named(name)[count - 1]


def _issue_code(qtbot, controller: AgentController, recorder: Recorder) -> dict[str, Any]:
    """Click "New connection code" and wait until the window shows it."""
    before = len(recorder.named("code"))
    qtbot.mouseClick(controller.window.code_panel.new_button, _left())
    line = _wait_for_event(qtbot, recorder, "code", before + 1)
    return line


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def _row_state(controller: AgentController, session_id: str) -> str:
    table = controller.window.sessions
    for row in range(table.rowCount()):
        if table.item(row, 0).toolTip() == session_id:
            return table.item(row, 1).text()
    return ""


def test_login_dialog_logs_in(qtbot, ferry_server: RunningServer) -> None:
    runner = BackgroundRunner()
    dialog = LoginDialog(lambda url: ServerClient(url, TlsConfig(fingerprint=ferry_server.fingerprint)),
                         runner, ferry_server.url)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.id_edit, ferry_server.login_id)
    qtbot.keyClicks(dialog.password_edit, ferry_server.password)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.login_button, _left())
    assert dialog.login is not None and dialog.login.agent.login_id == ferry_server.login_id
    assert dialog.login.agent.name and dialog.login.token
    assert dialog.client is not None
    dialog.client.logout()
    dialog.client.close()


def test_login_dialog_shows_the_servers_sentence(qtbot, ferry_server: RunningServer) -> None:
    with ferry_server.session() as http:
        expected = http.post(ferry_server.api("/api/v1/auth/login"), timeout=10,
                             json={"login_id": ferry_server.login_id, "password": "wrong-password-1"}).json()
    runner = BackgroundRunner()
    dialog = LoginDialog(lambda url: ServerClient(url, TlsConfig(fingerprint=ferry_server.fingerprint)),
                         runner, ferry_server.url, login_id=ferry_server.login_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.fill(ferry_server.login_id, "wrong-password-2")
    with qtbot.waitSignal(dialog.login_failed, timeout=WAIT_MS) as failed:
        dialog.submit()
    assert failed.args == [expected["detail"]]
    assert dialog.status_label.text() == expected["detail"]
    assert dialog.isVisible() and dialog.login is None
    assert dialog.login_button.isEnabled()
    # a right password afterwards still works (and clears the failure count on the server)
    dialog.fill(ferry_server.login_id, ferry_server.password)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.submit()
    assert dialog.client is not None
    dialog.client.logout()


def test_login_dialog_refuses_a_wrong_pin(qtbot, ferry_server: RunningServer) -> None:
    runner = BackgroundRunner()
    dialog = LoginDialog(lambda url: ServerClient(url, TlsConfig(fingerprint="00" * 32)),
                         runner, ferry_server.url)
    qtbot.addWidget(dialog)
    dialog.fill(ferry_server.login_id, ferry_server.password)
    with qtbot.waitSignal(dialog.login_failed, timeout=WAIT_MS) as failed:
        dialog.submit()
    assert "does not match the pinned one" in failed.args[0]


def test_code_is_shown_with_a_countdown(qtbot, agent: Agent) -> None:
    controller, recorder = agent
    controller.start()
    line = _issue_code(qtbot, controller, recorder)
    panel = controller.window.code_panel
    assert re.fullmatch(r"\d{6}", line["code"])
    assert panel.code_label.code() == line["code"]
    assert panel.code_label.text() == f"{line['code'][:3]} {line['code'][3:]}"
    assert panel.url_label.text() == line["connect_url"] and line["connect_url"].startswith("https://")
    assert re.fullmatch(r"Expires in \d\d:\d\d", panel.countdown.text())
    first = panel.countdown.text()
    qtbot.waitUntil(lambda: panel.countdown.text() != first, timeout=3000)  # it ticks
    assert _row_state(controller, line["session_id"]) == "Waiting for customer"
    assert controller.state is AgentState.VIEWER_WAITING
    assert controller.window.state_label.text() == "Viewer waiting"


def test_customer_joining_launches_the_viewer_and_its_exit_resets(
        qtbot, agent: Agent, ferry_server: RunningServer, viewers: FakeViewers,
) -> None:
    controller, recorder = agent
    controller.start()
    _wait_for_event(qtbot, recorder, "push_connected")
    code = _issue_code(qtbot, controller, recorder)
    sid = code["session_id"]
    joined = _join(ferry_server, code["code"])
    assert joined["session_id"] == sid

    assert _wait_for_event(qtbot, recorder, "customer_joined")["pc_name"] == "CUSTOMER-PC"
    started = _wait_for_event(qtbot, recorder, "viewer_started")
    qtbot.waitUntil(viewers.out.exists, timeout=WAIT_MS)
    seen = viewers.seen()
    assert seen["argv"] == ["--server", ferry_server.url, "--fingerprint", ferry_server.fingerprint,
                            "--session", sid]
    assert seen["token"] == controller._login.token
    assert seen["secret"] == joined["secret"]  # the same secret the host got
    assert seen["password"] is None  # the demo group uses no session password
    assert json.loads(seen["policy"]) == controller._login.options  # the viewer follows the agent's options
    assert started["pid"] == seen["pid"]
    assert controller.state is AgentState.IN_SESSION
    assert controller.window.state_label.text() == "In session"
    assert _row_state(controller, sid) == "In session"
    assert controller.window.code_panel.countdown.text() == "Code used by the customer"

    viewers.release(0)
    exited = _wait_for_event(qtbot, recorder, "viewer_exited")
    assert (exited["session_id"], exited["code"], exited["crashed"]) == (sid, 0, False)
    assert controller.state is AgentState.AGENT_WAITING  # no code out any more
    assert controller.window.state_label.text() == "Agent waiting"
    assert _row_state(controller, sid) == "Ended"
    assert [line["state"] for line in recorder.named("state")] == ["viewer_waiting", "in_session", "agent_waiting"]


def test_a_crashing_viewer_returns_the_agent_to_waiting(
        qtbot, agent: Agent, ferry_server: RunningServer, viewers: FakeViewers,
) -> None:
    controller, recorder = agent
    controller.start()
    _wait_for_event(qtbot, recorder, "push_connected")
    code = _issue_code(qtbot, controller, recorder)
    _join(ferry_server, code["code"])
    _wait_for_event(qtbot, recorder, "viewer_started")
    qtbot.waitUntil(viewers.out.exists, timeout=WAIT_MS)
    os.kill(viewers.seen()["pid"], signal.SIGKILL)
    exited = _wait_for_event(qtbot, recorder, "viewer_exited")
    assert exited["crashed"] is True
    assert controller.state is AgentState.AGENT_WAITING
    assert _row_state(controller, code["session_id"]) == "Viewer crashed"
    assert controller.book.get(code["session_id"]).state is SessionState.CRASHED  # type: ignore[union-attr]


def test_a_join_while_not_listening_is_found_on_connect(
        qtbot, agent: Agent, ferry_server: RunningServer, viewers: FakeViewers,
) -> None:
    controller, recorder = agent
    controller.request_code()  # before start(): no push connection yet
    code = _wait_for_event(qtbot, recorder, "code")
    _join(ferry_server, code["code"])  # the push goes nowhere
    controller.start()
    _wait_for_event(qtbot, recorder, "push_connected")
    assert _wait_for_event(qtbot, recorder, "customer_joined")["session_id"] == code["session_id"]
    _wait_for_event(qtbot, recorder, "viewer_started")
    viewers.release(0)
    _wait_for_event(qtbot, recorder, "viewer_exited")
    assert controller.state is AgentState.AGENT_WAITING


def test_shutdown_ends_a_running_viewer(
        qtbot, agent: Agent, ferry_server: RunningServer, viewers: FakeViewers,
) -> None:
    controller, recorder = agent
    controller.start()
    _wait_for_event(qtbot, recorder, "push_connected")
    code = _issue_code(qtbot, controller, recorder)
    _join(ferry_server, code["code"])
    _wait_for_event(qtbot, recorder, "viewer_started")
    controller.shutdown()
    exited = _wait_for_event(qtbot, recorder, "viewer_exited")
    assert exited["crashed"] is True  # terminated by SIGTERM
    controller.shutdown()  # idempotent


def test_the_countdown_shows_expiry(qtbot, ferry_server_factory, viewers: FakeViewers) -> None:
    server = ferry_server_factory(env={"FERRY_CODE_TTL_S": "2"})
    client = _client(server)
    login = client.login(server.login_id, server.password)
    events = EventLog()
    recorder = Recorder(events)
    launcher = ViewerLauncher(command=viewers.command)
    controller = AgentController(client, login, events, launcher, BackgroundRunner())
    qtbot.addWidget(controller.window)
    try:
        controller.start()
        code = _issue_code(qtbot, controller, recorder)
        countdown = controller.window.code_panel.countdown
        assert re.fullmatch(r"Expires in 00:0[0-2]", countdown.text())
        qtbot.waitUntil(lambda: countdown.text() == "Expired", timeout=5000)
        qtbot.waitUntil(lambda: _row_state(controller, code["session_id"]) == "Expired", timeout=3000)
    finally:
        controller.shutdown()


def test_the_session_password_shown_goes_to_the_viewer(
        qtbot, ferry_server: RunningServer, viewers: FakeViewers) -> None:
    client = _client(ferry_server)
    login = client.login(ferry_server.login_id, ferry_server.password)
    login = dataclasses.replace(login, options={**login.options, "session_password": True,
                                                "session_password_mode": "fixed", "session_password_value": "4321"})
    events = EventLog()
    recorder = Recorder(events)
    controller = AgentController(client, login, events, ViewerLauncher(command=viewers.command), BackgroundRunner())
    qtbot.addWidget(controller.window)
    try:
        controller.start()
        _wait_for_event(qtbot, recorder, "push_connected")
        code = _issue_code(qtbot, controller, recorder)
        _join(ferry_server, code["code"])
        qtbot.waitUntil(viewers.out.exists, timeout=WAIT_MS)
        assert viewers.seen()["password"] == "4321"  # the viewer mixes it into the session secret
        viewers.release(0)
        _wait_for_event(qtbot, recorder, "viewer_exited")
    finally:
        controller.shutdown()
