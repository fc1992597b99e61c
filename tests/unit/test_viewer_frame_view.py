"""The viewer's frame view: aspect-correct fit, exact pointer mapping, input only when enabled."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from protocol.messages import KeyInput, PointerButton
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
