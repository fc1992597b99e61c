"""The host's video pump on a real Xvfb screen: what it sends, and when it holds back."""

from __future__ import annotations

import threading
import time

from host_module.video import VideoPump
from protocol.messages import VideoFrame
from tests.xvfb import XvfbDisplay
from tools.harness import Child


class Sent:
    def __init__(self) -> None:
        self.frames: list[VideoFrame] = []
        self.changed = threading.Condition()

    def __call__(self, frame: VideoFrame) -> None:
        with self.changed:
            self.frames.append(frame)
            self.changed.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.frames) >= count, timeout)


def test_a_still_screen_sends_one_keyframe_then_nothing(xvfb: XvfbDisplay, probe: Child) -> None:
    sent = Sent()
    pump = VideoPump(xvfb.name, sent)
    pump.start()
    try:
        assert sent.wait_for(1)
        pump.acknowledge(1)
        time.sleep(0.5)  # 60 ticks of an unchanged screen
        assert [f.keyframe for f in sent.frames] == [True]
        assert (sent.frames[0].width, sent.frames[0].height) == (1920, 1080)
    finally:
        pump.stop()


def test_at_most_two_frames_wait_for_an_acknowledgement(xvfb: XvfbDisplay, probe: Child) -> None:
    sent = Sent()
    pump = VideoPump(xvfb.name, sent)
    pump.start()
    try:
        assert sent.wait_for(1)
        for shade in range(30, 130, 10):  # keep changing the screen, acknowledge nothing
            probe.write(f"color {shade} {shade} {shade}")
            time.sleep(0.05)
        time.sleep(0.3)
        assert len(sent.frames) == 2
        pump.acknowledge(2)
        probe.write("color 200 0 0")
        assert sent.wait_for(3)
        assert sent.frames[2].frame_id == 3 and not sent.frames[2].keyframe
    finally:
        pump.stop()


def test_a_keyframe_request_is_honoured_even_with_a_full_window(xvfb: XvfbDisplay, probe: Child) -> None:
    sent = Sent()
    pump = VideoPump(xvfb.name, sent)
    pump.start()
    try:
        assert sent.wait_for(1)
        probe.write("color 0 90 0")
        assert sent.wait_for(2)
        pump.request_keyframe()
        assert sent.wait_for(3)
        assert sent.frames[2].keyframe
    finally:
        pump.stop()


def test_a_screen_that_cannot_be_opened_is_reported() -> None:
    failures: list[str] = []
    done = threading.Event()
    pump = VideoPump(":987", lambda frame: None, on_failed=lambda reason: (failures.append(reason), done.set()))
    pump.start()
    assert done.wait(10)
    assert ":987" in failures[0]
