"""Multiple monitors and screenshot mode, whole: the server on loopback, the HostApp in-process sharing a
two-monitor Xvfb (RandR monitors, tests/xvfb_monitors.py), a real ViewerWindow whose tools the test uses,
real capture, encode, decode and XTEST.

One live session serves the monitor and the screenshot-mode checks; a second one, with screenshot_mode off
in the policy, shows the refusal (on a plain one-monitor Xvfb). Neither tool asks the customer: sharing
another monitor of a screen already shared needs no new consent, and screenshot mode shows less, not more.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from host_module.tools.display import NOT_ALLOWED, DisplayTool
from protocol.messages import ControlGrant, FrameAck, PointerButton, VideoFrame, VideoMode
from tests.e2e.tool_rig import LiveSession, tool_of
from tests.xvfb import XvfbDisplay, start_xvfb
from tests.xvfb_monitors import Painter, start_xvfb_monitors
from tools.server_process import RunningServer
from viewer.policy import ViewerPolicy
from viewer.tools.display import DisplayTools
from viewer.window import ViewerWindow

pytestmark = pytest.mark.e2e
MONITOR_2 = (1920, 0, 1280, 720)
STILL_S = 0.4  # the host's interval between stills, shortened for the test (5 s in use)


class Pair(LiveSession):
    """A live session (tests/e2e/tool_rig.py) with the display tools, plus the frames received."""

    def __init__(self, server: RunningServer, display: str, policy: dict[str, object] | None = None) -> None:
        super().__init__(server, display, policy=policy, grant_control=True)
        self.frames: list[tuple[float, VideoFrame]] = []
        self.session.add_packet_listener(lambda frame: self.frames.append((time.monotonic(), frame)))

    @property
    def host_tool(self) -> DisplayTool:
        return tool_of(self.app.tools, "display", DisplayTool)

    @property
    def viewer_tool(self) -> DisplayTools:
        return tool_of(self.window.tools, "display", DisplayTools)

    def frames_since(self, mark: float) -> list[VideoFrame]:
        return [frame for at, frame in list(self.frames) if at >= mark]


def live_pair(server: RunningServer, display: str, policy: dict[str, object] | None = None) -> Pair:
    pair = Pair(server, display, policy)
    pair.window.resize(1500, 900)
    pair.start()
    return pair


@pytest.fixture(scope="module")
def two_monitors() -> Iterator[XvfbDisplay]:
    display = start_xvfb_monitors(((0, 0, 1920, 1080), MONITOR_2))
    painter = Painter(display.name)
    painter.fill(MONITOR_2, (230, 30, 30))  # monitor 2 is red, monitor 1 stays black
    yield display
    painter.close()
    display.stop()


@pytest.fixture(scope="module")
def pair(server: RunningServer, two_monitors: XvfbDisplay, qapp: QApplication) -> Iterator[Pair]:
    # simultaneous_control: the customer-movement hold (tested in test_host_consent) must not drop a click here
    live = live_pair(server, two_monitors.name, {"simultaneous_control": True})
    yield live
    live.close()


def wait(qtbot: QtBot, condition: object, timeout: float = 20.0) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=int(timeout * 1000))  # type: ignore[operator]


def menu_entry(pair: Pair, text: str) -> QAction:
    return next(a for a in pair.viewer_tool.menu.actions() if a.text() == text)


def image_size(pair: Pair) -> tuple[int, int] | None:
    image = pair.window.view.image
    return None if image is None else (image.width(), image.height())


def click_at(qtbot: QtBot, pair: Pair, x: int, y: int, painter: Painter) -> tuple[tuple[int, int], tuple[int, int]]:
    """Click the viewer's picture at picture pixel (x, y): (the pixel the viewer sent, where the customer's
    pointer went). Scaled up, a view point inside each picture pixel exists; scaled down, the nearest one."""
    view, image = pair.window.view, pair.window.view.image
    assert image is not None
    rect = view.target_rect()
    point = QPoint(math.ceil(rect.x() + x * rect.width() / image.width()),
                   math.ceil(rect.y() + y * rect.height() / image.height()))
    sent: list[PointerButton] = []

    def note(message: object) -> None:
        if isinstance(message, PointerButton):
            sent.append(message)

    view.input_produced.connect(note)
    before = painter.pointer()
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    qtbot.waitUntil(lambda: len(sent) == 2 and painter.pointer() != before, timeout=10000)
    view.input_produced.disconnect(note)
    return (sent[0].x, sent[0].y), painter.pointer()


def test_the_agent_switches_to_monitor_2_and_to_all_and_clicks_land_exactly(
        pair: Pair, two_monitors: XvfbDisplay, qtbot: QtBot) -> None:
    wait(qtbot, lambda: len(pair.viewer_tool.menu.actions()) == 3)
    assert [a.text() for a in pair.viewer_tool.menu.actions()] == [
        "Monitor 1 (1920×1080)", "Monitor 2 (1280×720)", "All monitors (3200×1080)"]
    assert menu_entry(pair, "Monitor 1 (1920×1080)").isChecked()
    wait(qtbot, lambda: image_size(pair) == (1920, 1080))
    pair.session.request_control()
    wait(qtbot, lambda: pair.events.count(ControlGrant))
    painter = Painter(two_monitors.name)
    try:
        menu_entry(pair, "Monitor 2 (1280×720)").trigger()
        wait(qtbot, lambda: image_size(pair) == (1280, 720))
        assert pair.window.view.image.pixelColor(640, 360).red() > 200  # type: ignore[union-attr]
        assert menu_entry(pair, "Monitor 2 (1280×720)").isChecked()
        assert click_at(qtbot, pair, 100, 50, painter) == ((100, 50), (1920 + 100, 50))
        assert click_at(qtbot, pair, 1279, 719, painter) == ((1279, 719), (1920 + 1279, 719))  # the last pixel
        area = pair.app.blinders._area  # the blinder editor follows the shared monitor
        assert (area.left, area.top, area.width, area.height) == MONITOR_2
        menu_entry(pair, "All monitors (3200×1080)").trigger()
        wait(qtbot, lambda: image_size(pair) == (3200, 1080))
        image = pair.window.view.image
        assert image is not None and image.pixelColor(2500, 300).red() > 200 and image.pixelColor(900, 500) == \
            QColor(0, 0, 0)
        for x, y in ((2500, 300), (700, 900)):  # scaled down: the viewer's pixel is within one of the aim
            sent, landed = click_at(qtbot, pair, x, y, painter)
            assert abs(sent[0] - x) <= 2 and abs(sent[1] - y) <= 2 and landed == sent
        menu_entry(pair, "Monitor 1 (1920×1080)").trigger()
        wait(qtbot, lambda: image_size(pair) == (1920, 1080))
        sent, landed = click_at(qtbot, pair, 300, 200, painter)
        assert landed == sent
        area = pair.app.blinders._area
        assert (area.left, area.top, area.width, area.height) == (0, 0, 1920, 1080)
    finally:
        painter.close()


def test_screenshot_mode_by_hand_sends_a_still_each_interval_then_video_again(pair: Pair, qtbot: QtBot) -> None:
    pair.host_tool.still_interval = STILL_S
    wait(qtbot, lambda: pair.window.live)
    pair.viewer_tool.stills_action.trigger()
    wait(qtbot, lambda: pair.viewer_tool.mode == "stills")
    assert pair.viewer_tool.stills_action.isChecked() and pair.viewer_tool.mode_label.isVisible()
    assert pair.viewer_tool.mode_label.text() == "Screenshot mode: a picture every 5 s"
    assert "Screenshot mode: a picture every 5 s (the agent chose screenshot mode)" in \
        pair.window.statusBar().currentMessage()
    mark = time.monotonic() + 0.3  # frames already on their way may still be video
    wait(qtbot, lambda: len(pair.frames_since(mark)) >= 4)
    arrived = [(at, f) for at, f in list(pair.frames) if at >= mark]
    assert {f.codec for _at, f in arrived} == {"jpeg"} and all(f.keyframe for _at, f in arrived)
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(arrived)]
    assert min(gaps) > STILL_S * 0.6 and max(gaps) < STILL_S * 3  # one still per interval, no video between
    shown = pair.window._frames_shown
    wait(qtbot, lambda: pair.window._frames_shown > shown)  # stills are decoded and shown
    stills_mark = time.monotonic()
    pair.viewer_tool.stills_action.trigger()
    wait(qtbot, lambda: pair.viewer_tool.mode == "video")
    wait(qtbot, lambda: any(f.codec == "h264" and f.keyframe for f in pair.frames_since(stills_mark)))
    assert not pair.viewer_tool.mode_label.isVisible()
    assert [m.mode for m in pair.events.events if isinstance(m, VideoMode)][:2] == ["stills", "video"]


def test_screenshot_mode_is_refused_when_the_policy_says_no(server: RunningServer, qtbot: QtBot) -> None:
    display = start_xvfb(1024, 768)
    live = live_pair(server, display.name, {"screenshot_mode": False})
    try:
        wait(qtbot, live.viewer_tool.menu.actions)
        assert [a.text() for a in live.viewer_tool.menu.actions()] == ["Monitor 1 (1024×768)"]  # no "All"
        wait(qtbot, lambda: image_size(live) == (1024, 768))
        live.viewer_tool.stills_action.trigger()
        wait(qtbot, lambda: live.events.count(VideoMode))
        assert [m for m in live.events.events if isinstance(m, VideoMode)] == [VideoMode("video", NOT_ALLOWED)]
        assert not live.viewer_tool.stills_action.isChecked() and live.viewer_tool.mode == "video"
        assert "Screenshot mode is not available" in live.window.statusBar().currentMessage()
        mark = time.monotonic()
        qtbot.wait(1000)
        assert all(f.codec == "h264" for f in live.frames_since(mark - 2)) and live.app.session.pump.mode == "video"
        hidden = ViewerWindow(live.session, policy=ViewerPolicy({"screenshot_mode": False}))
        qtbot.addWidget(hidden)
        assert hidden.tools["display"].stills_action not in hidden.toolbar.actions()  # type: ignore[attr-defined]
    finally:
        live.close()
        display.stop()


def test_stalled_acks_switch_to_stills_by_themselves_and_flowing_acks_switch_back(
        pair: Pair, two_monitors: XvfbDisplay, qtbot: QtBot) -> None:
    pair.host_tool.still_interval = STILL_S
    wait(qtbot, lambda: pair.viewer_tool.mode == "video" and image_size(pair) == (1920, 1080))
    real_send, dropping = pair.session.link.send, [True]

    def send(message: object) -> None:  # the agent's link loses every acknowledgement for a while
        if not (dropping[0] and isinstance(message, FrameAck)):
            real_send(message)  # type: ignore[arg-type]

    pair.session.link.send = send  # type: ignore[method-assign]
    painter = Painter(two_monitors.name)
    try:
        for step in range(80):  # the customer's screen keeps changing, so frames keep wanting to go out
            painter.fill((100 + step * 8, 100, 8, 8), (20, 200, 20))
            qtbot.wait(100)
            if pair.viewer_tool.mode == "stills":
                break
        assert pair.viewer_tool.mode == "stills" and pair.viewer_tool.stills_action.isChecked()
        modes = [m for m in pair.events.events if isinstance(m, VideoMode)]
        assert modes[-1].reason.startswith("frames were not acknowledged for 3 s")
        dropping[0] = False
        wait(qtbot, lambda: pair.viewer_tool.mode == "video", timeout=15)
        assert [m for m in pair.events.events if isinstance(m, VideoMode)][-1] == \
            VideoMode("video", "frames are acknowledged again")
    finally:
        pair.session.link.send = real_send  # type: ignore[method-assign]
        painter.close()
