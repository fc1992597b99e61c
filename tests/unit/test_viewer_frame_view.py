"""The viewer's frame view: aspect-correct fit, exact pointer mapping, input only when enabled,
and every press it sends released (clamped releases, focus loss, input disabled)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from protocol.messages import KeyInput, PointerButton, PointerMove, Wheel
from protocol.wire import Modifier
from viewer.frame_view import FrameView, fit_rect
from viewer.keys import keysym_name, wire_modifiers


def test_fit_rect_letterboxes_a_wide_picture_in_a_square() -> None:
    rect = fit_rect(1920, 1080, 1000, 1000)
    assert (rect.x(), rect.width()) == (pytest.approx(0), pytest.approx(1000))
    assert rect.height() == pytest.approx(562.5)
    assert rect.y() == pytest.approx((1000 - 562.5) / 2)


@pytest.fixture()
def view(qtbot: QtBot) -> FrameView:
    widget = FrameView()
    qtbot.addWidget(widget)
    widget.resize(1000, 1000)
    widget.set_frame(np.zeros((1080, 1920, 4), dtype=np.uint8))
    return widget


def test_positions_map_back_to_exact_host_pixels(view: FrameView) -> None:
    rect = view.target_rect()
    assert view.to_host(QPointF(rect.x(), rect.y())) == (0, 0)
    assert view.to_host(rect.center()) == (960, 540)
    assert view.to_host(QPointF(rect.right() - 0.01, rect.bottom() - 0.01)) == (1919, 1079)
    assert view.to_host(QPointF(500, 10)) is None  # the black band above the picture


def test_input_is_produced_only_when_enabled(view: FrameView, qtbot: QtBot) -> None:
    produced: list[object] = []
    view.input_produced.connect(produced.append)
    centre = view.target_rect().center().toPoint()
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    assert produced == []
    view.input_enabled = True
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    assert produced[-2:] == [PointerButton(960, 540, 1, True), PointerButton(960, 540, 1, False)]
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert KeyInput("a", True, int(Modifier.CTRL), "a") in produced  # the host presses keys when Ctrl is held


def test_outside_the_picture_sends_nothing(view: FrameView) -> None:
    produced: list[object] = []
    view.input_produced.connect(produced.append)
    view.input_enabled = True
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(500, 5))
    assert produced == []


@pytest.mark.parametrize(("key", "text", "name"), [
    (Qt.Key.Key_Return, "\r", "Return"), (Qt.Key.Key_F5, "", "F5"), (Qt.Key.Key_A, "a", "a"),
    (0, "한", "한"), (Qt.Key.Key_Control, "", "Control_L"),
])
def test_keysym_names(key: int, text: str, name: str) -> None:
    assert keysym_name(int(key), text) == name


def test_modifier_bits() -> None:
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    assert wire_modifiers(mods) == int(Modifier.CTRL | Modifier.ALT)


def _send_mouse(view: FrameView, kind: QEvent.Type, pos: QPointF, button: Qt.MouseButton) -> None:
    held = Qt.MouseButton.NoButton if kind is QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, view.mapToGlobal(pos), button, held, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, event)


def _wheel(view: FrameView, dy: int) -> None:
    centre = view.target_rect().center()
    event = QWheelEvent(centre, view.mapToGlobal(centre), QPoint(), QPoint(0, dy), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)


@pytest.fixture()
def produced(view: FrameView) -> list[object]:
    messages: list[object] = []
    view.input_produced.connect(messages.append)
    view.input_enabled = True
    return messages


def test_a_release_outside_the_picture_is_clamped_to_its_edge_and_sent(view: FrameView,
                                                                        produced: list[object]) -> None:
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.target_rect().center().toPoint())
    _send_mouse(view, QEvent.Type.MouseMove, QPointF(500, 5), Qt.MouseButton.NoButton)  # dragged into the band
    _send_mouse(view, QEvent.Type.MouseButtonRelease, QPointF(-40, 990), Qt.MouseButton.LeftButton)  # off the widget
    assert produced == [PointerButton(960, 540, 1, True), PointerMove(960, 0), PointerButton(0, 1079, 1, False)]


def test_without_a_button_held_moves_outside_the_picture_send_nothing(view: FrameView,
                                                                     produced: list[object]) -> None:
    _send_mouse(view, QEvent.Type.MouseMove, QPointF(500, 5), Qt.MouseButton.NoButton)
    assert produced == []


def test_losing_focus_releases_held_keys_and_buttons(view: FrameView, produced: list[object]) -> None:
    centre = view.target_rect().center().toPoint()
    QTest.keyPress(view, Qt.Key.Key_Alt, Qt.KeyboardModifier.NoModifier)
    QTest.keyPress(view, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    QTest.mousePress(view, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, centre)
    del produced[:]
    QApplication.sendEvent(view, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.ActiveWindowFocusReason))
    assert produced == [PointerButton(960, 540, 3, False), KeyInput("a", False, 0, "a"),
                        KeyInput("Alt_L", False, 0, "")]
    QApplication.sendEvent(view, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.ActiveWindowFocusReason))
    assert len(produced) == 3  # nothing is released twice


def test_disabling_input_releases_what_is_held_then_sends_nothing(view: FrameView,
                                                                 produced: list[object]) -> None:
    QTest.keyPress(view, Qt.Key.Key_Control, Qt.KeyboardModifier.NoModifier)
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.target_rect().center().toPoint())
    del produced[:]
    view.input_enabled = False
    assert produced == [PointerButton(960, 540, 1, False), KeyInput("Control_L", False, 0, "")]
    assert not view.input_enabled
    QTest.keyRelease(view, Qt.Key.Key_Control, Qt.KeyboardModifier.NoModifier)
    assert len(produced) == 2


def test_a_key_release_names_the_keysym_that_was_pressed(view: FrameView, produced: list[object]) -> None:
    shift, none = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, shift, "A"))
    QApplication.sendEvent(view, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_A, none, "a"))  # Shift went up first
    assert produced == [KeyInput("A", True, int(Modifier.SHIFT), "A"), KeyInput("A", False, 0, "a")]


def test_small_wheel_deltas_add_up_to_whole_steps(view: FrameView, produced: list[object]) -> None:
    for _ in range(3):
        _wheel(view, 40)  # a touchpad: a third of a notch each
    assert produced == [Wheel(0, 1)]
    _wheel(view, -100)
    _wheel(view, -100)
    assert produced == [Wheel(0, 1), Wheel(0, -1)]  # -200 gives one step, -80 stays
    _wheel(view, 240)
    assert produced[-1] == Wheel(0, 1)  # -80 + 240 = 160: one step, 40 kept
