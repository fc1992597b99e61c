"""Screen save and agent-side recording, end to end: real server, in-process HostApp, real ViewerWindow.

The customer's screen is a private Xvfb display with the probe window on it; the HostApp's consent
boxes and the viewer window share the test's Qt display. One live session serves every check of this
module (the customer is asked each time: screen_save_consent and recording_consent are on).
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.e2e.tool_rig import LiveSession, answer_customer
from tests.unit.test_viewer_window_modes import ensure_capture_tools
from tests.xvfb import XvfbDisplay, start_xvfb
from tools.harness import Child, display_env, python_module
from tools.server_process import RunningServer
from viewer.tools.capture_tools import CaptureTools
from viewer.window import ViewerWindow

pytestmark = pytest.mark.e2e


class LiveWindow(LiveSession):
    """A live session (tests/e2e/tool_rig.py) whose agent's window has its capture tools."""

    def __init__(self, server: RunningServer, display: str, host_policy: dict[str, object],
                 viewer_options: dict[str, object], **options: object) -> None:
        super().__init__(server, display, policy=host_policy, viewer_policy=viewer_options,
                         host_options={"browser": True, **options})
        self.tools: CaptureTools = ensure_capture_tools(self.window)


def open_live_window(server: RunningServer, display: str, host_policy: dict[str, object],
                     viewer_options: dict[str, object], **options: object) -> LiveWindow:
    """Join a fresh code with ``host_policy`` on the customer's side and open the agent's window on it."""
    live = LiveWindow(server, display, host_policy, viewer_options, **options)
    live.window.move(0, 0)
    live.window.resize(1000, 700)
    live.start()
    return live


def wait_live(qtbot: QtBot, live: LiveWindow) -> None:
    qtbot.waitUntil(lambda: live.window.live and live.window.view.pixels is not None, timeout=30000)


