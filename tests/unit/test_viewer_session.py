"""ViewerSession's decode thread with a fake link: it keeps decoding through a failing frame tap,
ends the session on any other failure, drops a backlog and waits for a keyframe, asking once."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from capture.encoder import H264Encoder
from protocol.messages import FrameAck, KeyframeRequest, Message, VideoFrame
from protocol.session import Role
from transport.link import LinkConfig
from viewer.session import DECODE_QUEUE_LIMIT, DecodedFrame, ViewerSession

M = TypeVar("M")


class FakeLink:
    """Stands in for SessionLink: records what the session sends and how it ends."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.ended: list[str] = []

    def start(self) -> None:
        pass

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def end(self, reason: str) -> None:
        self.ended.append(reason)

    def close(self) -> None:
        pass

    def sent_of(self, kind: type[M]) -> list[M]:
        return [m for m in self.sent if isinstance(m, kind)]


class Stream:
    """Real H.264 frames as the host sends them."""

    def __init__(self) -> None:
        self.encoder = H264Encoder(320, 240)
        self.frame_id = 0

    def next(self, keyframe: bool = False) -> VideoFrame:
        if keyframe:
            self.encoder.request_keyframe()
        picture = np.zeros((240, 320, 4), dtype=np.uint8)
        picture[:, self.frame_id % 300 : self.frame_id % 300 + 20, :3] = 255
        encoded = self.encoder.encode(picture)
        self.frame_id += 1
        return VideoFrame(self.frame_id, encoded.keyframe, 320, 240, 0, encoded.data)


Handler = Callable[[object], None]


@pytest.fixture()
def build() -> Iterator[Callable[..., tuple[ViewerSession, FakeLink]]]:
    sessions: list[ViewerSession] = []

    def make(on_event: Handler, tap: Callable[[np.ndarray, int], None] | None = None) -> tuple[ViewerSession, FakeLink]:
        config = LinkConfig("wss://relay.invalid/relay/s?role=viewer", "token", Role.VIEWER, bytes(32),
                            ssl.create_default_context())
        session = ViewerSession(config, on_event, tap)
        session.link.close()  # the real link never connects; this stops its loop thread
        fake = FakeLink()
        session.link = fake  # type: ignore[assignment]
        sessions.append(session)
        return session, fake

    yield make
    for session in sessions:
        session.close()


def decoded_into(frames: list[DecodedFrame]) -> Handler:
    def on_event(event: object) -> None:
        if isinstance(event, DecodedFrame):
            frames.append(event)
    return on_event


def test_a_failing_frame_tap_is_dropped_and_decoding_goes_on(build: Callable[..., tuple[ViewerSession, FakeLink]],
                                                             qtbot: QtBot) -> None:
    calls: list[int] = []

    def tap(image: np.ndarray, decoded_ns: int) -> None:
        calls.append(decoded_ns)
        raise RuntimeError("a bug in the user's tap")

    frames: list[DecodedFrame] = []
    session, link = build(decoded_into(frames), tap)
    session.start()
    stream = Stream()
    for index in range(3):
        session._on_link_event(stream.next(keyframe=index == 0))
    qtbot.waitUntil(lambda: len(frames) == 3, timeout=5000)
    assert len(calls) == 1
    assert [m.frame_id for m in link.sent_of(FrameAck)] == [1, 2, 3]
    assert link.ended == [] and session.failure is None
    assert frames[0].image.shape == (240, 320, 4)


def test_an_unexpected_failure_ends_the_session(build: Callable[..., tuple[ViewerSession, FakeLink]],
                                                qtbot: QtBot) -> None:
    def on_event(event: object) -> None:
        raise ValueError("the window is gone")

    session, link = build(on_event)
    session.start()
    stream = Stream()
    session._on_link_event(stream.next(keyframe=True))
    qtbot.waitUntil(lambda: bool(link.ended), timeout=5000)
    assert link.ended == ["the viewer could not show the video: the window is gone"]
    assert session.failure == link.ended[0]
    qtbot.waitUntil(lambda: not session._decoder_thread.is_alive(), timeout=5000)  # the loop has stopped


def test_a_backlog_is_dropped_and_a_keyframe_asked_for_once(build: Callable[..., tuple[ViewerSession, FakeLink]],
                                                            qtbot: QtBot) -> None:
    frames: list[DecodedFrame] = []
    gate = threading.Event()

    def on_event(event: object) -> None:
        if isinstance(event, DecodedFrame):
            frames.append(event)
            assert gate.wait(10), "the test never opened the gate"

    session, link = build(on_event)
    session.start()
    stream = Stream()
    session._on_link_event(stream.next(keyframe=True))
    qtbot.waitUntil(lambda: len(frames) == 1, timeout=5000)  # the decode thread is now held
    for _ in range(DECODE_QUEUE_LIMIT + 2):
        session._on_link_event(stream.next())
    gate.set()
    session._on_link_event(stream.next(keyframe=True))
    qtbot.waitUntil(lambda: len(frames) == 2, timeout=5000)
    assert session.stats.frames_dropped == DECODE_QUEUE_LIMIT + 2  # the backlog, then frames before the keyframe
    assert len(link.sent_of(KeyframeRequest)) == 1
    assert (session.stats.frames_decoded, session.stats.keyframes) == (2, 2)


def test_a_broken_frame_asks_for_a_keyframe_once_and_skips_until_it_comes(
        build: Callable[..., tuple[ViewerSession, FakeLink]], qtbot: QtBot) -> None:
    frames: list[DecodedFrame] = []
    session, link = build(decoded_into(frames))
    session.start()
    stream = Stream()
    session._on_link_event(stream.next(keyframe=True))
    session._on_link_event(VideoFrame(99, True, 320, 240, 0, b"\x00\x00\x00\x01\x65" + b"\xff" * 50))
    for _ in range(3):
        session._on_link_event(stream.next())
    session._on_link_event(stream.next(keyframe=True))
    qtbot.waitUntil(lambda: len(frames) == 2, timeout=5000)
    assert len(link.sent_of(KeyframeRequest)) == 1
    assert session.stats.frames_dropped == 4
