"""Laser pointer, pen and mouse trace, end to end: what the agent does in the viewer is on the customer's screen.

One live session is shared by the checks of this module (they run in order; the last ends it): the
HostApp runs in-process and shares the test's own Qt display — the display its overlay window is on —
so the customer's screen is grabbed with mss there; the probe window (tests/apps/probe_window.py) on
that display records the clicks that reach it. The viewer is a real ViewerWindow on a real ViewerSession;
the agent's drag and pointing are Qt mouse events on its FrameView; the customer's own clicks and
pointer moves are real XTEST input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from Xlib import X
from Xlib.display import Display
from Xlib.ext import xtest

from capture.screen import ScreenGrabber
from host_module.tools.overlay import OverlayTool
from host_module.tools.overlay_window import LASER_COLOUR, LASER_RADIUS
from protocol.messages import SharingState, ToolResult
from tests.e2e.tool_rig import LiveSession, tool_of, wait_until
from tests.xvfb import XvfbDisplay
from tools.harness import Child, display_env, python_module
from tools.server_process import RunningServer
from viewer.tools.overlay import OverlayTools
from viewer.tools.overlay_layer import TRAIL_COLOUR, view_position

pytestmark = pytest.mark.e2e

RED = (0xE6, 0x1E, 0x1E)
GREEN = (0x1E, 0xC8, 0x3C)
PANEL = (40, 40, 40)
LASER = (LASER_COLOUR.red(), LASER_COLOUR.green(), LASER_COLOUR.blue())
Rgb = tuple[int, int, int]


class Live(LiveSession):
    """One live session (tests/e2e/tool_rig.py) with the overlay tools, and the customer's probe window."""

    def __init__(self, server: RunningServer, display: str, policy: dict[str, object] | None = None) -> None:
        self.probe = Child("probe", python_module("tests.apps.probe_window"), env=display_env(display), stdin=True)
        self.probe.wait_event("ready", timeout=30)
        self.display = display
        super().__init__(server, display, policy=policy, viewer_policy={"mouse_trace": True}, grant_control=True)

    @property
    def messages(self) -> list[object]:
        """Every event of the agent's session so far."""
        return list(self.events.events)

    @property
    def host_tool(self) -> OverlayTool:
        return tool_of(self.app.tools, "overlay", OverlayTool)

    @property
    def tool(self) -> OverlayTools:
        return tool_of(self.window.tools, "overlay", OverlayTools)

    def screen(self) -> np.ndarray:
        with ScreenGrabber(self.display) as grabber:
            return grabber.grab()

    def pressed(self) -> list[tuple[int, int]]:
        records = [json.loads(line) for line in list(self.probe.seen) if line.startswith("{")]
        return [(r["x"], r["y"]) for r in records if r.get("event") == "pressed"]

    def close(self) -> None:
        super().close()
        self.probe.stop()


def pixel(shot: np.ndarray, x: int, y: int) -> Rgb:
    b, g, r = (int(v) for v in shot[y, x, :3])
    return r, g, b


