"""Session share end to end: the real server (with the handover routes), an in-process HostApp sharing a real
Xvfb screen, the inviting agent's ViewerWindow and a second agent's real ViewerSession.

What the customer's side shows: the second agent decodes the customer's screen only after the customer
agreed, while the first agent keeps control (its pointer moves reach the screen through XTEST, the watcher's
do not); refused when the customer refuses, when no grant names the agent (for a share or a transfer: the
transfer itself is in test_tool_transfer.py), and when the agent's options turn session_share off (no action
in the viewer; the server's 403 is in tests/integration/test_handover_api.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from host_module.tools.handover import HandoverTool
from input_injection.pointer import pointer_reader
from protocol.events import SessionLive
from protocol.messages import ControlGrant, HostInfo, PermissionDecision, PointerMove, ToolRequest, ToolResult
from protocol.session import Role
from server.models import SupportSession, User
from tests.e2e.test_host_consent import Recorder, wait_qt
from tests.e2e.tool_rig import LiveSession, answer_customer, tool_of
from tests.integration.push_socket import next_event
from tests.integration.test_handover_api import Company, company_at
from tests.xvfb import XvfbDisplay
from tools.server_process import RunningServer
from transport.link import LinkConfig, relay_url
from viewer.session import ENDING_EVENTS, DecodedFrame, ViewerSession
from viewer.tools.handover import ViewerHandover

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    with company_at(tmp_path_factory.mktemp("handover-e2e") / "data") as rig:
        yield rig


class Shared(LiveSession):
    """The customer's HostApp and the inviting agent's window on one live session (tests/e2e/tool_rig.py)."""

    def __init__(self, server: RunningServer, display: str, token: str, policy: dict[str, object] | None,
                 viewer_policy: dict[str, object] | None) -> None:
        super().__init__(server, display, policy=policy, viewer_policy=viewer_policy, grant_control=True, token=token)
        self.session_id = self.issued.session_id
        self.token = token

    @property
    def tool(self) -> ViewerHandover:
        return tool_of(self.window.tools, "handover", ViewerHandover)

    @property
    def host_tool(self) -> HandoverTool:
        return tool_of(self.app.tools, "handover", HandoverTool)

    def results(self) -> list[dict[str, Any]]:
        return [json.loads(e.body) for e in list(self.events.events) if isinstance(e, ToolResult)
                and e.tool == "handover"]


def share_session(qtbot: QtBot, server: RunningServer, display: str, token: str, *,
                  policy: dict[str, object] | None = None, viewer_policy: dict[str, object] | None = None) -> Shared:
    shared = Shared(server, display, token, policy, viewer_policy)
    shared.start(show=False)
    wait_qt(qtbot, lambda: shared.events.count(DecodedFrame) and shared.window.live)
    shared.tool.connect_server(server.url, shared.session_id, token, server.ssl_context())
    return shared


def choose(qtbot: QtBot, shared: Shared, login_id: str) -> None:
    """The agent clicks the share action and invites ``login_id`` in the dialog."""
    shared.tool.share_action.trigger()
    wait_qt(qtbot, lambda: shared.tool.dialog is not None and shared.tool.dialog.isVisible())
    dialog = shared.tool.dialog
    assert dialog is not None
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    row = next(i for i, text in enumerate(rows) if f"({login_id})" in text)
    dialog.list.setCurrentRow(row)
    QTest.mouseClick(dialog.invite_button, Qt.MouseButton.LeftButton)


def watcher_viewer(qtbot: QtBot, company: Company, login_id: str, token: str, recorder: Recorder) -> ViewerSession:
    """The invited agent accepts the pushed invitation and starts a viewer on the child session."""
    pushed = asyncio.run_coroutine_threadsafe(next_event(company.pushes[login_id], 20), company.loop)
    wait_qt(qtbot, pushed.done)  # the GUI thread keeps running: the inviting viewer works on it
    invited = pushed.result()
    assert invited["type"] == "handover_invited" and invited["kind"] == "share"
    accepted = company.call("POST", f"/api/v1/handover/{invited['handover_id']}/accept", token)
    assert accepted.status_code == 200, accepted.text
    server = company.server
    viewer = ViewerSession(LinkConfig(relay_url(server.url, invited["handover_id"], Role.VIEWER), token,
                                      Role.VIEWER, bytes.fromhex(accepted.json()["secret"]), server.ssl_context()),
                           recorder)
    viewer.start()
    return viewer


def test_a_colleague_watches_the_customers_screen_while_the_agent_keeps_control(
        company: Company, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    inviter, watcher_token = company.agent("ana"), company.agent("bo")
    company.online("bo", watcher_token)
    shared = share_session(qtbot, company.server, xvfb.name, inviter)
    watched = Recorder()
    watcher: ViewerSession | None = None
    try:
        shared.window.session.request_control()
        wait_qt(qtbot, lambda: shared.events.count(ControlGrant) and shared.events.count(HostInfo))
        choose(qtbot, shared, "bo")
        question = answer_customer(qtbot, shared.app, "Allow")
        assert "Agent bo (bo)" in question  # the customer is told whom they let watch
        watcher = watcher_viewer(qtbot, company, "bo", watcher_token, watched)
        wait_qt(qtbot, lambda: watched.count(DecodedFrame) >= 1)
        frame = next(e for e in list(watched.events) if isinstance(e, DecodedFrame))
        assert frame.image.shape[:2] == (1080, 1920)  # the customer's whole screen, decoded
        wait_qt(qtbot, lambda: shared.tool.watching == ["Agent bo (bo)"])
        assert "Agent bo (bo)" in shared.app.notice.state_label.text()  # the customer sees who watches
        read_pointer = pointer_reader(xvfb.name)
        watcher.send(PointerMove(1500, 900))  # a watcher only sees
        qtbot.wait(500)
        assert read_pointer() != (1500, 900)
        shared.window.session.send(PointerMove(321, 234))  # the agent in charge keeps control
        wait_qt(qtbot, lambda: tuple(read_pointer()) == (321, 234), timeout=10)
        link = next(iter(shared.host_tool.watchers))
        assert link.input_dropped >= 1 and link.frames_sent >= 1
        assert watched.count(SessionLive) == 1
        shared.app.end_now("ended by the customer")  # the watcher's link ends with the session
        wait_qt(qtbot, lambda: any(isinstance(e, ENDING_EVENTS) for e in list(watched.events)))
        assert shared.host_tool.watchers == {}
    finally:
        if watcher is not None:
            watcher.close()
        shared.close()


def test_share_is_refused_without_the_customers_yes(company: Company, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    inviter, other = company.agent("cy"), company.agent("di")
    company.online("di", other)
    shared = share_session(qtbot, company.server, xvfb.name, inviter)
    try:
        choose(qtbot, shared, "di")
        answer_customer(qtbot, shared.app, "Refuse")
        wait_qt(qtbot, lambda: any(isinstance(e, PermissionDecision) and not e.granted
                                   for e in list(shared.events.events)))
        qtbot.wait(300)
        assert shared.host_tool.watchers == {}  # nothing was opened
        assert company.db.run(lambda db: db.scalars(select(SupportSession.id).join(
            User, User.id == SupportSession.agent_id).where(User.login_id == "di")).all()) == []  # no child made
        forged = json.dumps({"kind": "share", "session_id": "ab" * 16, "host_token": "t", "secret": "00" * 32,
                             "agent": "Agent di (di)"})
        shared.window.session.send(ToolRequest(90, "handover", forged))  # no grant names this agent
        shared.window.session.send(ToolRequest(91, "handover", forged.replace('"share"', '"transfer"')))
        wait_qt(qtbot, lambda: len(shared.results()) >= 2)
        states = {r["state"]: r["reason"] for r in shared.results()}
        assert list(states) == ["refused"]
        reasons = [r["reason"] for r in shared.results()]
        assert "has not agreed to let" in reasons[0] and "has not agreed to hand the session over" in reasons[1]
        assert shared.host_tool.watchers == {}
    finally:
        shared.close()


def test_no_share_action_when_the_policy_turns_it_off(company: Company, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    inviter = company.agent("ed")
    shared = share_session(qtbot, company.server, xvfb.name, inviter, viewer_policy={"session_share": False})
    try:
        assert shared.tool.share_action not in shared.window.toolbar.actions()
    finally:
        shared.close()
