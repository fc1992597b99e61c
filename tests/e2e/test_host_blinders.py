"""Blinders on a real Xvfb screen: the marker inside a blinder never reaches a frame the host sends.

The marker is a plain X11 window whose background the X server itself paints bright magenta, on
the customer's display; the pump grabs, blinds, encodes for real, and the test decodes every frame
it sent. A cyan window outside the blinders proves in every frame that colours do come through.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from Xlib import X
from Xlib import display as xdisplay

from capture.blinders import BlinderSet
from capture.encoder import EncodedFrame
from capture.windows import X11Windows
from host_module.blinder_editor import BlinderController
from host_module.video import VideoPump
from protocol.messages import BlinderRegions, Message, VideoFrame, pack_rects, unpack_rects
from tests.xvfb import XvfbDisplay
from viewer.decoder import H264Decoder
from viewer.frame_view import HATCH_COLOUR
from viewer.window import ViewerWindow

MAGENTA = 0xFF00FF
CYAN = 0x00FFFF


class XWindow:
    """A bare X11 window on the customer's display, painted one colour by the X server."""

    def __init__(self, display_name: str, rect: tuple[int, int, int, int], pixel: int, title: str) -> None:
        self._display: Any = xdisplay.Display(display_name)
        screen = self._display.screen()
        x, y, width, height = rect
        self.window: Any = screen.root.create_window(x, y, width, height, 0, screen.root_depth, X.InputOutput,
                                                     X.CopyFromParent, background_pixel=pixel)
        self.window.set_wm_name(title)
        self.window.map()
        self._display.sync()

    @property
    def window_id(self) -> int:
        return int(self.window.id)

    def move(self, x: int, y: int) -> None:
        self.window.configure(x=x, y=y)
        self._display.sync()

    def destroy(self) -> None:
        self.window.destroy()
        self._display.sync()

    def close(self) -> None:
        self._display.close()


class Viewer:
    """What the host sent, acknowledged at once like a fast viewer."""

    def __init__(self) -> None:
        self.pump: VideoPump | None = None
        self.frames: list[VideoFrame] = []
        self.regions: list[list[tuple[int, int, int, int]]] = []
        self.frames_before_regions: list[int] = []  # len(frames) when each BlinderRegions came
        self.changed = threading.Condition()

    def __call__(self, message: Message) -> None:
        with self.changed:
            if isinstance(message, VideoFrame):
                self.frames.append(message)
            elif isinstance(message, BlinderRegions):
                self.regions.append(unpack_rects(message.rects))
                self.frames_before_regions.append(len(self.frames))
            self.changed.notify_all()
        if isinstance(message, VideoFrame) and self.pump is not None:
            self.pump.acknowledge(message.frame_id)

    def wait(self, condition: Any, timeout: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: condition(self), timeout)

    def decoded(self) -> list[np.ndarray]:
        """Every frame sent, decoded in order (BGRA)."""
        decoder = H264Decoder()
        with self.changed:
            frames = list(self.frames)
        images = [decoder.decode(frame.data) for frame in frames]
        assert all(image is not None for image in images)
        return [image for image in images if image is not None]


def colour_pixels(image: np.ndarray, rgb: int) -> int:
    """How many pixels are close to ``rgb``, whose channels are 0 or 255 (H.264 is lossy: within 60)."""
    near = np.ones(image.shape[:2], dtype=bool)
    for channel, shift in enumerate((0, 8, 16)):  # B, G, R
        values = image[:, :, channel]
        near &= values > 195 if (rgb >> shift) & 0xFF else values < 60
    return int(near.sum())


@pytest.fixture()
def windows(xvfb: XvfbDisplay) -> Iterator[list[XWindow]]:
    """The test's windows, on a light grey desktop (so a moving black area changes the picture)."""
    desktop: Any = xdisplay.Display(xvfb.name)
    root = desktop.screen().root
    root.change_attributes(background_pixel=0xC0C0C0)
    root.clear_area()
    desktop.sync()
    made: list[XWindow] = []
    yield made
    for window in made:
        window.close()
    desktop.close()


@pytest.fixture()
def viewer() -> Viewer:
    return Viewer()


def start_pump(xvfb: XvfbDisplay, viewer: Viewer, blinders: BlinderSet) -> VideoPump:
    pump = VideoPump(xvfb.name, viewer, blinders=blinders)
    viewer.pump = pump
    pump.start()
    return pump


