"""Customer-side recording on a real Xvfb screen: real capture, blinders, H.264, MP4 muxing, PyAV decoding."""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from capture.blinders import BlinderSet, Rect
from capture.encoder import EncodedFrame, H264Encoder
from host_module.recording import RecordingController, recording_allowed, recording_name
from host_module.video import VideoPump
from protocol.messages import Message, VideoFrame
from tests.xvfb import XvfbDisplay
from tools.harness import Child, display_env, python_module

MARGIN = 8  # H.264 may smear a block's worth of pixels across the blinder's edge; its interior must be black


@dataclasses.dataclass(frozen=True)
class Policy:
    recording_customer: bool = True
    recording_consent: bool = True


class Packets:
    """Every packet the pump sent, with its capture time (a second listener next to the recorder)."""

    def __init__(self) -> None:
        self.items: list[tuple[EncodedFrame, int]] = []
        self.lock = threading.Lock()

    def __call__(self, packet: EncodedFrame, capture_ns: int) -> None:
        with self.lock:
            self.items.append((packet, capture_ns))


@pytest.fixture()
def panel(xvfb: XvfbDisplay) -> Iterator[tuple[Child, dict[str, int]]]:
    """The probe window on the customer's display and its colour panel's screen geometry."""
    child = Child("probe", python_module("tests.apps.probe_window"), env=display_env(xvfb.name), stdin=True)
    ready = child.wait_event("ready", timeout=30)
    yield child, ready["panel"]
    child.stop()


def acknowledge(pump: VideoPump, message: Message) -> None:
    """The viewer's part: every frame is decoded at once, so the pump never waits."""
    if isinstance(message, VideoFrame):
        pump.acknowledge(message.frame_id)


def decode_all(path: Path) -> tuple[list[av.VideoFrame], float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.duration is not None and stream.time_base is not None
        return list(container.decode(stream)), float(stream.duration * stream.time_base)


def record_changing_screen(pump: VideoPump, probe: Child, controller: RecordingController,
                           qtbot: QtBot) -> tuple[list[Path], int, int]:
    """Record about three seconds of a panel that changes colour; the files and the stop window (ns)."""
    with qtbot.waitSignal(controller.recording_changed, timeout=1000) as started:
        assert controller.start(consented=True)
    assert started.args == [True]
    for step in range(30):
        probe.write(f"color {(step * 53) % 256} {(step * 97) % 256} {200 - step * 5}")
        time.sleep(0.1)
    pump.stop()
    before = time.monotonic_ns()
    with qtbot.waitSignal(controller.recording_changed, timeout=5000) as stopped:
        files = controller.stop()
    after = time.monotonic_ns()
    assert stopped.args == [False]
    return files, before, after


def test_a_recording_holds_every_frame_sent_at_its_time_with_blinded_pixels_black(
        xvfb: XvfbDisplay, panel: tuple[Child, dict[str, int]], qtbot: QtBot, tmp_path: Path) -> None:
    probe, geometry = panel
    hidden: Rect = (geometry["x"] + 40, geometry["y"] + 200, 320, 240)  # inside the panel, below its label
    blinders = BlinderSet()
    blinders.add_rect(hidden)
    pump = VideoPump(xvfb.name, lambda message: acknowledge(pump, message), blinders=blinders)
    sent = Packets()
    controller = RecordingController(Policy(), folder=tmp_path, request_keyframe=pump.request_keyframe)
    pump.add_packet_listener(sent)
    pump.add_packet_listener(controller.on_packet)
    pump.start()
    try:
        files, before, after = record_changing_screen(pump, probe, controller, qtbot)
    finally:
        pump.stop()
    assert len(files) == 1 and files[0].parent == tmp_path and files[0].suffix == ".mp4"
    assert not list(tmp_path.glob("*.part"))
    frames, duration = decode_all(files[0])

    recorded = sent.items[-len(frames):]  # the recording is the tail of what was sent, from a keyframe on
    assert len(frames) == controller.frames_recorded >= 15  # the panel changed 30 times
    assert recorded[0][0].keyframe and frames[0].key_frame
    first_ns = recorded[0][1]
    assert [float(f.time) for f in frames] == pytest.approx([(ns - first_ns) / 1e9 for _, ns in recorded], abs=2e-5)
    assert (before - first_ns) / 1e9 - 0.001 <= duration <= (after - first_ns) / 1e9 + 0.001
    assert (frames[0].width, frames[0].height) == (xvfb.width, xvfb.height)

    x, y, w, h = hidden
    for frame in frames:
        pixels = frame.to_ndarray(format="rgb24")
        inside = pixels[y + MARGIN : y + h - MARGIN, x + MARGIN : x + w - MARGIN]
        assert int(inside.max()) <= 16, f"a blinded pixel is visible in the recording at {frame.time:.3f} s"
    beside = frames[-1].to_ndarray(format="rgb24")[y + h // 2, x + w + 40]
    assert int(beside.max()) > 60  # next to the blinder the panel's colour is recorded (the check can fail)


def test_without_consent_nothing_is_recorded(qtbot: QtBot, tmp_path: Path) -> None:
    keyframes: list[bool] = []
    controller = RecordingController(Policy(), folder=tmp_path, request_keyframe=lambda: keyframes.append(True))
    with qtbot.assertNotEmitted(controller.recording_changed):
        assert not controller.start(consented=False)
    assert not controller.recording and not keyframes
    assert controller.notice_text() == ""
    assert controller.stop() == []
    assert not list(tmp_path.iterdir())


def test_the_rule_follows_recording_customer_and_recording_consent() -> None:
    assert recording_allowed(Policy(True, True), consented=True)
    assert not recording_allowed(Policy(True, True), consented=False)
    assert recording_allowed(Policy(True, False), consented=False)
    assert not recording_allowed(Policy(False, False), consented=True)
    assert not recording_allowed(Policy(False, True), consented=True)


def test_files_are_named_for_the_session_time_and_protected_from_cleanup(qtbot: QtBot, tmp_path: Path) -> None:
    assert recording_name(datetime.datetime(2026, 11, 25, 14, 3)) == "Ferry support 2026-11-25 14-03.mp4"
    controller = RecordingController(Policy(recording_consent=False), folder=tmp_path)
    assert controller.start()
    assert controller.notice_text() == "Recording"
    assert controller.protected_paths() == []  # nothing on disk before the first keyframe
    encoder = H264Encoder(64, 48)
    controller.on_packet(encoder.encode(np.full((48, 64, 4), 90, dtype=np.uint8)), time.monotonic_ns())
    (part,) = controller.protected_paths()
    assert part.name.endswith(".mp4.part") and part.exists()
    with qtbot.waitSignal(controller.saved, timeout=1000) as saved:
        files = controller.stop()
    assert files == controller.kept_files == controller.protected_paths() == [Path(saved.args[0])]
    assert files[0].name.startswith("Ferry support ") and files[0].exists() and not part.exists()
    assert controller.notice_text() == ""
