"""The viewer window's toolbar follows the options; 1:1 and fit map exactly; full screen comes and goes.

A stub session stands in for the network (a collaborator at the seam); the window, its view and its
tools are real.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from capture.encoder import H264Encoder
from protocol.events import SessionLive
from protocol.messages import (
    ControlGrant,
    KeyframeRequest,
    KeyInput,
    Message,
    PermissionDecision,
    PermissionRequest,
    PointerButton,
    PointerMove,
    VideoFrame,
)
from viewer.frame_view import ACTUAL, FIT, FrameView, actual_rect
from viewer.policy import DEFAULTS, ViewerPolicy
from viewer.tools import capture_tools
from viewer.window import ViewerWindow


class StubSession:
    """Takes what the window sends; no network."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.listeners: list[Callable[[VideoFrame], None]] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def request_control(self) -> None:
        self.sent.append(ControlGrant())

    def end(self, reason: str) -> None:
        pass

    def add_packet_listener(self, listener: Callable[[VideoFrame], None]) -> None:
        self.listeners.append(listener)

    def remove_packet_listener(self, listener: Callable[[VideoFrame], None]) -> None:
        self.listeners.remove(listener)


def ensure_capture_tools(window: ViewerWindow) -> capture_tools.CaptureTools:
    """The window's screen save and recording tools."""
    tools = window.tools["capture_tools"]
    assert isinstance(tools, capture_tools.CaptureTools)
    return tools


def make_window(qtbot: QtBot, options: dict[str, object] | None = None) -> ViewerWindow:
    window = ViewerWindow(StubSession(), policy=ViewerPolicy(options))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    ensure_capture_tools(window)
    return window


def shown(window: ViewerWindow) -> set[str]:
    actions = [*window.session_bar.actions(), *window.toolbar.actions()]
    return {action.text() for action in actions if action.isVisible()}


ALWAYS = {"Ask the customer to hide parts of the screen", "Fit to window", "Actual size", "Full screen",
          "End session"}
NO_OPTION_TOOLS = {"Monitors"}  # other modules' tools that no option switches off
MINE = {"Request control", "Save screen", "Record"}


def test_the_toolbar_shows_only_what_the_options_allow(qtbot: QtBot) -> None:
    everything = make_window(qtbot, {"recording_agent": True})
    assert shown(everything) >= ALWAYS | MINE
    assert everything.tools_menu.actions() == everything.toolbar.actions()  # reachable when the row overflows
    nothing = make_window(qtbot, {key: False for key, value in DEFAULTS.items() if isinstance(value, bool)})
    assert shown(nothing) >= ALWAYS and shown(nothing) - ALWAYS <= NO_OPTION_TOOLS  # only what needs no option
    keys_only = make_window(qtbot, {"mouse_control": False, "screen_save": False})
    assert "Request control" in shown(keys_only) and not {"Save screen", "Record"} & shown(keys_only)


