"""Consent during the session, pausing, End and the session password — the host enforces them.

The HostApp runs in-process (tests/e2e/test_host_consent.py ``customer_side``); the viewer is a real
ViewerSession sending what an agent's viewer would, including requests the customer refuses and clicks
aimed at the customer's consent boxes (real XTEST on the display the boxes are on).
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from host_module.dialogs import customer_reason
from host_module.join import join_by_code
from host_module.session import HostPolicy, HostSession
from protocol.crypto import password_secret
from protocol.events import PeerError, SessionEnded, SessionLive
from protocol.messages import (
    ControlGrant,
    HostInfo,
    KeyframeRequest,
    PermissionDecision,
    PermissionRequest,
    PointerButton,
    PointerMove,
    SharingState,
)
from protocol.session import Role
from tests.e2e.test_host_consent import CustomerSide, Recorder, customer_side, viewer_for, wait_qt
from tests.unit.test_injection_gate import FakeInjector
from tests.xvfb import XvfbDisplay
from tools.harness import issue_code
from tools.server_process import RunningServer
from transport.link import LinkConfig, relay_url
from viewer.session import DecodedFrame

pytestmark = pytest.mark.e2e


def live_side(qtbot: QtBot, server: RunningServer, display: str, policy: dict[str, object] | None = None,
              **options: object) -> CustomerSide:
    side = customer_side(server, display, policy, accept=True, **options)
    wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame))
    return side


def decisions(side: CustomerSide) -> list[PermissionDecision]:
    return [e for e in list(side.viewer_events.events) if isinstance(e, PermissionDecision)]


def button(box: QMessageBox, text: str) -> QPushButton:
    found = next(b for b in box.buttons() if b.text() == text)
    assert isinstance(found, QPushButton)
    return found


def test_a_request_the_customer_refuses_is_refused(server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    side = live_side(qtbot, server, xvfb.name)
    try:
        side.viewer.send(PermissionRequest(7, "file_send", "report.pdf (2 MB)"))
        wait_qt(qtbot, lambda: side.app._boxes)
        box = side.app._boxes[0]
        assert "report.pdf" in box.text()
        assert decisions(side) == []  # nothing is decided before the customer answers
        QTest.mouseClick(button(box, "Refuse"), Qt.MouseButton.LeftButton)
        wait_qt(qtbot, lambda: decisions(side))
        assert decisions(side) == [PermissionDecision(7, "file_send", False, "the customer refused")]
        assert side.app.grants.entries[-1]["kind"] == "file_send"
        assert side.app.grants.entries[-1]["granted"] is False
    finally:
        side.close()


def test_what_the_policy_forbids_is_refused_without_asking(server: RunningServer, xvfb: XvfbDisplay,
                                                          qtbot: QtBot) -> None:
    side = live_side(qtbot, server, xvfb.name, {"file_transfer": False, "recording_customer": False})
    try:
        side.viewer.send(PermissionRequest(1, "file_receive", "secrets.txt"))
        side.viewer.send(PermissionRequest(2, "recording", ""))
        wait_qt(qtbot, lambda: len(decisions(side)) == 2)
        assert [(d.request_id, d.granted) for d in decisions(side)] == [(1, False), (2, False)]
        assert all("policy" in d.reason for d in decisions(side))
        assert side.app._boxes == []  # the customer was not asked
    finally:
        side.close()


@pytest.mark.parametrize("lock", [True, False])
def test_customer_alert_lock_keeps_the_agents_clicks_off_the_box(
        server: RunningServer, qt_display: XvfbDisplay, qtbot: QtBot, lock: bool) -> None:
    # the shared screen is the display the boxes are on, so the agent's clicks can reach them
    side = live_side(qtbot, server, qt_display.name, {"customer_alert_lock": lock, "control_consent": True},
                     grant_control=True)
    try:
        side.viewer.request_control()
        wait_qt(qtbot, lambda: side.viewer_events.count(ControlGrant) and side.viewer_events.count(HostInfo))
        side.viewer.send(PermissionRequest(3, "url_open", "https://example.com"))
        wait_qt(qtbot, lambda: side.app._boxes)
        box = side.app._boxes[0]
        qtbot.wait(300)  # the box is mapped and placed
        allow = button(box, "Allow")
        target = allow.mapToGlobal(QPoint(allow.width() // 2, allow.height() // 2))
        side.viewer.send(PointerMove(target.x(), target.y()))
        side.viewer.send(PointerButton(target.x(), target.y(), 1, True))
        side.viewer.send(PointerButton(target.x(), target.y(), 1, False))
        if lock:
            qtbot.wait(1500)
            assert decisions(side) == [] and box.isVisible()
        else:
            wait_qt(qtbot, lambda: decisions(side), timeout=10)
            assert decisions(side) == [PermissionDecision(3, "url_open", True, "")]
    finally:
        side.close()


def test_pause_sharing_stops_frames_until_resumed(server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    side = live_side(qtbot, server, xvfb.name)
    try:
        QTest.mouseClick(side.app.notice.pause_button, Qt.MouseButton.LeftButton)
        wait_qt(qtbot, lambda: side.viewer_events.count(SharingState))
        qtbot.wait(300)  # frames already on the way may still arrive
        before = side.viewer_events.count(DecodedFrame)
        for _ in range(5):  # each forces a new frame from the pump
            side.viewer.send(KeyframeRequest())
            qtbot.wait(200)
        assert side.viewer_events.count(DecodedFrame) == before
        QTest.mouseClick(side.app.notice.pause_button, Qt.MouseButton.LeftButton)
        wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame) > before)
        states = [e.paused for e in side.viewer_events.events if isinstance(e, SharingState)]
        assert states == [True, False]
    finally:
        side.close()


def test_end_in_the_notice_window_stops_everything_within_a_second(
        server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    side = live_side(qtbot, server, xvfb.name, {"end_notice_page": True, "end_popup_url": "https://example.com/"})
    try:
        started = time.monotonic()
        QTest.mouseClick(side.app.notice.end_button, Qt.MouseButton.LeftButton)
        wait_qt(qtbot, lambda: side.viewer_events.count(SessionEnded), timeout=1.0)
        session = side.app.session
        assert not session.pump._thread.is_alive() and not session.input._thread.is_alive()
        assert time.monotonic() - started < 1.0
        assert side.viewer_events.wait_for(SessionEnded).reason == "ended by the customer"  # type: ignore[attr-defined]
        assert side.opened == [f"{server.url}/end?session={side.app.ticket.session_id}", "https://example.com/"]
    finally:
        side.close()


@pytest.mark.parametrize(("typed", "read_out"), [("4821", "4821"), ("4821", "4812")])
def test_session_password(server: RunningServer, xvfb: XvfbDisplay, typed: str, read_out: str) -> None:
    issued = issue_code(server)
    ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
    host_events, viewer_events = Recorder(), Recorder()
    host = HostSession(LinkConfig(relay_url(server.url, ticket.session_id, Role.HOST), ticket.host_token,
                                  Role.HOST, password_secret(ticket.secret, typed), server.ssl_context()),
                       xvfb.name, FakeInjector(), host_events, HostPolicy(pre_consent=False))
    viewer = viewer_for(server, issued, viewer_events, password_secret(bytes.fromhex(issued.secret), read_out))
    host.start()
    viewer.start()
    try:
        if typed == read_out:
            viewer_events.wait_for(DecodedFrame)
        else:
            failure = host_events.wait_for(PeerError)
            viewer_events.wait_for(SessionEnded)
            assert "session password did not match" in customer_reason(failure.reason, True)  # type: ignore[attr-defined]
            assert viewer_events.count(SessionLive) == 0 and host.pump.frames_sent == 0
    finally:
        viewer.close()
        host.close()


def test_the_server_secret_alone_cannot_complete_a_password_session(server: RunningServer,
                                                                    xvfb: XvfbDisplay) -> None:
    issued = issue_code(server)
    ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
    host_events, viewer_events = Recorder(), Recorder()
    host = HostSession(LinkConfig(relay_url(server.url, ticket.session_id, Role.HOST), ticket.host_token,
                                  Role.HOST, password_secret(ticket.secret, "0000"), server.ssl_context()),
                       xvfb.name, FakeInjector(), host_events, HostPolicy(pre_consent=False))
    viewer = viewer_for(server, issued, viewer_events)  # what the server knows: its secret, no password
    host.start()
    viewer.start()
    try:
        host_events.wait_for(PeerError)
        assert viewer_events.count(SessionLive) == 0
    finally:
        viewer.close()
        host.close()