def png_pixels(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def rgb_at(pixels: np.ndarray | None, x: int, y: int) -> tuple[int, ...] | None:
    return None if pixels is None else tuple(int(v) for v in pixels[y, x, 2::-1])


def near(colour: tuple[int, ...] | None, target: tuple[int, int, int], tolerance: int = 24) -> bool:
    return colour is not None and all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


@dataclasses.dataclass
class Module:
    live: LiveWindow
    probe: Child
    panel: dict[str, int]
    pictures: Path
    videos: Path


@pytest.fixture(scope="module")
def module(server: RunningServer, tmp_path_factory: pytest.TempPathFactory, qapp: Any) -> Iterator[Module]:
    display: XvfbDisplay = start_xvfb()
    probe = Child("probe", python_module("tests.apps.probe_window"), env=display_env(display.name), stdin=True)
    pictures, videos = tmp_path_factory.mktemp("pictures"), tmp_path_factory.mktemp("videos")
    saved = os.environ.get("FERRY_VIEWER_PICTURES")
    os.environ["FERRY_VIEWER_PICTURES"] = str(pictures)
    live = None
    try:
        ready = probe.wait_event("ready", timeout=30)
        live = open_live_window(server, display.name,
                                {"recording_agent": True, "recording_customer": False, "recording_consent": True,
                                 "screen_save_consent": True},
                                {"recording_agent": True, "recording_path": str(videos)})
        yield Module(live, probe, ready["panel"], pictures, videos)
    finally:
        if live is not None:
            live.close()
        os.environ.pop("FERRY_VIEWER_PICTURES") if saved is None else os.environ.update(FERRY_VIEWER_PICTURES=saved)
        probe.stop()
        display.stop()


def status(window: ViewerWindow) -> Callable[[], str]:
    return window.statusBar().currentMessage


def test_a_screen_save_the_customer_refuses_writes_nothing(module: Module, qtbot: QtBot) -> None:
    live = module.live
    wait_live(qtbot, live)
    assert live.tools.screen_save.folder == module.pictures
    live.tools.screen_save.action.trigger()
    text = answer_customer(qtbot, live.app, "Refuse")
    assert "save a picture of your screen" in text
    qtbot.waitUntil(lambda: "not saved" in status(live.window)(), timeout=10000)
    assert list(module.pictures.iterdir()) == []


def test_a_screen_save_is_the_customers_screen_with_the_blinded_area_black(module: Module, qtbot: QtBot) -> None:
    live, panel = module.live, module.panel
    wait_live(qtbot, live)
    centre = (panel["x"] + panel["w"] // 2, panel["y"] + panel["h"] // 2)
    hidden = (panel["x"] + 40, panel["y"] + 60, 200, 150)
    module.probe.write("color 220 30 30")
    blinder = live.app.blinder_set.add_rect(hidden)
    assert blinder is not None
    view = live.window.view
    inside = (hidden[0] + 100, hidden[1] + 75)
    try:
        qtbot.waitUntil(lambda: near(rgb_at(view.pixels, *centre), (220, 30, 30))
                        and near(rgb_at(view.pixels, *inside), (0, 0, 0), 8), timeout=20000)
        pixels = view.pixels
        assert pixels is not None
        expected = pixels[..., 2::-1].copy()  # the frame shown when the agent asks: the one saved
        live.tools.screen_save.action.trigger()
        answer_customer(qtbot, live.app, "Allow")
        qtbot.waitUntil(lambda: bool(live.tools.screen_save.files), timeout=10000)
    finally:
        live.app.blinder_set.remove(blinder)
    [path] = live.tools.screen_save.files
    assert path.parent == module.pictures and path.suffix == ".png" and path.name.startswith("Ferry screen ")
    assert list(module.pictures.iterdir()) == [path]  # no .part left
    saved = png_pixels(path)
    assert np.array_equal(saved, expected)  # the decoded frame, not the hatched rendering
    assert saved.shape == (1080, 1920, 3)
    x, y, w, h = hidden
    assert saved[y + 2 : y + h - 2, x + 2 : x + w - 2].max() < 24  # the blinded area stays black
    assert near(tuple(int(v) for v in saved[centre[1], centre[0]]), (220, 30, 30))
    assert str(path) in status(live.window)()


def test_a_recording_the_customer_refuses_writes_nothing(module: Module, qtbot: QtBot) -> None:
    live = module.live
    wait_live(qtbot, live)
    tool = live.tools.recording
    tool.action.trigger()
    assert tool.action.isChecked() and tool.asking
    text = answer_customer(qtbot, live.app, "Refuse")
    assert "record this session" in text
    qtbot.waitUntil(lambda: not tool.asking, timeout=10000)
    assert not tool.action.isChecked() and tool.recording is None
    assert "Not recording" in status(live.window)()
    assert list(module.videos.iterdir()) == []


def test_a_recording_is_an_mp4_of_the_received_packets(module: Module, qtbot: QtBot) -> None:
    live = module.live
    wait_live(qtbot, live)
    tool = live.tools.recording
    tool.action.trigger()
    answer_customer(qtbot, live.app, "Allow")
    qtbot.waitUntil(lambda: tool.recording is not None and tool.recording.frames_written >= 1, timeout=10000)
    recording = tool.recording
    assert recording is not None and recording.part_path is not None and recording.part_path.exists()
    for colour in ("10 200 40", "30 30 220", "200 200 20"):
        module.probe.write(f"color {colour}")
        qtbot.wait(300)
    qtbot.waitUntil(lambda: recording.frames_written >= 4, timeout=10000)
    tool.action.trigger()  # stop
    qtbot.waitUntil(lambda: bool(tool.files), timeout=10000)
    [path] = tool.files
    assert path.parent == module.videos and path.name.startswith("Ferry recording ") and path.suffix == ".mp4"
    with av.open(str(path)) as container:
        packets = [p for p in container.demux(video=0) if p.size]
    with av.open(str(path)) as container:
        decoded = list(container.decode(video=0))
    assert len(decoded) == len(packets) == recording.frames_written
    assert packets[0].is_keyframe
    times = [float(f.time or 0) for f in decoded]
    assert times[0] == 0 and all(b > a for a, b in itertools.pairwise(times))
    assert times[-1] >= 0.6  # the colours changed over about a second, at their real times
    assert near(tuple(int(v) for v in decoded[-1].to_ndarray(format="rgb24")[module.panel["y"] + 300,
                                                                          module.panel["x"] + 300]), (200, 200, 20))
    assert not list(module.videos.glob("*.part")) and str(path) in status(live.window)()


def test_the_sessions_end_finishes_a_recording_under_way(module: Module, qtbot: QtBot) -> None:
    live = module.live
    wait_live(qtbot, live)
    tool = live.tools.recording
    before = len(tool.files)
    tool.action.trigger()
    answer_customer(qtbot, live.app, "Allow")
    qtbot.waitUntil(lambda: tool.recording is not None and tool.recording.frames_written >= 1, timeout=10000)
    live.app.end_now("ended by the customer")
    qtbot.waitUntil(lambda: len(tool.files) == before + 1, timeout=10000)
    assert tool.recording is None and not tool.action.isChecked()
    assert not list(module.videos.glob("*.part"))
    with av.open(str(tool.files[-1])) as container:
        assert len(list(container.decode(video=0))) >= 1
