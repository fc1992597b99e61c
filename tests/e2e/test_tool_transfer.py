"""Session transfer end to end: the real server (with the handover routes), an in-process HostApp sharing a real
Xvfb screen, the inviting agent's ViewerWindow and a second agent's real ViewerSession on the child session.

What the customer's side shows: after the customer agreed, the new agent decodes the customer's screen and,
once granted control, moves the customer's pointer (XTEST, read back from the X server); the old agent's link
ends with "the session was handed to …" and their input reaches nothing; the notice window and the customer's
boxes name the new agent. Refused when the customer refuses (nothing changes), when no grant names the agent,
and when the agent's options turn session_transfer off (no action in the viewer; the server's 403 is in
tests/integration/test_handover_api.py). With transfer_auto_accept the customer is not asked, and an area the
customer blinded before stays black from the new agent's first frame on. A transfer whose new agent declines
fails and the session simply goes on with the old agent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from host_module.session import HostSession
from input_injection.pointer import pointer_reader
from protocol.events import SessionLive
from protocol.messages import (
    ControlGrant,
    KeyframeRequest,
    PermissionDecision,
    PermissionRequest,
    PointerMove,
    ToolRequest,
)
from protocol.session import Role
from server.models import SupportSession, User
from tests.e2e.test_host_consent import Recorder, wait_qt
from tests.e2e.test_tool_handover import Shared, share_session
from tests.e2e.tool_rig import answer_customer
from tests.integration.push_socket import next_event
from tests.integration.test_handover_api import Company, company_at
from tests.xvfb import XvfbDisplay
from tools.harness import Child
from transport.link import LinkConfig, relay_url
from viewer.session import ENDING_EVENTS, DecodedFrame, ViewerSession

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    with company_at(tmp_path_factory.mktemp("transfer-e2e") / "data") as rig:
        yield rig


def choose(qtbot: QtBot, shared: Shared, login_id: str) -> None:
    """The agent clicks "Hand the session over…" and picks ``login_id`` in the dialog."""
    shared.tool.transfer_action.trigger()
    wait_qt(qtbot, lambda: shared.tool.dialog is not None and shared.tool.dialog.isVisible())
    dialog = shared.tool.dialog
    assert dialog is not None and dialog.kind == "transfer"
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    dialog.list.setCurrentRow(next(i for i, text in enumerate(rows) if f"({login_id})" in text))
    QTest.mouseClick(dialog.invite_button, Qt.MouseButton.LeftButton)


def invitation(qtbot: QtBot, company: Company, login_id: str) -> dict[str, object]:
    """The pushed invitation ``login_id``'s agent app gets."""
    pushed = asyncio.run_coroutine_threadsafe(next_event(company.pushes[login_id], 20), company.loop)
    wait_qt(qtbot, pushed.done)  # the GUI thread keeps running: the HostApp and the inviting viewer work on it
    invited = dict(pushed.result())
    assert invited["type"] == "handover_invited" and invited["kind"] == "transfer"
    return invited


def take_over(qtbot: QtBot, company: Company, login_id: str, token: str, recorder: Recorder) -> ViewerSession:
    """The invited agent accepts and starts a viewer on the child session (as agent/handover.py does)."""
    handover_id = invitation(qtbot, company, login_id)["handover_id"]
    accepted = company.call("POST", f"/api/v1/handover/{handover_id}/accept", token)
    assert accepted.status_code == 200, accepted.text
    server = company.server
    viewer = ViewerSession(LinkConfig(relay_url(server.url, str(handover_id), Role.VIEWER), token, Role.VIEWER,
                                      bytes.fromhex(accepted.json()["secret"]), server.ssl_context()), recorder)
    viewer.start()
    return viewer


def ended_reason(recorder: Recorder) -> str | None:
    ended = [e for e in list(recorder.events) if isinstance(e, ENDING_EVENTS)]
    return str(ended[0].reason) if ended else None


