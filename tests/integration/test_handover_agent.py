"""The invited agent's side of session share (agent.handover): the real server pushes the invitation over
/ws/agent to a real PushListener; the agent accepts in the box (the viewer is started for the child session
with the server's secret) or declines (the server ends the child and tells the inviter)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from agent.api import ServerClient
from agent.background import BackgroundRunner
from agent.config import TlsConfig
from agent.handover import HandoverDesk
from agent.launcher import ViewerRequest
from agent.push import PushEvent, PushListener
from tests.integration.test_handover_api import PASSWORD, Company, company_at
from ui.bridge import EventBridge

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    with company_at(tmp_path_factory.mktemp("handover-agent") / "data") as rig:
        yield rig


class AgentApp:
    """The invited agent's login, push listener and handover desk (the launcher is the seam: recorded)."""

    def __init__(self, company: Company, login_id: str) -> None:
        server = company.server
        self.client = ServerClient(server.url, TlsConfig(fingerprint=server.fingerprint))
        self.login = self.client.login(login_id, PASSWORD)
        self.runner = BackgroundRunner()
        self.launched: list[ViewerRequest] = []
        self.desk = HandoverDesk(self.client, self.runner, self.login, self.launched.append)
        self.told: list[str] = []
        self.desk.told.connect(self.told.append)
        self.bridge = EventBridge()
        self.bridge.connect_handler(self._on_posted)
        self.connected = False
        self.listener = PushListener(server.url, self.login.token, server.ssl_context,
                                     on_push=self.bridge.post, on_status=self.bridge.post)

    def _on_posted(self, event: object) -> None:
        if isinstance(event, PushEvent):
            self.desk.on_push(event)
        else:
            self.connected = bool(getattr(event, "connected", False))

    def connect(self, qtbot: QtBot) -> None:
        """Start listening for pushes and wait until the server's socket is open."""
        self.listener.start()
        qtbot.waitUntil(lambda: self.connected, timeout=10000)

    def close(self) -> None:
        self.listener.stop()
        self.runner.wait()
        self.client.close()


def click(box: QMessageBox, text: str) -> None:
    QTest.mouseClick(next(b for b in box.buttons() if b.text() == text), Qt.MouseButton.LeftButton)


def invited_box(qtbot: QtBot, company: Company, inviter: str, app: AgentApp, kind: str) -> tuple[str, QMessageBox]:
    parent = company.live_session(inviter)
    created = company.call("POST", f"/api/v1/sessions/{parent}/handover", inviter,
                           json={"kind": kind, "login_id": app.login.agent.login_id})
    assert created.status_code == 201, created.text
    handover_id = str(created.json()["handover_id"])
    qtbot.waitUntil(lambda: handover_id in app.desk.boxes, timeout=10000)
    return handover_id, app.desk.boxes[handover_id]


def test_accepting_starts_a_viewer_for_the_child_session(company: Company, qtbot: QtBot) -> None:
    inviter = company.agent("lea")
    company.agent("max")
    app = AgentApp(company, "max")
    try:
        app.connect(qtbot)
        handover_id, box = invited_box(qtbot, company, inviter, app, "share")
        assert "Agent lea" in box.text() and "CUSTOMER-PC" in box.text() and "watch" in box.text()
        click(box, "Accept")
        qtbot.waitUntil(lambda: bool(app.launched), timeout=10000)
        request = app.launched[0]
        assert request.session_id == handover_id and request.token == app.login.token
        assert len(bytes.fromhex(request.secret)) == 32
        assert request.policy["mouse_control"] is False and request.policy["file_transfer"] is False
        assert company.state(handover_id) == "joined"
    finally:
        app.close()


def test_declining_ends_the_child_and_the_inviter_is_told(company: Company, qtbot: QtBot) -> None:
    inviter = company.agent("ned")
    company.online("ned", inviter)
    company.agent("ola")
    app = AgentApp(company, "ola")
    try:
        app.connect(qtbot)
        handover_id, box = invited_box(qtbot, company, inviter, app, "transfer")
        assert "hand you" in box.text()
        click(box, "Decline")
        qtbot.waitUntil(lambda: company.state(handover_id) == "ended", timeout=10000)
        qtbot.waitUntil(lambda: bool(app.told), timeout=10000)  # the server's answer reaches the GUI thread after
        assert app.launched == [] and app.told == ["You declined the invitation."]
        told = company.next_push("ned")
        assert (told["type"], told["accepted"], told["login_id"]) == ("handover_answered", False, "ola")
    finally:
        app.close()