@pytest.mark.parametrize(("options", "kinds"), [
    ({}, {PointerMove, PointerButton, KeyInput}),
    ({"mouse_control": False}, {KeyInput}),
    ({"keyboard_control": False}, {PointerMove, PointerButton}),
])
def test_the_view_sends_only_the_input_kinds_the_options_allow(qtbot: QtBot, options: dict[str, object],
                                                               kinds: set[type]) -> None:
    window = make_window(qtbot, options)
    session = window.session
    window.show()
    window.view.set_frame(np.zeros((400, 600, 4), dtype=np.uint8))
    window.deliver(ControlGrant())
    qtbot.waitUntil(lambda: window.view.input_enabled)
    centre = window.view.target_rect().center().toPoint()
    QApplication.sendEvent(window.view, QMouseEvent(QEvent.Type.MouseMove, QPointF(centre), QPointF(centre),
                                                    Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                                    Qt.KeyboardModifier.NoModifier))
    QTest.mouseClick(window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.keyClick(window.view, Qt.Key.Key_X)
    assert {type(m) for m in session.sent} == kinds  # type: ignore[attr-defined]


def test_without_mouse_or_keyboard_control_there_is_no_control_to_request(qtbot: QtBot) -> None:
    window = make_window(qtbot, {"mouse_control": False, "keyboard_control": False})
    window.deliver(SessionLive())
    qtbot.waitUntil(lambda: window.live)
    assert "Request control" not in shown(window) and not window.request_control_action.isEnabled()


def test_actual_size_maps_every_pixel_one_to_one_and_scrolls(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    window.view.set_frame(np.zeros((1080, 1920, 4), dtype=np.uint8))
    window.actual_size_action.trigger()
    assert window.view.scale_mode == ACTUAL and window.actual_size_action.isChecked()
    qtbot.waitUntil(lambda: window.scroll_area.horizontalScrollBar().maximum() > 0)
    assert window.view.to_host(QPointF(0.5, 0.5)) == (0, 0)
    assert window.view.to_host(QPointF(1234.5, 777.5)) == (1234, 777)
    reports: list[dict[str, int]] = []
    window.geometry_reported.connect(reports.append)
    window.scroll_area.horizontalScrollBar().setValue(300)
    qtbot.waitUntil(lambda: bool(reports))
    origin = window.scroll_area.viewport().mapToGlobal(QPoint(0, 0))
    assert (reports[-1]["x"], reports[-1]["w"], reports[-1]["image_w"]) == (origin.x() - 300, 1920, 1920)
    window.fit_action.trigger()
    assert window.view.scale_mode == FIT
    qtbot.waitUntil(lambda: window.scroll_area.horizontalScrollBar().maximum() == 0)


def test_a_small_picture_is_centred_on_whole_pixels_at_actual_size() -> None:
    rect = actual_rect(101, 51, 400, 300)
    assert (rect.x(), rect.y(), rect.width(), rect.height()) == (149, 124, 101, 51)
    assert actual_rect(1920, 1080, 800, 600).topLeft() == QPointF(0, 0)


def test_the_wheel_scrolls_the_view_without_control(qtbot: QtBot) -> None:
    view = FrameView()
    qtbot.addWidget(view)
    event = QWheelEvent(QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)
    assert not event.isAccepted()  # left to the scroll area
    with pytest.raises(ValueError, match="fit"):
        view.scale_mode = "zoom"


def activate(qtbot: QtBot, window: ViewerWindow) -> None:
    """Make ``window`` the active one (keyboard shortcuts need that; Xvfb has no window manager to do it)."""
    def active() -> bool:
        window.activateWindow()
        return window.isActiveWindow()
    qtbot.waitUntil(active)


def test_f11_enters_full_screen_and_escape_leaves_it_unless_the_agent_has_control(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.show()
    full: QAction = window.full_screen_action
    full.trigger()
    qtbot.waitUntil(window.isFullScreen)
    assert full.isChecked()
    activate(qtbot, window)
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert not full.isChecked()
    full.trigger()
    qtbot.waitUntil(window.isFullScreen)
    activate(qtbot, window)
    window.view.set_frame(np.zeros((100, 100, 4), dtype=np.uint8))
    window.deliver(ControlGrant())
    qtbot.waitUntil(lambda: window.view.input_enabled)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Escape)  # with control, Esc is the customer's
    assert window.isFullScreen()
    assert KeyInput("Escape", True, 0, "") in window.session.sent  # type: ignore[attr-defined]
    full.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())


def test_record_and_save_have_tooltips_with_their_shortcuts(qtbot: QtBot) -> None:
    tools = ensure_capture_tools(make_window(qtbot, {"recording_agent": True}))
    assert "Ctrl+Alt+Shift+S" in tools.screen_save.action.toolTip()
    assert "Ctrl+Alt+Shift+R" in tools.recording.action.toolTip()


def test_closing_the_window_finishes_a_recording_under_way(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, {"recording_agent": True, "recording_path": str(tmp_path)})
    session: StubSession = window.session  # type: ignore[assignment]
    tool = ensure_capture_tools(window).recording
    window.deliver(SessionLive())
    qtbot.waitUntil(lambda: window.live)
    tool.action.trigger()
    [request] = [m for m in session.sent if isinstance(m, PermissionRequest)]
    assert (request.kind, request.detail) == ("recording", "agent")
    window.deliver(PermissionDecision(request.request_id, "recording", True, ""))
    qtbot.waitUntil(lambda: tool.recording is not None)
    assert isinstance(session.sent[-1], KeyframeRequest)  # the file starts at a keyframe: ask for one now
    encoder = H264Encoder(64, 48)
    for step in range(3):
        packet = encoder.encode(np.full((48, 64, 4), step * 60, dtype=np.uint8))
        for listener in session.listeners:
            listener(VideoFrame(step, packet.keyframe, 64, 48, step * 40_000_000, packet.data))
    window.close()  # before the session's end arrived
    qtbot.waitUntil(lambda: bool(tool.files), timeout=10000)
    assert session.listeners == [] and tool.files[0].parent == tmp_path and tool.files[0].suffix == ".mp4"
