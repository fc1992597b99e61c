"""The viewer window at 1:1 with scrolling clicks the exact host pixel; what the policy forbids stays off.

A real XTEST click (xdotool) on the viewer window on the test's Qt display must reach the probe window
on the customer's Xvfb display at the host pixel under the pointer. The host's policy here forbids
agent-side recording, so a request for it is refused by the host without asking the customer; the
agent's options switch screen save off, so it is not on the toolbar at all.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from tests.e2e.test_tool_screen_capture import LiveWindow, open_live_window, wait_live
from tests.xvfb import XvfbDisplay
from tools.harness import Child
from tools.server_process import RunningServer

pytestmark = pytest.mark.e2e


def pressed(probe: Child) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in probe.seen if line.startswith("{")]
    return [r for r in records if r.get("event") == "pressed"]


@pytest.fixture()
def live(server: RunningServer, probe: Child, xvfb: XvfbDisplay, qtbot: QtBot) -> Iterator[LiveWindow]:
    side = open_live_window(server, xvfb.name, {"recording_agent": False, "recording_customer": False},
                            {"recording_agent": True, "screen_save": False}, grant_control=True)
    try:
        wait_live(qtbot, side)
        yield side
    finally:
        side.close()


def test_at_actual_size_a_click_after_scrolling_lands_on_the_exact_host_pixel(
        live: LiveWindow, probe: Child, qt_display: XvfbDisplay, qtbot: QtBot) -> None:
    window = live.window
    window.actual_size_action.trigger()
    window.request_control_action.trigger()
    qtbot.waitUntil(lambda: window.view.input_enabled, timeout=10000)
    horizontal, vertical = window.scroll_area.horizontalScrollBar(), window.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: horizontal.maximum() > 500 and vertical.maximum() > 250)
    horizontal.setValue(500)
    vertical.setValue(250)
    panel = next(json.loads(line) for line in probe.seen if line.startswith('{"event": "ready"'))["panel"]
    host = (panel["x"] + 731, panel["y"] + 413)  # inside the panel, and in the viewport once scrolled
    viewport = window.scroll_area.viewport()
    local = window.view.mapTo(viewport, QPoint(*host))
    assert viewport.rect().contains(local)  # the host pixel is on the screen only because the view scrolled
    target = window.view.mapToGlobal(QPoint(*host))
    env = {**os.environ, "DISPLAY": qt_display.name}
    subprocess.run(["xdotool", "mousemove", str(target.x()), str(target.y())], env=env, check=True, timeout=10)
    qtbot.wait(200)
    subprocess.run(["xdotool", "click", "1"], env=env, check=True, timeout=10)
    qtbot.waitUntil(lambda: bool(pressed(probe)), timeout=10000)
    assert (pressed(probe)[0]["x"], pressed(probe)[0]["y"]) == host


def test_what_the_policy_forbids_is_not_offered_or_is_refused_by_the_host(live: LiveWindow, qtbot: QtBot) -> None:
    tools = live.tools
    assert not tools.screen_save.shown and tools.screen_save.action not in live.window.toolbar.actions()
    tool = tools.recording
    assert tool.shown  # the agent's options allow it; the customer's side decides
    tool.action.trigger()
    qtbot.waitUntil(lambda: not tool.asking, timeout=10000)
    assert live.app._boxes == []  # the customer was not asked
    assert tool.recording is None and not tool.action.isChecked()
    assert "policy" in live.window.statusBar().currentMessage()
    assert live.app.grants.entries[-1]["kind"] == "recording" and live.app.grants.entries[-1]["by"] == "policy"
    assert tool.files == []
