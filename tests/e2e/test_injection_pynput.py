"""PynputInjector on a private Xvfb display: pointer, buttons, wheel, keys and Unicode text.

A subprocess shows a full-screen QLineEdit on the ``xvfb`` display and prints a JSON line for
every text change, mouse press and wheel turn. The test process's own DISPLAY is another
display, so the injector must reach the one it is given.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import Xlib.display

from input_injection.gate import ControlGate
from input_injection.injector import PynputInjector
from input_injection.keymap import Modifier
from tests.xvfb import XvfbDisplay

pytestmark = pytest.mark.e2e

Event = dict[str, Any]
EDIT_APP = """
import json, sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit

def emit(**record):
    print(json.dumps(record), flush=True)

class Edit(QLineEdit):
    def mousePressEvent(self, event):
        pos = event.globalPosition().toPoint()
        emit(event="pressed", button=int(event.button().value), x=pos.x(), y=pos.y())
        super().mousePressEvent(event)

    def wheelEvent(self, event):
        emit(event="wheel", dx=event.angleDelta().x(), dy=event.angleDelta().y())

app = QApplication(sys.argv[:1])
edit = Edit()
edit.setWindowFlag(Qt.WindowType.FramelessWindowHint)
edit.setGeometry(0, 0, 1920, 1080)
edit.textChanged.connect(lambda text: emit(event="text", text=text))
edit.show()
QTimer.singleShot(300, lambda: emit(event="ready"))
sys.exit(app.exec())
"""


class EditApp:
    """The line-edit subprocess and the events it printed."""

    def __init__(self, display: XvfbDisplay) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", EDIT_APP], env=display.env(),
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, encoding="utf-8")  # fmt: skip
        self.events: queue.Queue[Event] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.events.put(json.loads(line))

    def wait(self, matches: Callable[[Event], bool], timeout: float = 20.0) -> Event:
        """The first event (from now on) that matches; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no matching event within {timeout} s") from None
            if matches(event):
                return event

    def wait_text(self, text: str) -> None:
        self.wait(lambda e: e["event"] == "text" and e["text"] == text)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture()
def app(xvfb: XvfbDisplay) -> Iterator[EditApp]:
    edit_app = EditApp(xvfb)
    try:
        edit_app.wait(lambda e: e["event"] == "ready")
        yield edit_app
    finally:
        edit_app.stop()


@pytest.fixture()
def injector(xvfb: XvfbDisplay) -> Iterator[PynputInjector]:
    before = os.environ.get("DISPLAY")
    pynput_injector = PynputInjector(xvfb.name)
    assert os.environ.get("DISPLAY") == before != xvfb.name
    yield pynput_injector
    pynput_injector.close()


def pointer(display: XvfbDisplay) -> tuple[int, int]:
    connection = Xlib.display.Display(display.name)
    try:
        reply = connection.screen().root.query_pointer()
        return reply.root_x, reply.root_y
    finally:
        connection.close()


def click(injector: PynputInjector, x: int, y: int, button: int = 1) -> None:
    injector.button(x, y, button, True)
    injector.button(x, y, button, False)


def test_move_reaches_the_given_display(xvfb: XvfbDisplay, injector: PynputInjector) -> None:
    for x, y in [(123, 456), (1919, 0), (0, 1079), (960, 540)]:
        injector.move(x, y)
        assert pointer(xvfb) == (x, y)


def test_click_and_type_korean_text_into_a_qt_line_edit(app: EditApp, injector: PynputInjector) -> None:
    click(injector, 700, 400)
    pressed = app.wait(lambda e: e["event"] == "pressed")
    assert (pressed["button"], pressed["x"], pressed["y"]) == (1, 700, 400)
    injector.type_text("hello 한글 안녕하세요 é")
    app.wait_text("hello 한글 안녕하세요 é")
    injector.key("BackSpace", True)
    injector.key("BackSpace", False)
    app.wait_text("hello 한글 안녕하세요 ")


def test_shortcut_keys_go_through_xtest(app: EditApp, injector: PynputInjector) -> None:
    click(injector, 100, 100)
    injector.type_text("abc")
    app.wait_text("abc")
    injector.key("Control_L", True)
    injector.key("a", True)
    injector.key("a", False)
    injector.key("Control_L", False)
    injector.type_text("Ω")
    app.wait_text("Ω")


def test_right_button_and_wheel(app: EditApp, injector: PynputInjector) -> None:
    injector.move(50, 60)
    injector.wheel(0, 1)  # first: the right button may open a context menu that takes the wheel
    assert app.wait(lambda e: e["event"] == "wheel")["dy"] > 0
    injector.button(50, 60, 3, True)
    assert app.wait(lambda e: e["event"] == "pressed")["button"] == 2  # Qt.MouseButton.RightButton
    injector.button(50, 60, 3, False)
    injector.key("Escape", True)  # close a context menu, if one opened
    injector.key("Escape", False)


def test_gate_drops_input_until_granted(app: EditApp, injector: PynputInjector) -> None:
    gate = ControlGate(injector)
    click(injector, 300, 300)
    gate.type_text("dropped")
    gate.key_input("x", True, 0, "x")
    assert gate.dropped == 2
    gate.grant()
    gate.key_input("H", True, Modifier.SHIFT, "H")
    gate.key_input("H", False, Modifier.SHIFT, "H")
    gate.key_input("i", True, 0, "i")
    gate.key_input("i", False, 0, "i")
    app.wait_text("Hi")
    gate.revoke()
    assert gate.dropped == 2 and gate.failed == 0
