"""The host refuses the agent's actions when the policy or the customer says no — whatever the viewer sends.

The HostApp runs in-process (tests/e2e/test_host_consent.py ``customer_side``) so the test answers the
customer's boxes; the viewer is a real ViewerSession sending what a viewer (or a modified one) would.
Effects are checked where they would happen: the URL opener, a ``sleep`` process, the clipboard.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from protocol.messages import ClipboardData, ControlGrant, PermissionRequest, ToolRequest, ToolResult
from tests.e2e.test_host_consent import CustomerSide, wait_qt
from tests.e2e.test_host_permissions import button, decisions, live_side
from tests.xvfb import XvfbDisplay
from tools.server_process import RunningServer

pytestmark = pytest.mark.e2e
URL = "https://example.com/support"
MARKER = "the customer's own clipboard text"


def results(side: CustomerSide) -> list[ToolResult]:
    return [e for e in list(side.viewer_events.events) if isinstance(e, ToolResult)]


def result_of(side: CustomerSide, qtbot: QtBot, request_id: int, tool: str) -> ToolResult:
    wait_qt(qtbot, lambda: [r for r in results(side) if (r.request_id, r.tool) == (request_id, tool)])
    return next(r for r in results(side) if (r.request_id, r.tool) == (request_id, tool))


def answer_box(side: CustomerSide, qtbot: QtBot, text: str) -> None:
    wait_qt(qtbot, lambda: side.app._boxes)
    QTest.mouseClick(button(side.app._boxes[-1], text), Qt.MouseButton.LeftButton)


@pytest.fixture()
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(["sleep", "300"])
    yield process
    process.kill()
    process.wait()


def end_argument(pid: int, permission: int) -> str:
    return json.dumps({"pid": pid, "permission": permission})


def test_what_the_policy_forbids_is_refused_without_asking(server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot,
                                                          sleeper: subprocess.Popen[bytes]) -> None:
    QGuiApplication.clipboard().setText(MARKER)
    off = {"clipboard": False, "send_url": False, "process_info": False, "system_info": False,
           "send_ctrl_alt_del": False, "control_consent": False}
    side = live_side(qtbot, server, xvfb.name, off)
    try:
        side.viewer.request_control()
        wait_qt(qtbot, lambda: side.viewer_events.count(ControlGrant))
        for request_id, kind, detail in ((1, "clipboard", ""), (2, "url_open", URL), (3, "system_info", ""),
                                         (4, "process_end", f"sleep (pid {sleeper.pid})")):
            side.viewer.send(PermissionRequest(request_id, kind, detail))
        wait_qt(qtbot, lambda: len(decisions(side)) == 4)
        assert all(not d.granted and "policy" in d.reason for d in decisions(side))
        side.viewer.send(ClipboardData("text/plain", b"must not arrive"))
        requests = [(10, "clipboard_get", ""), (11, "system_info", ""), (12, "process_list", ""),
                    (13, "process_end", end_argument(sleeper.pid, 4)), (14, "ctrl_alt_del", "")]
        for request_id, tool, argument in requests:
            side.viewer.send(ToolRequest(request_id, tool, argument))
        for request_id, tool, _argument in [(0, "clipboard", ""), *requests]:
            result = result_of(side, qtbot, request_id, tool)
            assert not result.ok and "policy" in result.body, result
        assert side.app._boxes == [] and side.opened == []
        assert sleeper.poll() is None
        assert QGuiApplication.clipboard().text() == MARKER
    finally:
        side.close()


def test_what_the_customer_refuses_does_not_happen(server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot,
                                                   sleeper: subprocess.Popen[bytes]) -> None:
    QGuiApplication.clipboard().setText(MARKER)
    side = live_side(qtbot, server, xvfb.name, {"control_consent": True})
    try:
        side.viewer.send(PermissionRequest(1, "url_open", URL))
        answer_box(side, qtbot, "Refuse")
        side.viewer.send(PermissionRequest(2, "process_end", f"sleep (pid {sleeper.pid})"))
        answer_box(side, qtbot, "Refuse")
        side.viewer.send(PermissionRequest(3, "clipboard", ""))
        answer_box(side, qtbot, "Refuse")
        side.viewer.send(PermissionRequest(4, "system_info", ""))
        answer_box(side, qtbot, "Refuse")
        wait_qt(qtbot, lambda: len(decisions(side)) == 4)
        assert [d.granted for d in decisions(side)] == [False] * 4
        side.viewer.send(ToolRequest(10, "process_end", end_argument(sleeper.pid, 2)))
        side.viewer.send(ClipboardData("text/plain", b"must not arrive"))
        side.viewer.send(ToolRequest(11, "clipboard_get"))
        side.viewer.send(ToolRequest(12, "system_info"))
        side.viewer.send(ToolRequest(13, "ctrl_alt_del"))  # control was never granted
        assert "not agreed to end" in result_of(side, qtbot, 10, "process_end").body
        assert "not agreed" in result_of(side, qtbot, 0, "clipboard").body
        assert "not agreed" in result_of(side, qtbot, 11, "clipboard_get").body
        assert "not agreed" in result_of(side, qtbot, 12, "system_info").body
        assert "needs control" in result_of(side, qtbot, 13, "ctrl_alt_del").body
        qtbot.wait(300)
        assert side.opened == [] and sleeper.poll() is None
        assert QGuiApplication.clipboard().text() == MARKER
    finally:
        side.close()


def test_a_grant_covers_exactly_what_the_customer_read(server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot,
                                                       sleeper: subprocess.Popen[bytes]) -> None:
    side = live_side(qtbot, server, xvfb.name, {"control_consent": True})
    try:
        side.viewer.send(PermissionRequest(5, "url_open", URL))
        answer_box(side, qtbot, "Allow")
        assert result_of(side, qtbot, 5, "url_open").ok
        assert side.opened == [URL]
        side.viewer.send(PermissionRequest(6, "process_end", f"sleep (pid {sleeper.pid})"))
        answer_box(side, qtbot, "Allow")
        wait_qt(qtbot, lambda: decisions(side) and decisions(side)[-1].request_id == 6)
        side.viewer.send(ToolRequest(20, "process_end", end_argument(1, 6)))  # another pid than the one agreed
        assert not result_of(side, qtbot, 20, "process_end").ok
        side.viewer.send(ToolRequest(21, "process_end", end_argument(sleeper.pid, 6)))  # a grant is used once
        assert not result_of(side, qtbot, 21, "process_end").ok
        side.viewer.send(PermissionRequest(8, "process_end", f"notepad (pid {sleeper.pid})"))  # a false name
        answer_box(side, qtbot, "Allow")
        wait_qt(qtbot, lambda: decisions(side)[-1].request_id == 8)
        side.viewer.send(ToolRequest(23, "process_end", end_argument(sleeper.pid, 8)))
        assert "not what the customer agreed" in result_of(side, qtbot, 23, "process_end").body
        assert sleeper.poll() is None
        side.viewer.send(PermissionRequest(7, "process_end", f"sleep (pid {sleeper.pid})"))
        answer_box(side, qtbot, "Allow")
        wait_qt(qtbot, lambda: decisions(side)[-1].request_id == 7)
        side.viewer.send(ToolRequest(22, "process_end", end_argument(sleeper.pid, 7)))
        assert result_of(side, qtbot, 22, "process_end").ok
        wait_qt(qtbot, lambda: sleeper.poll() is not None, timeout=10)
    finally:
        side.close()