def test_a_rectangle_blinder_hides_the_marker_in_every_frame(xvfb: XvfbDisplay, windows: list[XWindow],
                                                             viewer: Viewer) -> None:
    marker = XWindow(xvfb.name, (200, 150, 320, 240), MAGENTA, "Marker")
    control = XWindow(xvfb.name, (900, 500, 200, 150), CYAN, "Control")
    windows += [marker, control]
    blinders = BlinderSet()
    blinder_id = blinders.add_rect((190, 140, 340, 260))
    pump = start_pump(xvfb, viewer, blinders)
    try:
        for step in range(20):  # keep the screen changing: every step is a new frame
            control.move(900 + step * 20, 500)
            time.sleep(0.02)
        assert viewer.wait(lambda v: len(v.frames) >= 10)
        assert blinder_id is not None
        blinders.remove(blinder_id)  # the marker is shown from now on: proves the check can see it
        assert viewer.wait(lambda v: v.regions[-1:] == [[]] and len(v.frames) > v.frames_before_regions[-1])
    finally:
        pump.stop()
    images = viewer.decoded()
    assert viewer.regions == [[(190, 140, 340, 260)], []]
    blinded = viewer.frames_before_regions[-1]
    assert blinded >= 10
    assert viewer.frames[0].keyframe and viewer.frames[blinded].keyframe  # removal: a fresh keyframe
    for image in images[:blinded]:
        assert colour_pixels(image, MAGENTA) == 0
        assert colour_pixels(image, CYAN) > 20000
        assert image[142:398, 192:528, :3].max() < 24  # the blinded area is black
    assert colour_pixels(images[-1], MAGENTA) > 70000


def test_a_window_blinder_follows_the_moving_window(xvfb: XvfbDisplay, windows: list[XWindow],
                                                    viewer: Viewer) -> None:
    marker = XWindow(xvfb.name, (100, 100, 300, 200), MAGENTA, "Marker")
    control = XWindow(xvfb.name, (1500, 800, 200, 150), CYAN, "Control")
    windows += [marker, control]
    source = X11Windows(xvfb.name)
    blinders = BlinderSet(source)
    assert blinders.add_window(marker.window_id, "Marker") is not None
    pump = start_pump(xvfb, viewer, blinders)
    try:
        assert viewer.wait(lambda v: len(v.frames) >= 1)
        for step in range(150):  # about 1.5 s of dragging, faster than the pump samples
            marker.move(100 + step * 7, 100 + step * 4)
            time.sleep(0.004)
        assert viewer.wait(lambda v: (v.regions and v.regions[-1] == [(1143, 696, 300, 200)]))
        sent_while_moving = len(viewer.frames)
        marker.destroy()  # the window is gone: so is its blinder
        assert viewer.wait(lambda v: v.regions[-1] == [])
    finally:
        pump.stop()
        source.close()
    assert sent_while_moving >= 20
    assert blinders.blinders() == []
    for image in viewer.decoded():
        assert colour_pixels(image, MAGENTA) == 0
        assert colour_pixels(image, CYAN) > 20000


def test_while_paused_nothing_is_grabbed_or_sent(xvfb: XvfbDisplay, windows: list[XWindow],
                                                 viewer: Viewer) -> None:
    control = XWindow(xvfb.name, (100, 100, 200, 150), CYAN, "Control")
    windows.append(control)
    pump = start_pump(xvfb, viewer, BlinderSet())
    try:
        assert viewer.wait(lambda v: len(v.frames) >= 1)
        pump.set_paused(True)
        count = len(viewer.frames)
        for step in range(10):
            control.move(100 + step * 30, 100)
            time.sleep(0.03)
        assert len(viewer.frames) == count
        pump.set_paused(False)
        assert viewer.wait(lambda v: len(v.frames) > count)
        assert viewer.frames[count].keyframe
    finally:
        pump.stop()


def test_packet_listeners_get_the_packets_sent(xvfb: XvfbDisplay, windows: list[XWindow], viewer: Viewer) -> None:
    marker = XWindow(xvfb.name, (100, 100, 200, 150), MAGENTA, "Marker")
    control = XWindow(xvfb.name, (600, 100, 200, 150), CYAN, "Control")
    windows += [marker, control]
    blinders = BlinderSet()
    blinders.add_rect((100, 100, 200, 150))
    heard: list[tuple[EncodedFrame, int]] = []
    pump = VideoPump(xvfb.name, viewer, blinders=blinders)
    viewer.pump = pump
    pump.add_packet_listener(lambda packet, capture_ns: heard.append((packet, capture_ns)))
    pump.add_packet_listener(lambda packet, capture_ns: 1 / 0)  # a broken listener is dropped, video goes on
    pump.start()
    try:
        assert viewer.wait(lambda v: len(v.frames) >= 1)
        for step in range(5):
            control.move(600 + step * 10, 100)
            time.sleep(0.05)
        assert viewer.wait(lambda v: len(v.frames) >= 5)
    finally:
        pump.stop()
    assert [packet.data for packet, _ in heard] == [frame.data for frame in viewer.frames]
    assert [ns for _, ns in heard] == [frame.capture_ns for frame in viewer.frames]
    assert all(colour_pixels(image, MAGENTA) == 0 for image in viewer.decoded())


# The customer's editor and outlines, and the viewer's hatching (Qt, on the test's own Xvfb display).


@pytest.fixture()
def qt_windows(qt_display: XvfbDisplay) -> Iterator[X11Windows]:
    source = X11Windows(qt_display.name)
    yield source
    source.close()


