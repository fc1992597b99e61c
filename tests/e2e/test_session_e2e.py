"""A whole session on Xvfb: host on display A, viewer window on display B, real server relay.

The frame tap proves what the agent sees (pixel checks); input from the viewer must
arrive in the probe window on display A, and nothing may arrive before control is granted.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from protocol.messages import KeyInput, PointerButton
from protocol.session import Role
from tests.xvfb import XvfbDisplay
from tools.harness import Child, issue_code, start_host, start_viewer
from tools.server_process import RunningServer
from transport.link import LinkConfig, relay_url
from transport.tls import pinned_ssl_context
from viewer.session import ViewerSession
from viewer.window import ViewerWindow

pytestmark = pytest.mark.e2e


class Tap:
    """Keeps the newest decoded frame (BGRA) from the viewer's frame tap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.frame: np.ndarray | None = None
        self.count = 0

    def __call__(self, frame: np.ndarray, t_decoded_ns: int) -> None:
        with self.lock:
            self.frame, self.count = frame, self.count + 1

    def pixel(self, x: int, y: int) -> tuple[int, int, int] | None:
        with self.lock:
            if self.frame is None:
                return None
            b, g, r = (int(v) for v in self.frame[y, x, :3])
        return r, g, b


def centre(rect: dict[str, int]) -> tuple[int, int]:
    return rect["x"] + rect["w"] // 2, rect["y"] + rect["h"] // 2


def near(colour: tuple[int, int, int] | None, target: tuple[int, int, int], tolerance: int = 24) -> bool:
    return colour is not None and all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


def events_of(child: Child, name: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in child.seen if line.startswith("{")]
    return [r for r in records if r.get("event") == name]


@pytest.fixture()
def viewer(server: RunningServer, probe: Child, xvfb: XvfbDisplay, qtbot: QtBot) -> Iterator[dict[str, Any]]:
    issued = issue_code(server)
    host = start_host(server, issued.code, xvfb.name, "--accept", "--grant-control")
    tap = Tap()
    context = pinned_ssl_context(server.url, fingerprint=server.fingerprint)
    config = LinkConfig(relay_url(server.url, issued.session_id, Role.VIEWER), issued.token, Role.VIEWER,
                        bytes.fromhex(issued.secret), context)
    holder: list[ViewerWindow] = []

    def on_event(event: object) -> None:
        if holder:
            holder[0].deliver(event)

    session = ViewerSession(config, on_event, tap)
    window = ViewerWindow(session)
    holder.append(window)
    qtbot.addWidget(window)
    window.show()
    session.start()
    yield {"session": session, "window": window, "tap": tap, "host": host}
    session.close()
    host.stop()


def type_into(widget: QWidget, text: str) -> None:
    """Key events for ``text`` as a keyboard (or an input method, for non-ASCII) would send them."""
    for char in text:
        if char.isascii():
            QTest.keyClick(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def view_point(window: ViewerWindow, host_x: int, host_y: int) -> QPoint:
    rect = window.view.target_rect()
    image = window.view.image
    assert image is not None
    x = rect.x() + (host_x + 0.5) * rect.width() / image.width()
    y = rect.y() + (host_y + 0.5) * rect.height() / image.height()
    return QPoint(int(x), int(y))


def test_the_viewer_sees_the_customer_screen(viewer: dict[str, Any], probe: Child, qtbot: QtBot) -> None:
    tap: Tap = viewer["tap"]
    panel = json.loads(probe.seen[0])["panel"] if probe.seen[0].startswith("{") else None
    assert panel is not None
    x, y = centre(panel)
    probe.write("color 220 30 30")
    qtbot.waitUntil(lambda: near(tap.pixel(x, y), (220, 30, 30)), timeout=20000)
    probe.write("color 20 160 60")
    qtbot.waitUntil(lambda: near(tap.pixel(x, y), (20, 160, 60)), timeout=10000)
    window: ViewerWindow = viewer["window"]
    qtbot.waitUntil(lambda: window.view.image is not None, timeout=5000)
    assert (window.view.image.width(), window.view.image.height()) == (1920, 1080)


def test_input_arrives_only_after_control_is_granted(viewer: dict[str, Any], probe: Child,
                                                     qtbot: QtBot) -> None:
    window: ViewerWindow = viewer["window"]
    session: ViewerSession = viewer["session"]
    ready = events_of(probe, "ready")[0]
    edit_x, edit_y = centre(ready["edit"])
    qtbot.waitUntil(window.request_control_action.isEnabled, timeout=20000)
    # Before any grant, input sent straight down the channel must be dropped by the host.
    session.send(PointerButton(edit_x, edit_y, 1, True))
    session.send(PointerButton(edit_x, edit_y, 1, False))
    session.send(KeyInput("x", True, 0, "x"))
    session.send(KeyInput("x", False, 0, "x"))
    qtbot.wait(1500)
    assert events_of(probe, "text") == []
    assert events_of(probe, "pressed") == []
    window.request_control_action.trigger()
    qtbot.waitUntil(lambda: window.view.input_enabled, timeout=10000)
    QTest.mouseClick(window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view_point(window, edit_x, edit_y))
    type_into(window.view, "hello 안녕하세요")
    qtbot.waitUntil(lambda: any(e["text"] == "hello 안녕하세요" for e in events_of(probe, "text")), timeout=15000)
    button_x, button_y = centre(ready["button"])
    QTest.mouseClick(window.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view_point(window, button_x, button_y))
    qtbot.waitUntil(lambda: bool(events_of(probe, "clicked")), timeout=10000)
    host: Child = viewer["host"]
    window.end_action.trigger()
    ended = host.wait_event("ended", timeout=2.5)
    assert ended["input_dropped"] >= 4
    assert ended["reason"] == "ended by the agent"


@pytest.mark.parametrize(("how", "reason_part"), [
    (signal.SIGTERM, "the host program was stopped"),
    (signal.SIGKILL, "left"),
])
def test_the_customer_side_ending_closes_the_viewer_within_two_seconds(
        server: RunningServer, xvfb: XvfbDisplay, how: signal.Signals, reason_part: str) -> None:
    issued = issue_code(server)
    host = start_host(server, issued.code, xvfb.name, "--accept")
    viewer = start_viewer(server, issued, None)
    try:
        viewer.wait_event("live", timeout=30)
        host.wait_event("live", timeout=10)
        started = time.monotonic()
        host.process.send_signal(how)
        ended = viewer.wait_event("ended", timeout=2.0)
        assert time.monotonic() - started < 2.0
        assert reason_part in ended["reason"]
        assert viewer.process.wait(5) == 0
    finally:
        viewer.stop()
        host.stop()