def near(colour: Rgb, target: Rgb, tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


def xtest_input(display: str, x: int, y: int, click: bool = False) -> None:
    """The customer moves the pointer to (x, y), and clicks there with ``click``: real XTEST."""
    connection = Display(display)
    try:
        xtest.fake_input(connection, X.MotionNotify, x=x, y=y)
        if click:
            xtest.fake_input(connection, X.ButtonPress, 1)
            xtest.fake_input(connection, X.ButtonRelease, 1)
        connection.sync()
    finally:
        connection.close()


def start_live(server: RunningServer, display: str, policy: dict[str, object] | None = None) -> Live:
    live = Live(server, display, policy)
    live.window.setGeometry(1000, 450, 900, 600)
    live.start()
    live.wait_for_picture()
    wait_until(lambda: live.host_tool._area is not None, 20, "the overlay's area")
    live.window.request_control_action.trigger()
    wait_until(lambda: live.window.view.input_enabled)  # control granted: only the pen's filter keeps input back
    return live


@pytest.fixture(scope="module")
def live(server: RunningServer, qt_display: XvfbDisplay, qapp: QApplication) -> Iterator[Live]:
    running = start_live(server, qt_display.name)
    yield running
    running.close()


def view_pos(live: Live, x: int, y: int) -> tuple[QPoint, tuple[int, int]]:
    """The view position over host pixel (x, y), and the host pixel the view maps it back to."""
    position = view_position(live.window.view, (x, y))
    assert position is not None
    point = position.toPoint()
    host = live.window.view.to_host(QPointF(point))
    assert host is not None
    return point, host


def drag(live: Live, points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Draw through ``points`` (host pixels) with the pen; the host pixels the strokes goes through."""
    view = live.window.view
    positions = [view_pos(live, x, y) for x, y in points]
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, positions[0][0])
    for position, _host in positions[1:]:
        QTest.mouseMove(view, position, 20)
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, positions[-1][0], 20)
    return [host for _position, host in positions]


def choose(live: Live, value: int) -> None:
    """Pick the pen colour or width with this value in the pen's menu."""
    [action] = [a for a in live.tool.pen_menu.actions() if a.data() == value]
    action.trigger()


def round_trip(live: Live, qtbot: QtBot) -> None:
    """Wait until the host handled everything sent so far (one ToolRequest answered) and the GUI caught up."""
    before = sum(isinstance(m, ToolResult) for m in live.messages)
    live.tool.trace_action.setChecked(not live.tool.trace_action.isChecked())
    qtbot.waitUntil(lambda: sum(isinstance(m, ToolResult) for m in live.messages) > before, timeout=10000)
    live.tool.trace_action.setChecked(False)
    qtbot.wait(200)


def test_the_host_refuses_laser_and_pen_when_the_policy_says_no(server: RunningServer, qt_display: XvfbDisplay,
                                                               qtbot: QtBot) -> None:
    refused = start_live(server, qt_display.name, {"laser_pointer": False, "drawing": False})
    try:
        tool = refused.tool  # the viewer shows the tools (its own options allow them); the host says no
        tool.pen_action.trigger()
        stroke = drag(refused, [(200, 300), (600, 300)])
        tool.laser_action.trigger()
        position, dot = view_pos(refused, 450, 450)
        QTest.mouseMove(refused.window.view, position)
        qtbot.wait(100)
        round_trip(refused, qtbot)
        assert refused.host_tool.refused >= 2 and refused.host_tool.window is None
        shot = refused.screen()
        assert near(pixel(shot, *stroke[0]), PANEL) and near(pixel(shot, *dot), PANEL)
    finally:
        refused.close()


def test_a_stroke_drawn_in_the_viewer_is_on_the_customers_screen_until_undone(live: Live, qtbot: QtBot) -> None:
    live.tool.pen_action.trigger()
    assert live.tool.mode == "pen"
    choose(live, 12)
    red = drag(live, [(150, 200), (400, 200), (650, 200)])
    choose(live, 0x1EC83CFF)
    green = drag(live, [(150, 350), (650, 350)])
    qtbot.waitUntil(lambda: near(pixel(live.screen(), *green[0]), GREEN), timeout=10000)
    shot = live.screen()
    assert all(near(pixel(shot, *point), RED) for point in red)
    assert near(pixel(shot, 400, red[1][1]), RED) and near(pixel(shot, 400, green[1][1]), GREEN)  # along it
    assert near(pixel(shot, 400, red[1][1] + 20), PANEL)  # and only there
    assert live.pressed() == []  # the drag went to the pen, not to the customer's mouse
    live.tool.undo()
    qtbot.waitUntil(lambda: near(pixel(live.screen(), *green[0]), PANEL), timeout=10000)
    assert near(pixel(live.screen(), *red[1]), RED)
    live.tool.clear()
    qtbot.waitUntil(lambda: near(pixel(live.screen(), *red[1]), PANEL), timeout=10000)
    assert live.host_tool.window is not None and not live.host_tool.window.isVisible()
    live.tool.set_mode("")


def test_the_laser_dot_is_where_the_agent_points(live: Live, qtbot: QtBot) -> None:
    live.tool.laser_action.trigger()
    position, (x, y) = view_pos(live, 500, 420)
    QTest.mouseMove(live.window.view, position)
    qtbot.waitUntil(lambda: near(pixel(live.screen(), x, y), LASER), timeout=10000)
    shot = live.screen()
    assert near(pixel(shot, x - LASER_RADIUS + 3, y), LASER)
    assert near(pixel(shot, x + LASER_RADIUS + 4, y), PANEL) and near(pixel(shot, x, y - LASER_RADIUS - 4), PANEL)
    QTest.keyClick(live.window.view, Qt.Key.Key_Escape)  # leaves the mode: the dot goes
    assert live.tool.mode == ""
    qtbot.waitUntil(lambda: near(pixel(live.screen(), x, y), PANEL), timeout=10000)
    assert live.pressed() == []


def test_the_customers_click_on_a_stroke_reaches_the_window_under_it(live: Live, qtbot: QtBot) -> None:
    live.tool.pen_action.trigger()
    choose(live, 0xE61E1EFF)
    stroke = drag(live, [(200, 500), (600, 500)])
    live.tool.set_mode("")
    x, y = (stroke[0][0] + stroke[1][0]) // 2, stroke[0][1]
    qtbot.waitUntil(lambda: near(pixel(live.screen(), x, y), RED), timeout=10000)
    xtest_input(live.display, x, y, click=True)
    qtbot.waitUntil(lambda: (x, y) in live.pressed(), timeout=10000)
    live.tool.clear()
    qtbot.waitUntil(lambda: near(pixel(live.screen(), x, y), PANEL), timeout=10000)


def test_the_customers_pointer_shows_as_a_trace_in_the_viewer(live: Live, qtbot: QtBot) -> None:
    layer = live.tool.layer
    live.tool.trace_action.trigger()
    qtbot.waitUntil(lambda: live.host_tool.trace.running, timeout=10000)
    for x, y in ((321, 222), (345, 260), (380, 300)):
        xtest_input(live.display, x, y)
        qtbot.waitUntil(partial(lambda target: layer.latest == target, (x, y)), timeout=10000)
    assert {(321, 222), (345, 260)} <= {point for point, _seen in layer.trail}
    marker = view_position(live.window.view, (380, 300))
    assert marker is not None
    picture = live.window.view.grab().toImage()
    assert picture.pixelColor(marker.toPoint()) == TRAIL_COLOUR
    live.tool.trace_action.trigger()
    qtbot.waitUntil(lambda: not live.host_tool.trace.running, timeout=10000)
    assert layer.latest is None and not layer.trail


def test_nothing_is_shown_while_the_customer_paused_sharing(live: Live, qtbot: QtBot) -> None:
    QTest.mouseClick(live.app.notice.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(m, SharingState) and m.paused for m in live.messages), timeout=10000)
    refused = live.host_tool.refused
    live.tool.pen_action.trigger()
    stroke = drag(live, [(200, 600), (600, 600)])
    live.tool.set_mode("")
    round_trip(live, qtbot)
    assert live.host_tool.refused > refused
    assert near(pixel(live.screen(), *stroke[0]), PANEL)
    QTest.mouseClick(live.app.notice.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not live.app.session.paused, timeout=10000)


def test_the_overlay_goes_when_the_session_ends(live: Live, qtbot: QtBot) -> None:
    live.tool.pen_action.trigger()
    stroke = drag(live, [(250, 650), (550, 650)])
    qtbot.waitUntil(lambda: near(pixel(live.screen(), *stroke[0]), RED), timeout=10000)
    live.window.end_action.trigger()
    qtbot.waitUntil(lambda: live.app.ended_reason is not None, timeout=10000)
    assert live.host_tool.window is not None and not live.host_tool.window.isVisible()
    qtbot.waitUntil(lambda: near(pixel(live.screen(), *stroke[0]), PANEL), timeout=10000)
