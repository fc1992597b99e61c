"""The viewer's actions with a stub session: what is on the toolbar, what is asked first, what is sent."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from protocol.events import SessionLive
from protocol.messages import ClipboardData, Message, PermissionDecision, PermissionRequest, ToolRequest, ToolResult
from viewer.policy import ViewerPolicy
from viewer.tools.actions import ViewerActions
from viewer.window import ViewerWindow

OPTIONS = ("clipboard", "send_url", "send_ctrl_alt_del", "system_info", "process_info")


class StubSession:
    """Takes what the window sends; no network."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def request_control(self) -> None:
        pass

    def end(self, reason: str) -> None:
        pass

    def add_packet_listener(self, listener: Callable[[object], None]) -> None:
        pass

    def remove_packet_listener(self, listener: Callable[[object], None]) -> None:
        pass


def live_window(qtbot: QtBot, options: dict[str, object] | None = None) -> tuple[ViewerWindow, StubSession,
                                                                                ViewerActions]:
    session = StubSession()
    window = ViewerWindow(session, policy=ViewerPolicy(options))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.deliver(SessionLive())
    qtbot.waitUntil(lambda: window.live)
    actions = window.tools["actions"]
    assert isinstance(actions, ViewerActions)
    return window, session, actions


def answer(window: ViewerWindow, qtbot: QtBot, request: PermissionRequest, granted: bool, reason: str = "") -> None:
    handled: list[PermissionDecision] = []
    window.on_message(PermissionDecision, handled.append)
    window.deliver(PermissionDecision(request.request_id, request.kind, granted, reason))
    qtbot.waitUntil(lambda: bool(handled))


def last(session: StubSession, kind: type) -> object:
    return [m for m in session.sent if isinstance(m, kind)][-1]


def test_the_actions_are_on_the_toolbar_only_when_the_options_allow_them(qtbot: QtBot) -> None:
    window, _session, actions = live_window(qtbot, {key: False for key in OPTIONS})
    mine = {actions.send_clipboard_action, actions.get_clipboard_action, actions.url_action,
            actions.ctrl_alt_del_action, actions.system_info_action, actions.processes_action}
    assert mine.isdisjoint(window.toolbar.actions())
    window, _session, actions = live_window(qtbot)
    assert {actions.send_clipboard_action, actions.processes_action} <= set(window.toolbar.actions())
    assert actions.send_clipboard_action.isEnabled()


@pytest.mark.parametrize("granted", [True, False])
def test_the_first_clipboard_exchange_asks_the_customer(qtbot: QtBot, granted: bool) -> None:
    window, session, actions = live_window(qtbot)
    QGuiApplication.clipboard().setText("for the customer")
    actions.send_clipboard_action.trigger()
    request = last(session, PermissionRequest)
    assert isinstance(request, PermissionRequest) and request.kind == "clipboard"
    assert not any(isinstance(m, ClipboardData) for m in session.sent)  # nothing before the answer
    answer(window, qtbot, request, granted, "the customer refused")
    sent = [m for m in session.sent if isinstance(m, ClipboardData)]
    if granted:
        assert sent == [ClipboardData("text/plain", b"for the customer")]
        actions.get_clipboard_action.trigger()  # granted once: not asked again
        assert isinstance(session.sent[-1], ToolRequest) and session.sent[-1].tool == "clipboard_get"
    else:
        assert sent == [] and "the customer refused" in window.statusBar().currentMessage()


def test_ending_a_process_asks_for_exactly_that_process_then_names_the_grant(qtbot: QtBot) -> None:
    window, session, actions = live_window(qtbot)
    actions.end_process(4242, "sleep")
    request = last(session, PermissionRequest)
    assert isinstance(request, PermissionRequest)
    assert (request.kind, request.detail) == ("process_end", "sleep (pid 4242)")
    answer(window, qtbot, request, True)
    tool = last(session, ToolRequest)
    assert isinstance(tool, ToolRequest) and tool.tool == "process_end"
    assert json.loads(tool.argument) == {"pid": 4242, "permission": request.request_id}


def test_a_refused_ctrl_alt_del_is_said_in_the_status_bar(qtbot: QtBot) -> None:
    window, session, actions = live_window(qtbot)
    actions.ctrl_alt_del_action.trigger()
    request = last(session, ToolRequest)
    assert isinstance(request, ToolRequest)
    reason = "Ctrl+Alt+Del is not available on this system"
    window.deliver(ToolResult(request.request_id, "ctrl_alt_del", False, reason))
    qtbot.waitUntil(lambda: "not available on this system" in window.statusBar().currentMessage())


def test_system_information_is_asked_once_then_shown(qtbot: QtBot) -> None:
    window, session, actions = live_window(qtbot)
    actions.system_info_action.trigger()
    request = last(session, PermissionRequest)
    assert isinstance(request, PermissionRequest) and request.kind == "system_info"
    answer(window, qtbot, request, True)
    tool = last(session, ToolRequest)
    assert isinstance(tool, ToolRequest) and tool.tool == "system_info"
    window.deliver(ToolResult(tool.request_id, "system_info", True, json.dumps({"os": {"name": "Test OS 1"}})))
    qtbot.waitUntil(lambda: actions.info_dialog is not None)
    assert actions.info_dialog is not None and actions.info_dialog.info["os"]["name"] == "Test OS 1"
    count = len(session.sent)
    actions.system_info_action.trigger()
    assert len(session.sent) == count + 1 and isinstance(session.sent[-1], ToolRequest)
