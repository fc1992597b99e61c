"""VideoPump switching monitors and screenshot mode, with a fake grabber at the seam (real encoders/decoders).

Two monitors: 64x48 at (0, 0) painted 40 and 32x24 at (64, 0) painted 200; "all" is their 96x48 bounding box.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

from capture.blinders import BlinderSet
from capture.encoder import EncodedFrame
from capture.errors import ScreenUnavailableError
from capture.screen import Monitor
from host_module.tools.display import monitor_list
from host_module.video import VideoPump
from protocol.messages import Message, VideoFrame, unpack_rects
from viewer.decoder import H264Decoder, StillDecoder

MONITORS = (Monitor(1, 0, 0, 64, 48), Monitor(2, 64, 0, 32, 24))
EVERYTHING = Monitor(0, 0, 0, 96, 48)


class FakeGrabber:
    """A screen of two monitors; each grab is a new array (monitor 1 grey 40, monitor 2 grey 200)."""

    def __init__(self, display: str | None, monitor: int) -> None:
        self.threads: set[int] = set()
        self.grabs = 0
        self.closed = False
        self.monitor = self._find(monitor)

    @property
    def size(self) -> tuple[int, int]:
        return self.monitor.width, self.monitor.height

    def monitors(self) -> list[Monitor]:
        return list(MONITORS)

    def everything(self) -> Monitor:
        return EVERYTHING

    def select(self, index: int) -> None:
        self.threads.add(threading.get_ident())
        self.monitor = self._find(index)

    def grab(self) -> np.ndarray:
        self.threads.add(threading.get_ident())
        self.grabs += 1
        screen = np.zeros((48, 96, 4), dtype=np.uint8)
        screen[:, :64, :3] = 40
        screen[:24, 64:, :3] = 200
        mon = self.monitor
        picture = np.ascontiguousarray(screen[mon.top:mon.top + mon.height, mon.left:mon.left + mon.width])
        picture[-1, -1, :3] = self.grabs % 256  # every grab differs: the damage check always sends
        return picture

    def close(self) -> None:
        self.closed = True

    def _find(self, index: int) -> Monitor:
        if index == 0:
            return EVERYTHING
        if not 1 <= index <= len(MONITORS):
            raise ScreenUnavailableError(f"Monitor {index} does not exist")
        return MONITORS[index - 1]


class Wire:
    """What the pump sends, plus the monitor listener's calls, in one ordered log."""

    def __init__(self) -> None:
        self.log: list[object] = []
        self.changed = threading.Condition()

    def __call__(self, item: object) -> None:
        with self.changed:
            self.log.append(item)
            self.changed.notify_all()

    def frames(self) -> list[VideoFrame]:
        with self.changed:
            return [m for m in self.log if isinstance(m, VideoFrame)]

    def wait(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        with self.changed:
            assert self.changed.wait_for(condition, timeout), f"timed out; log: {self.log[-5:]}"


@pytest.fixture()
def pump_on_fake() -> tuple[VideoPump, Wire, list[FakeGrabber]]:
    wire = Wire()
    grabbers: list[FakeGrabber] = []

    def open_grabber(display: str | None, monitor: int) -> FakeGrabber:
        grabbers.append(FakeGrabber(display, monitor))
        return grabbers[-1]

    def send(message: Message) -> None:
        wire(message)
        if isinstance(message, VideoFrame):
            pump.acknowledge(message.frame_id)  # a viewer keeping up

    pump = VideoPump(None, send, interval=0.005, open_grabber=open_grabber)  # type: ignore[arg-type]
    pump.add_monitor_listener(lambda shared, monitors: wire(("monitor", shared, monitors)))
    yield pump, wire, grabbers
    pump.stop()


def frames_after(wire: Wire, mark: int) -> list[VideoFrame]:
    return [m for m in wire.log[mark:] if isinstance(m, VideoFrame)]


def switch_and_wait(pump: VideoPump, wire: Wire, index: int, size: tuple[int, int]) -> list[object]:
    mark = len(wire.log)
    pump.select_monitor(index)
    wire.wait(lambda: any((f.width, f.height) == size for f in frames_after(wire, mark)))
    return wire.log[mark:]


def test_a_monitor_switch_sends_a_keyframe_of_the_new_size_after_telling_the_listeners(pump_on_fake) -> None:
    pump, wire, grabbers = pump_on_fake
    pump.start()
    wire.wait(lambda: len(wire.frames()) >= 3)
    assert wire.log[0] == ("monitor", MONITORS[0], MONITORS)
    assert {(f.width, f.height) for f in wire.frames()} == {(64, 48)}
    after = switch_and_wait(pump, wire, 2, (32, 24))
    notice = next(i for i, item in enumerate(after) if isinstance(item, tuple))
    first_new = next(i for i, item in enumerate(after) if isinstance(item, VideoFrame) and item.width == 32)
    assert after[notice] == ("monitor", MONITORS[1], MONITORS) and notice < first_new
    new = [item for item in after[first_new:] if isinstance(item, VideoFrame)]
    assert new[0].keyframe and {(f.width, f.height) for f in new} == {(32, 24)}
    picture = H264Decoder().decode(new[0].data)
    assert picture is not None and picture.shape == (24, 32, 4)
    assert abs(int(np.median(picture[..., 2])) - 200) <= 8  # monitor 2's grey, not monitor 1's
    assert grabbers[0].threads == {pump._thread.ident}  # select and grab on the video thread only


def test_all_monitors_is_the_bounding_box_and_a_missing_monitor_keeps_the_current_one(pump_on_fake) -> None:
    pump, wire, _grabbers = pump_on_fake
    pump.start()
    wire.wait(lambda: len(wire.frames()) >= 1)
    after = switch_and_wait(pump, wire, 0, (96, 48))
    assert ("monitor", EVERYTHING, MONITORS) in after
    mark = len(wire.log)
    pump.select_monitor(7)
    wire.wait(lambda: any(isinstance(i, tuple) for i in wire.log[mark:]) and len(frames_after(wire, mark)) >= 2)
    assert ("monitor", EVERYTHING, MONITORS) in wire.log[mark:]
    assert {(f.width, f.height) for f in frames_after(wire, mark)} == {(96, 48)}
    assert pump._thread.is_alive()  # a bad index never ends the session


def test_stills_are_blinded_jpegs_kept_from_packet_listeners_and_video_resumes_with_a_keyframe() -> None:
    wire, packets = Wire(), []
    blinders = BlinderSet()
    blinders.add_rect((0, 0, 16, 16))
    pump: VideoPump

    def send(message: Message) -> None:
        wire(message)
        if isinstance(message, VideoFrame):
            pump.acknowledge(message.frame_id)

    pump = VideoPump(None, send, interval=0.005, blinders=blinders,
                     open_grabber=FakeGrabber)  # type: ignore[arg-type]
    pump.add_packet_listener(lambda packet, _ns: packets.append(packet))
    try:
        pump.start()
        wire.wait(lambda: len(wire.frames()) >= 2)
        mark = len(wire.log)
        pump.set_stills(0.1)
        assert pump.mode == "stills"
        started = time.monotonic()
        wire.wait(lambda: sum(f.codec == "jpeg" for f in frames_after(wire, mark)) >= 3)
        stills = [f for f in frames_after(wire, mark) if f.codec == "jpeg"]
        assert time.monotonic() - started >= 0.15  # one still per interval, not one per tick
        assert all(f.keyframe and (f.width, f.height) == (64, 48) for f in stills)
        picture = StillDecoder().decode(stills[-1].data)
        assert picture[:14, :14, :3].max() <= 12  # blacked out before encoding
        assert abs(int(np.median(picture[20:, 20:, 2])) - 40) <= 6
        assert all(isinstance(p, EncodedFrame) for p in packets) and len(packets) == len(wire.frames()) - len(stills)
        mark = len(wire.log)
        pump.set_stills(None)
        wire.wait(lambda: len(frames_after(wire, mark)) >= 1)
        back = frames_after(wire, mark)[0]
        assert back.codec == "h264" and back.keyframe and pump.mode == "video"
    finally:
        pump.stop()


def test_the_monitor_list_is_relative_to_all_monitors_and_names_the_shared_position() -> None:
    left_of_primary = (Monitor(1, 0, 0, 1920, 1080), Monitor(2, -1280, 100, 1280, 720))
    listed = monitor_list(left_of_primary[1], left_of_primary)
    assert unpack_rects(listed.monitors) == [(1280, 0, 1920, 1080), (0, 100, 1280, 720)]
    assert listed.current == 1
    assert monitor_list(Monitor(0, -1280, 0, 3200, 1180), left_of_primary).current == -1
