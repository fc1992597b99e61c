"""Screenshot mode: the rule that picks stills on a stalled link (fake clock), and stills end to end in memory.

The round trip is StillEncoder → VideoFrame(codec "jpeg") → ViewerSession's decode thread (fake link)
→ DecodedFrame and FrameAck, with H.264 frames around it still decoded in order.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from capture.encoder import H264Encoder, StillEncoder
from host_module.tools.display_mode import STILLS, VIDEO, LinkWatch, ModeChange
from protocol.messages import FrameAck, KeyframeRequest, VideoFrame
from tests.unit import test_viewer_session
from tests.unit.test_viewer_session import FakeLink, decoded_into
from viewer.decoder import DecodeError, StillDecoder
from viewer.session import DecodedFrame, ViewerSession

build = test_viewer_session.build  # the fixture: a ViewerSession on a fake link


def test_frames_in_flight_without_an_ack_for_the_stall_time_switch_to_stills() -> None:
    watch = LinkWatch(stall_s=3.0)
    assert watch.update(0.0, sent=10, acked=10) is None
    assert watch.update(1.0, sent=12, acked=11) is None  # an ack: the stall clock starts again
    assert watch.update(3.9, sent=12, acked=11) is None
    change = watch.update(4.0, sent=12, acked=11)
    assert change == ModeChange(STILLS, "frames were not acknowledged for 3 s: the link is too slow for video")
    assert watch.mode == STILLS and not watch.manual


def test_slow_acks_and_a_still_screen_are_not_a_stall() -> None:
    watch = LinkWatch(stall_s=3.0)
    for second in range(20):  # acks come late but keep coming
        assert watch.update(float(second), sent=second + 2, acked=second) is None
    for second in range(20, 40):  # nothing sent for a long time: nothing in flight
        assert watch.update(float(second), sent=21, acked=21) is None


def test_stills_go_back_to_video_once_two_stills_are_acknowledged_and_none_waits() -> None:
    watch = LinkWatch(stall_s=3.0, recover_stills=2)
    watch.update(0.0, 10, 10)
    assert watch.update(5.0, 12, 10) is not None  # stills from frame 12 on
    assert watch.update(6.0, 12, 12) is None  # the pump's switch empties the window: no still acked yet
    assert watch.update(10.0, 13, 12) is None  # a still on its way
    assert watch.update(11.0, 13, 13) is None  # one still acknowledged
    assert watch.update(16.0, 14, 13) is None
    assert watch.update(17.0, 14, 14) == ModeChange(VIDEO, "frames are acknowledged again")
    assert watch.update(18.0, 20, 14) is None  # video again, watched again from now
    assert watch.update(21.0, 20, 14) is not None


def test_a_choice_by_hand_stands_until_the_agent_changes_it() -> None:
    watch = LinkWatch(stall_s=3.0)
    assert watch.choose(STILLS, 0.0, sent=5) == ModeChange(STILLS, "the agent chose screenshot mode")
    for second in range(1, 30):
        assert watch.update(float(second), sent=5 + second, acked=5 + second) is None  # acks flow: still stills
    assert watch.choose(VIDEO, 30.0, sent=35) == ModeChange(VIDEO, "the agent chose video")
    assert not watch.manual
    assert watch.update(31.0, 37, 35) is None
    assert watch.update(34.0, 37, 35) is not None  # the rule watches again
    with pytest.raises(ValueError, match="not 'movie'"):
        watch.choose("movie", 35.0, 37)


def screen(seed: int, width: int = 320, height: int = 240) -> np.ndarray:
    picture = np.zeros((height, width, 4), dtype=np.uint8)
    picture[..., 0] = 30
    picture[..., 1] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    picture[40:80, 10 + seed:90 + seed, 2] = 230
    return picture


def test_a_still_decodes_to_the_picture_it_was_made_from() -> None:
    picture = screen(0, 321, 241)  # odd sizes are cropped to even, like video
    encoded = StillEncoder(321, 241, quality=85).encode(picture)
    assert encoded.keyframe and (encoded.width, encoded.height) == (320, 240)
    decoded = StillDecoder().decode(encoded.data)
    assert decoded.shape == (240, 320, 4)
    difference = np.abs(decoded[..., :3].astype(int) - picture[:240, :320, :3].astype(int))
    assert difference.mean() < 3 and np.percentile(difference, 99) < 30
    with pytest.raises(DecodeError):
        StillDecoder().decode(b"these bytes are not a JPEG image")


def test_the_viewer_decodes_stills_between_h264_frames_and_acknowledges_them(
        build: Callable[..., tuple[ViewerSession, FakeLink]], qtbot: QtBot) -> None:
    frames: list[DecodedFrame] = []
    session, link = build(decoded_into(frames))
    h264, stills = H264Encoder(320, 240), StillEncoder(320, 240)
    session.start()
    sent = [(h264.encode(screen(0)), "h264"), (stills.encode(screen(40)), "jpeg"),
            (stills.encode(screen(80)), "jpeg"), (h264.encode(screen(5)), "h264")]
    for number, (encoded, codec) in enumerate(sent, 1):
        session._on_link_event(VideoFrame(number, encoded.keyframe, 320, 240, 0, encoded.data, codec))
    session._on_link_event(VideoFrame(5, True, 320, 240, 0, b"not a picture", "png"))  # unknown codec: dropped
    qtbot.waitUntil(lambda: session.stats.frames_dropped == 1, timeout=5000)
    assert [d.frame_id for d in frames] == [1, 2, 3, 4]  # the P-frame after the stills still decodes
    assert int(frames[1].image[60, 60, 2]) > 180 and int(frames[2].image[60, 60, 2]) < 60
    assert [a.frame_id for a in link.sent_of(FrameAck)] == [1, 2, 3, 4]
    assert link.sent_of(KeyframeRequest) == []