def fresh_frame(qtbot: QtBot, shared: Shared) -> DecodedFrame:
    """A frame of the customer's screen as it is now (the first agent asks for a keyframe)."""
    before = shared.events.count(DecodedFrame)
    shared.window.session.send(KeyframeRequest())
    wait_qt(qtbot, lambda: shared.events.count(DecodedFrame) > before, timeout=5)
    return [e for e in list(shared.events.events) if isinstance(e, DecodedFrame)][-1]


def brightness(frame: DecodedFrame, area: tuple[int, int, int, int]) -> float:
    """The mean of the colour channels over ``area`` (x, y, width, height) of the decoded picture."""
    x, y, width, height = area
    return float(frame.image[y:y + height, x:x + width, :3].mean())


def handover_states(shared: Shared) -> list[tuple[str, str]]:
    return [(r["state"], r["reason"]) for r in shared.results()]


def test_the_new_agent_takes_over_and_the_old_one_reaches_nothing(
        company: Company, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    old_token, new_token = company.agent("tana"), company.agent("tobi")
    company.online("tobi", new_token)
    shared = share_session(qtbot, company.server, xvfb.name, old_token)
    new_events = Recorder()
    viewer: ViewerSession | None = None
    read_pointer = pointer_reader(xvfb.name)
    try:
        old_session = shared.app.session
        shared.window.session.request_control()
        wait_qt(qtbot, lambda: shared.events.count(ControlGrant))
        shared.window.session.send(PointerMove(111, 222))
        wait_qt(qtbot, lambda: tuple(read_pointer()) == (111, 222), timeout=10)
        choose(qtbot, shared, "tobi")
        question = answer_customer(qtbot, shared.app, "Allow")
        assert "hand this session over to Agent tobi (tobi)" in question
        viewer = take_over(qtbot, company, "tobi", new_token, new_events)
        wait_qt(qtbot, lambda: new_events.count(DecodedFrame) >= 1)
        frame = next(e for e in list(new_events.events) if isinstance(e, DecodedFrame))
        assert frame.image.shape[:2] == (1080, 1920)  # the customer's whole screen, starting at a keyframe
        wait_qt(qtbot, lambda: ended_reason(shared.events) is not None)
        assert ended_reason(shared.events) == "the session was handed to Agent tobi (tobi)"
        assert new_events.count(SessionLive) == 1 and ended_reason(new_events) is None
        assert shared.app.session is not old_session and shared.app.ended_reason is None
        assert "Agent tobi (tobi)" in shared.app.notice.agent_label.text()  # the customer sees who helps now
        assert not old_session.gate.granted and not old_session.live
        frames_before = new_events.count(DecodedFrame)
        viewer.request_control()  # control as the policy says: the customer is asked (the test says yes)
        wait_qt(qtbot, lambda: new_events.count(ControlGrant))
        wait_qt(qtbot, shared.app.notice.revoke_button.isEnabled)  # the customer sees the new grant
        viewer.send(PointerMove(654, 321))
        wait_qt(qtbot, lambda: tuple(read_pointer()) == (654, 321), timeout=10)
        shared.window.session.send(PointerMove(5, 5))  # the old agent's viewer: its session is over
        old_session._on_link_event(PointerMove(6, 6))  # even a late message on the old link reaches nothing
        qtbot.wait(400)
        assert tuple(read_pointer()) == (654, 321)
        viewer.send(KeyframeRequest())  # the one pump goes on, now for the new agent
        wait_qt(qtbot, lambda: new_events.count(DecodedFrame) > frames_before)
        assert shared.app.session.pump is old_session.pump
        viewer.send(PermissionRequest(7, "system_info", ""))
        question = answer_customer(qtbot, shared.app, "Refuse")
        assert question.startswith("Agent tobi (tobi) wants")  # the customer's boxes name the new agent
    finally:
        if viewer is not None:
            viewer.close()
        shared.close()


def test_transfer_is_refused_without_the_customers_yes_and_fails_when_the_agent_declines(
        company: Company, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    old_token, new_token = company.agent("umi"), company.agent("vic")
    company.online("vic", new_token)
    shared = share_session(qtbot, company.server, xvfb.name, old_token)
    read_pointer = pointer_reader(xvfb.name)
    try:
        session = shared.app.session
        choose(qtbot, shared, "vic")
        answer_customer(qtbot, shared.app, "Refuse")
        wait_qt(qtbot, lambda: any(isinstance(e, PermissionDecision) and not e.granted
                                   for e in list(shared.events.events)))
        assert company.db.run(lambda db: db.scalars(select(SupportSession.id).join(
            User, User.id == SupportSession.agent_id).where(User.login_id == "vic")).all()) == []  # no child made
        forged = json.dumps({"kind": "transfer", "session_id": "cd" * 16, "host_token": "t", "secret": "00" * 32,
                             "agent": "Agent vic (vic)"})
        shared.window.session.send(ToolRequest(90, "handover", forged))  # no grant names this agent
        wait_qt(qtbot, lambda: handover_states(shared))
        state, reason = handover_states(shared)[0]
        assert state == "refused" and "has not agreed to hand the session over to Agent vic (vic)" in reason
        assert shared.app.session is session and session.live  # nothing changed
        choose(qtbot, shared, "vic")  # again: the customer agrees, but the colleague declines
        answer_customer(qtbot, shared.app, "Allow")
        handover_id = invitation(qtbot, company, "vic")["handover_id"]
        assert company.call("POST", f"/api/v1/handover/{handover_id}/decline", new_token).status_code == 204
        wait_qt(qtbot, lambda: any(s == "failed" for s, _r in handover_states(shared)))
        assert shared.app.session is session and session.live and ended_reason(shared.events) is None
        shared.window.session.request_control()  # the session simply goes on with the old agent
        wait_qt(qtbot, lambda: shared.events.count(ControlGrant))
        shared.window.session.send(PointerMove(432, 123))
        wait_qt(qtbot, lambda: tuple(read_pointer()) == (432, 123), timeout=10)
    finally:
        shared.close()


def test_transfer_auto_accept_does_not_ask_the_customer(company: Company, xvfb: XvfbDisplay, probe: Child,
                                                        qtbot: QtBot) -> None:
    old_token, new_token = company.agent("wen"), company.agent("xia")
    company.online("xia", new_token)
    shared = share_session(qtbot, company.server, xvfb.name, old_token, policy={"transfer_auto_accept": True})
    new_events = Recorder()
    viewer: ViewerSession | None = None
    try:
        panel = next(json.loads(line)["panel"] for line in probe.seen if '"ready"' in line)
        area = (panel["x"] + 40, panel["y"] + 40, 200, 150)  # part of a red panel on the customer's screen
        probe.write("color 220 30 30")
        wait_qt(qtbot, lambda: brightness(fresh_frame(qtbot, shared), area) > 40)
        shared.app.blinder_set.add_rect(area)  # the customer hides it before the transfer
        wait_qt(qtbot, lambda: brightness(fresh_frame(qtbot, shared), area) < 8)
        choose(qtbot, shared, "xia")
        viewer = take_over(qtbot, company, "xia", new_token, new_events)  # no box was answered on the way
        wait_qt(qtbot, lambda: new_events.count(DecodedFrame) >= 1)
        wait_qt(qtbot, lambda: ended_reason(shared.events) == "the session was handed to Agent xia (xia)")
        viewer.send(KeyframeRequest())
        wait_qt(qtbot, lambda: new_events.count(DecodedFrame) >= 2)
        frames = [e for e in list(new_events.events) if isinstance(e, DecodedFrame)]
        assert max(brightness(frame, area) for frame in frames) < 8  # blinded from the new agent's first frame
        assert not shared.app._boxes
        transfer_grants = [e for e in shared.app.grants.entries if e["kind"] == "session_transfer"]
        assert [(e["granted"], e["by"]) for e in transfer_grants] == [(True, "policy")]
        assert isinstance(shared.app.session, HostSession) and shared.app.session.live
    finally:
        if viewer is not None:
            viewer.close()
        shared.close()


def test_no_transfer_action_when_the_policy_turns_it_off(company: Company, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    shared = share_session(qtbot, company.server, xvfb.name, company.agent("yul"),
                           viewer_policy={"session_transfer": False})
    try:
        actions = shared.window.toolbar.actions()
        assert shared.tool.transfer_action not in actions and shared.tool.share_action in actions
    finally:
        shared.close()
