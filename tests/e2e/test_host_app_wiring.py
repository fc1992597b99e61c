"""The host app's own wiring of the parts built apart: recording through the session's packets, the blinder
controller on the notice window's button, pausing through the video pump.

The HostApp runs in-process with a real viewer (tests/e2e/test_host_consent.py ``customer_side``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import av
import pytest
from pytestqt.qtbot import QtBot

import host_module.recording
from protocol.messages import (
    ControlGrant,
    KeyframeRequest,
    PermissionDecision,
    PermissionRequest,
    PointerMove,
    SharingState,
)
from tests.e2e.test_host_consent import customer_side, wait_qt
from tests.xvfb import XvfbDisplay
from tools.server_process import RunningServer
from viewer.session import DecodedFrame

pytestmark = pytest.mark.e2e


def test_a_recording_the_policy_allows_is_an_mp4_of_the_sent_frames(
        server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host_module.recording, "videos_folder", lambda: tmp_path)
    side = customer_side(server, xvfb.name, {"recording_customer": True, "recording_consent": False},
                         accept=True)
    try:
        wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame))
        wait_qt(qtbot, lambda: side.app.recording.frames_recorded >= 1)
        side.app.end_now("the test is over")
        [saved] = side.app.recording.kept_files
        assert saved.parent == tmp_path and saved.suffix == ".mp4" and not list(tmp_path.glob("*.part"))
        with av.open(str(saved)) as container:
            frames = sum(1 for _ in container.decode(video=0))
        assert frames == side.app.recording.frames_recorded
    finally:
        side.close()


def test_without_recording_in_the_policy_nothing_is_recorded(
        server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host_module.recording, "videos_folder", lambda: tmp_path)
    side = customer_side(server, xvfb.name, {"recording_customer": False}, accept=True)
    try:
        wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame))
        side.app.end_now("the test is over")
        assert side.app.recording.kept_files == [] and list(tmp_path.iterdir()) == []
    finally:
        side.close()


def test_pausing_from_the_notice_window_stops_the_pump(server: RunningServer, xvfb: XvfbDisplay,
                                                      qtbot: QtBot) -> None:
    side = customer_side(server, xvfb.name, None, accept=True)
    try:
        wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame))
        side.app.notice.pause_toggled.emit(True)
        wait_qt(qtbot, lambda: side.viewer_events.count(SharingState))
        sent = side.app.session.pump.frames_sent
        for _ in range(3):
            side.viewer.send(KeyframeRequest())  # a keyframe would be made at once by a running pump
            qtbot.wait(200)
        assert side.app.session.pump.frames_sent == sent
        assert side.app.session.frames_withheld == 0  # the pump itself stopped: the link had nothing to drop
    finally:
        side.close()


def test_the_blinders_button_opens_the_editor_when_the_policy_offers_blinders(
        server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    side = customer_side(server, xvfb.name, {"blinder": True, "blinder_autorun": False}, accept=True)
    try:
        wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame))
        side.app.notice.blinders_requested.emit()
        wait_qt(qtbot, lambda: side.app.blinders.editor is not None and side.app.blinders.editor.isVisible())
    finally:
        side.app.blinders.close()
        side.close()


def test_grants_reach_the_session_record_on_the_server(server: RunningServer, xvfb: XvfbDisplay,
                                                        qtbot: QtBot) -> None:
    side = customer_side(server, xvfb.name, {"recording_customer": False}, accept=True)
    token = server.login()
    path = server.api(f"/api/v1/me/history/{side.app.ticket.session_id}")

    def events() -> list[dict[str, object]]:
        with server.session() as http:
            answer = http.get(path, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        return list(answer.json()["events"])

    try:
        wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame))
        side.viewer.send(PermissionRequest(5, "recording", ""))
        wait_qt(qtbot, lambda: any(e["kind"] == "recording" for e in events()), timeout=10)
        [recorded] = [e for e in events() if e["kind"] == "recording"]
        assert recorded["granted"] is False and recorded["by"] == "policy"
    finally:
        side.close()


@pytest.mark.parametrize("offered", [True, False])
def test_the_agents_blinder_menu_opens_the_customers_editor_when_offered(
        server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot, offered: bool) -> None:
    side = customer_side(server, xvfb.name, {"blinder": offered, "blinder_autorun": False}, accept=True)
    try:
        wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame))
        side.viewer.send(PermissionRequest(9, "blinders", ""))
        wait_qt(qtbot, lambda: side.viewer_events.count(PermissionDecision))
        [decision] = [e for e in list(side.viewer_events.events) if isinstance(e, PermissionDecision)]
        assert decision.granted is offered
        if offered:
            wait_qt(qtbot, lambda: side.app.blinders.editor is not None and side.app.blinders.editor.isVisible())
        else:
            assert side.app.blinders.editor is None and "blinders" in decision.reason
    finally:
        side.app.blinders.close()
        side.close()


@pytest.mark.parametrize("simultaneous", [False, True])
def test_the_customers_own_mouse_holds_the_agents_input_without_simultaneous_control(
        server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot, simultaneous: bool) -> None:
    side = customer_side(server, xvfb.name, {"simultaneous_control": simultaneous, "control_consent": False},
                         accept=True, grant_control=True)
    try:
        wait_qt(qtbot, lambda: side.viewer_events.count(DecodedFrame))
        side.viewer.request_control()
        wait_qt(qtbot, lambda: side.viewer_events.count(ControlGrant))
        qtbot.wait(200)
        customer = subprocess.run(["xdotool", "mousemove", "40", "40"], env={**os.environ, "DISPLAY": xvfb.name},
                                  check=False, timeout=10)
        assert customer.returncode == 0
        if not simultaneous:
            assert side.app.customer_watch is not None
            wait_qt(qtbot, lambda: side.app.customer_watch is not None and side.app.customer_watch.noticed, timeout=5)
        dropped = side.app.session.gate.dropped
        side.viewer.send(PointerMove(700, 500))
        qtbot.wait(300)
        assert (side.app.session.gate.dropped > dropped) is not simultaneous
    finally:
        side.close()
