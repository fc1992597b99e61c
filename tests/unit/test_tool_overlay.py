"""Laser pointer, pen and mouse trace in pieces: the trace batching, the customer's overlay, the viewer's modes.

The session is the seam: the viewer's is a stub that records what would be sent; the overlay window and
the viewer window are real widgets on the test's display.
"""

from __future__ import annotations

import threading
import time
from typing import TypeVar

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from host_module.tools.overlay import colour_of
from host_module.tools.overlay_trace import TraceBatcher, TraceSampler, on_monitor
from host_module.tools.overlay_window import MAX_STROKES, OverlayWindow
from protocol.events import SessionLive
from protocol.messages import (
    CursorTrace,
    DrawCommand,
    DrawStroke,
    LaserPointer,
    Message,
    PointerMove,
    ToolRequest,
    ToolResult,
    pack_points,
    unpack_points,
)
from viewer.policy import ViewerPolicy
from viewer.tools.overlay import OverlayTools
from viewer.tools.overlay_layer import view_position
from viewer.window import ViewerWindow

M = TypeVar("M")


class RecordingSession:
    """What the viewer window uses of a ViewerSession; keeps what would be sent."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def end(self, reason: str) -> None:
        pass

    def of(self, kind: type[M]) -> list[M]:
        return [m for m in self.sent if isinstance(m, kind)]


def test_trace_positions_are_pixels_of_the_shared_monitor() -> None:
    assert on_monitor((1930, 20), (1920, 0, 1280, 1024)) == (10, 20)
    assert on_monitor((100, 20), (1920, 0, 1280, 1024)) is None  # the other monitor
    assert on_monitor((100, 20), None) is None


def test_the_first_move_goes_at_once_then_in_batches_and_a_still_pointer_sends_nothing() -> None:
    batcher = TraceBatcher(per_message=3)
    assert batcher.add((5, 5)) == [(5, 5)]
    assert batcher.add((6, 5)) is None and batcher.add((6, 5)) is None
    assert batcher.add((7, 5)) == [(6, 5), (7, 5)]
    assert [batcher.add((7, 5)) for _ in range(6)] == [None] * 6
    assert [batcher.add(None) for _ in range(3)] == [None] * 3  # off the monitor: nothing


def test_the_sampler_sends_cursor_traces_until_stopped_and_none_while_withheld() -> None:
    positions = iter([(110, 60), (120, 60), (130, 70)] + [(130, 70)] * 10_000)
    sent: list[CursorTrace] = []
    withheld = threading.Event()
    sampler = TraceSampler(lambda: lambda: next(positions), sent.append, lambda: (100, 50, 800, 600),
                           withheld.is_set, interval_s=0.002)
    sampler.start()
    deadline = time.monotonic() + 5
    while [p for m in sent for p in unpack_points(m.points)][-1:] != [(30, 20)] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [p for m in sent for p in unpack_points(m.points)] == [(10, 10), (20, 10), (30, 20)]
    withheld.set()
    sampler.stop()
    sampler.join()
    assert not sampler.running and sampler.sent == len(sent)


def test_colours_come_as_rgba() -> None:
    assert colour_of(0x1E6EFF80) == QColor(0x1E, 0x6E, 0xFF, 0x80)


def test_the_overlay_shows_only_what_is_drawn(qtbot: QtBot) -> None:
    window = OverlayWindow()
    qtbot.addWidget(window)
    window.set_area(0, 0, 800, 600)
    assert not window.isVisible()
    window.add_points(7, QColor(255, 0, 0), 6, [(100, 100), (200, 100)])
    window.add_points(7, QColor(255, 0, 0), 6, [(200, 200)])  # the same stroke goes on
    assert window.isVisible() and list(window.strokes) == [7]
    shape = window.mask()
    assert shape.contains(QPoint(150, 100)) and shape.contains(QPoint(200, 150))  # the joining segment too
    assert not shape.contains(QPoint(150, 110)) and not shape.contains(QPoint(400, 400))
    flags = window.windowFlags()
    assert flags & Qt.WindowType.WindowTransparentForInput and flags & Qt.WindowType.WindowStaysOnTopHint
    assert flags & Qt.WindowType.Tool and flags & Qt.WindowType.FramelessWindowHint
    window.set_laser(400, 400, True)
    assert window.mask().contains(QPoint(400, 400)) and not window.mask().contains(QPoint(400, 420))
    window.set_laser(400, 400, False)
    assert not window.mask().contains(QPoint(400, 400))
    window.add_points(8, QColor(0, 0, 255), 4, [(300, 300)])
    window.undo(7)
    assert list(window.strokes) == [8] and not window.mask().contains(QPoint(150, 100))
    window.clear()
    assert not window.isVisible() and not window.strokes


def test_the_oldest_stroke_goes_beyond_the_limit(qtbot: QtBot) -> None:
    window = OverlayWindow()
    qtbot.addWidget(window)
    window.set_area(0, 0, 400, 300)
    for stroke_id in range(1, MAX_STROKES + 2):
        window.add_points(stroke_id, QColor(255, 0, 0), 2, [(stroke_id % 300, 10)])
    assert len(window.strokes) == MAX_STROKES and 1 not in window.strokes
    window.reset()
    assert not window.isVisible()


def viewer(qtbot: QtBot, policy: ViewerPolicy | None = None) -> tuple[ViewerWindow, OverlayTools, RecordingSession]:
    session = RecordingSession()
    window = ViewerWindow(session, policy=policy or ViewerPolicy({"mouse_trace": True}))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    window.view.set_frame(np.full((1080, 1920, 4), 90, dtype=np.uint8))
    window.view.input_enabled = True  # control granted: only the modes keep input back
    window.deliver(SessionLive())
    qtbot.waitUntil(lambda: window.live, timeout=2000)
    tool = window.tools["overlay"]
    assert isinstance(tool, OverlayTools)
    return window, tool, session


def at(window: ViewerWindow, x: int, y: int) -> QPoint:
    position = view_position(window.view, (x, y))
    assert position is not None
    return position.toPoint()


def move(window: ViewerWindow, position: QPoint) -> None:
    """A mouse move over the view, delivered at once (no window-system round trip)."""
    global_position = QPointF(window.view.mapToGlobal(position))
    QApplication.sendEvent(window.view, QMouseEvent(QEvent.Type.MouseMove, QPointF(position), global_position,
                                                    Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                                    Qt.KeyboardModifier.NoModifier))


def test_the_tools_appear_only_when_the_options_allow_them(qtbot: QtBot) -> None:
    window, tool, _ = viewer(qtbot, ViewerPolicy({"laser_pointer": False, "drawing": True}))
    on_bar = window.toolbar.actions()
    assert tool.pen_action in on_bar
    assert tool.laser_action not in on_bar and tool.trace_action not in on_bar  # mouse_trace is off by default


def test_the_laser_sends_the_newest_position_at_most_30_times_a_second(qtbot: QtBot) -> None:
    window, tool, session = viewer(qtbot)
    tool.laser_action.setChecked(True)
    for x in range(100, 400, 3):
        QTest.mouseMove(window.view, at(window, x, 300))
    host = window.view.to_host(QPointF(at(window, 397, 300)))
    assert host is not None
    qtbot.waitUntil(lambda: session.of(LaserPointer)[-1:] == [LaserPointer(*host, True)], timeout=2000)
    assert len(session.of(LaserPointer)) <= 3  # all of that within one or two ticks
    assert session.of(PointerMove) == []  # nothing of it moved the customer's mouse
    QApplication.sendEvent(window.view, QEvent(QEvent.Type.Leave))
    qtbot.waitUntil(lambda: session.of(LaserPointer)[-1] == LaserPointer(*host, False), timeout=2000)
    QTest.mouseMove(window.view, at(window, 500, 500))
    qtbot.waitUntil(lambda: session.of(LaserPointer)[-1].visible, timeout=2000)
    tool.laser_action.setChecked(False)
    assert session.of(LaserPointer)[-1].visible is False
    move(window, at(window, 510, 500))
    assert session.of(PointerMove)  # the mode is off: input goes to the customer again


def test_a_drag_is_one_stroke_in_host_pixels_and_undo_and_clear_follow(qtbot: QtBot) -> None:
    window, tool, session = viewer(qtbot)
    tool.pen_action.trigger()
    points = [(100, 100), (300, 120), (500, 160), (700, 200)]
    QTest.mousePress(window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(window, *points[0]))
    for point in points[1:]:
        QTest.mouseMove(window.view, at(window, *point), 40)
    QTest.mouseRelease(window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       at(window, *points[-1]), 40)
    strokes = session.of(DrawStroke)
    assert {s.stroke_id for s in strokes} == {1} and len(strokes) >= 2
    sent = [p for s in strokes for p in unpack_points(s.points)]
    assert sent == [window.view.to_host(QPointF(at(window, *p))) for p in points]
    assert strokes[0] == DrawStroke(1, 0xE61E1EFF, 6, pack_points(sent[:1]))  # the dot at once, red, medium
    assert session.of(PointerMove) == [] and session.of(DrawCommand) == []  # the drag drew, and only drew
    tool.undo()
    tool.clear()
    assert session.of(DrawCommand) == [DrawCommand("undo", 1), DrawCommand("clear")]
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert tool.mode == "" and not tool.pen_action.isChecked()


def test_the_trace_is_asked_for_and_drawn_over_the_picture(qtbot: QtBot) -> None:
    window, tool, session = viewer(qtbot)
    tool.trace_action.trigger()
    [request] = session.of(ToolRequest)
    assert (request.tool, request.argument) == ("mouse_trace", "on")
    window.deliver(CursorTrace(pack_points([(960, 540), (970, 545)])))
    qtbot.waitUntil(lambda: tool.layer.latest == (970, 545), timeout=2000)
    centre = at(window, 970, 545)
    assert window.view.grab().toImage().pixelColor(centre) == QColor(255, 200, 0)
    window.deliver(ToolResult(request.request_id, "mouse_trace", False, "not here"))
    qtbot.waitUntil(lambda: not tool.trace_action.isChecked(), timeout=2000)
    assert tool.layer.latest is None and len(session.of(ToolRequest)) == 1  # no "off" for a refused trace