def make_controller(qtbot: QtBot, policy: dict[str, object], windows: X11Windows | None = None) -> BlinderController:
    controller = BlinderController(BlinderSet(windows), policy, windows)
    qtbot.addWidget(controller.outlines)
    controller.set_monitor(0, 0, 1920, 1080)
    return controller


def drag(widget: QWidget, start: QPoint, end: QPoint) -> None:
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(widget, end)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def test_autorun_opens_the_editor_where_a_drag_makes_a_blinder(qtbot: QtBot) -> None:
    controller = make_controller(qtbot, {"blinder": True, "blinder_autorun": True})
    with qtbot.waitSignal(controller.editing_changed) as opened:
        controller.sharing_started()
    assert opened.args == [True]
    editor = controller.editor
    assert editor is not None
    qtbot.addWidget(editor)
    qtbot.waitExposed(editor)
    drag(editor, QPoint(300, 500), QPoint(500, 600))
    drag(editor, QPoint(700, 700), QPoint(703, 703))  # a click, not an area
    assert [b.rect for b in controller.blinders.blinders()] == [(300, 500, 200, 100)]
    assert editor.list.count() == 1
    with qtbot.waitSignal(controller.editing_changed) as closed:
        QTest.mouseClick(editor.done_button, Qt.MouseButton.LeftButton)
    assert closed.args == [False] and not editor.isVisible()
    qtbot.waitUntil(controller.outlines.isVisible)
    mask = controller.outlines.mask()
    assert mask.contains(QPoint(301, 550)) and mask.contains(QPoint(400, 598))  # the frame inside the area
    assert not mask.contains(QPoint(400, 550)) and not mask.contains(QPoint(299, 550))  # not its middle, not out
    controller.sharing_started()  # autorun happens once per session
    assert not editor.isVisible()
    controller.close()
    assert not controller.outlines.isVisible()


def test_without_the_blinder_option_there_is_no_editor(qtbot: QtBot) -> None:
    controller = make_controller(qtbot, {"blinder": False, "blinder_autorun": True})
    controller.sharing_started()
    assert controller.open_editor() is False
    assert controller.editor is None and not controller.outlines.isVisible()


def test_a_window_picked_in_the_editor_is_hidden_wherever_it_goes(qtbot: QtBot, qt_display: XvfbDisplay,
                                                                  qt_windows: X11Windows) -> None:
    secret = XWindow(qt_display.name, (1200, 300, 240, 160), MAGENTA, "Secret bank")
    try:
        controller = make_controller(qtbot, {"blinder": True}, qt_windows)
        controller.sharing_started()
        assert controller.editor is None  # no autorun: the customer opens it
        assert controller.open_editor()
        editor = controller.editor
        assert editor is not None
        qtbot.addWidget(editor)
        titles = [editor.window_box.itemText(i) for i in range(editor.window_box.count())]
        assert "Secret bank" in titles
        assert editor.windowTitle() not in titles  # not our own windows
        editor.window_box.setCurrentIndex(titles.index("Secret bank"))
        QTest.mouseClick(editor.hide_window_button, Qt.MouseButton.LeftButton)
        assert controller.blinders.regions() == [(1200, 300, 240, 160)]
        assert "Secret bank" in editor.list.item(0).text()
        editor.done()
        secret.move(100, 700)
        assert controller.blinders.regions() == [(100, 700, 240, 160)]
        qtbot.waitUntil(lambda: controller.outlines.rects == [QRect(100, 700, 240, 160)])
        QTest.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)  # works while hidden too
    finally:
        secret.destroy()
        secret.close()
    controller.close()


class StubSession:
    def send(self, message: Message) -> None:
        pass

    def end(self, reason: str) -> None:
        pass


def test_the_viewer_hatches_the_blinded_areas(qtbot: QtBot) -> None:
    window = ViewerWindow(StubSession())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    view = window.view
    view.set_frame(np.full((1080, 1920, 4), 128, dtype=np.uint8))
    window.deliver(BlinderRegions(pack_rects([(0, 0, 960, 540)])))
    qtbot.waitUntil(lambda: view.blinders == [(0, 0, 960, 540)])
    target = view.target_rect()
    [hatched] = view.blinder_rects()
    assert hatched.width() == pytest.approx(target.width() / 2) and hatched.topLeft() == target.topLeft()
    picture = view.grab().toImage()
    inside = {picture.pixelColor(x, y).name() for x in range(int(target.x()) + 2, int(hatched.right()) - 2)
              for y in (int(target.y()) + 10, int(hatched.center().y()))}
    outside = {picture.pixelColor(x, int(target.bottom()) - 10).name()
               for x in range(int(hatched.right()) + 4, int(target.right()) - 2)}
    assert HATCH_COLOUR.name() in inside
    assert HATCH_COLOUR.name() not in outside
    window.deliver(BlinderRegions(b""))
    qtbot.waitUntil(lambda: view.blinders == [])
