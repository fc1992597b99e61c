"""The viewer's session core, free of Qt: link, decode thread, frame tap, input out.

Rules:
- VideoFrames go from the network thread to one decode thread through a small
  bounded queue; every frame is decoded in order (H.264 needs its references).
- The network thread only enqueues. When the queue overflows it drops the backlog
  and enqueues a resync mark (with the count dropped) before the new frame; the
  decode thread alone writes ``stats``.
- Keyframe state lives in one place, the decode thread's H264Decoder
  (``awaiting_keyframe``): while it waits, non-keyframes are skipped undecoded. A
  KeyframeRequest goes out when it starts waiting (a decode error or a resync mark),
  once per wait, not once per frame.
- Decoded frames go to the frame tap and to ``on_event`` as DecodedFrame; consumers
  keep only the newest one. A tap that raises is logged once and not called again.
- Stills (screenshot mode: VideoFrame.codec "jpeg") are whole pictures: they go to a StillDecoder on the
  same thread, in order, and leave the H.264 decoder's state alone; a frame of an unknown codec is dropped.
- Any other failure on the decode thread ends the session with a reason (``failure``),
  so a viewer never stays live with a frozen picture.
- Auto-reconnect (``auto_reconnect``, done by transport.link): LinkReconnecting is not an end; it puts a
  resync mark in the queue, so the decoder starts afresh and waits for the keyframe the host sends first
  on the resumed link. A resumed link's HandshakeComplete is not passed on: LinkResumed carries its SAS.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Callable

import numpy as np

from protocol.events import HandshakeComplete, PeerError, SessionEnded
from protocol.messages import ControlRequest, FrameAck, KeyframeRequest, Message, VideoFrame
from protocol.session import Role
from transport.events import LinkClosed, LinkReconnecting
from transport.link import LinkConfig, SessionLink
from transport.reconnect import RECONNECT_WINDOW_S
from viewer.decoder import DecodeError, H264Decoder, StillDecoder

log = logging.getLogger(__name__)
FrameTap = Callable[[np.ndarray, int], None]
DECODE_QUEUE_LIMIT = 8
H264_CODEC = "h264"
STILL_CODECS = frozenset({"jpeg"})  # screenshot mode's stills
ENDING_EVENTS = (SessionEnded, PeerError, LinkClosed)  # the events after which a session is over


@dataclasses.dataclass(frozen=True, slots=True)
class _Resync:
    """Queue mark: ``frames_dropped`` frames were dropped before this point; wait for a keyframe."""

    frames_dropped: int


@dataclasses.dataclass(frozen=True, slots=True)
class DecodedFrame:
    """A decoded picture, BGRA (H×W×4, uint8; the 4th byte is undefined), with its timing."""

    image: np.ndarray
    frame_id: int
    capture_ns: int
    decoded_ns: int


@dataclasses.dataclass
class ViewerStats:
    """What the viewer received and decoded."""

    frames_decoded: int = 0
    frames_dropped: int = 0
    keyframes: int = 0
    first_frame_ns: int = 0
    last_frame_ns: int = 0
    latencies_ns: collections.deque[int] = dataclasses.field(default_factory=lambda: collections.deque(maxlen=600))

    def latency_ms(self, percentile: float) -> float | None:
        """Capture-to-decode latency percentile over recent frames (host and viewer on one machine)."""
        if not self.latencies_ns:
            return None
        ordered = sorted(self.latencies_ns)
        index = min(len(ordered) - 1, int(len(ordered) * percentile / 100))
        return round(ordered[index] / 1e6, 1)

    def fps(self) -> float:
        """Decoded frames per second between the first and the last decoded frame."""
        span = (self.last_frame_ns - self.first_frame_ns) / 1e9
        return (self.frames_decoded - 1) / span if span > 0 else 0.0


class ViewerSession:
    """Runs one viewer end of a session; events go to ``on_event`` from worker threads."""

    def __init__(self, link_config: LinkConfig, on_event: Callable[[object], None],
                 frame_tap: FrameTap | None = None, *, auto_reconnect: bool | None = None) -> None:
        """``auto_reconnect``: None keeps ``link_config.reconnect_window_s``; True/False is the agent's option."""
        if link_config.role is not Role.VIEWER:
            raise ValueError("a ViewerSession needs a viewer link")
        if auto_reconnect is not None:
            window = (link_config.reconnect_window_s or RECONNECT_WINDOW_S) if auto_reconnect else 0.0
            link_config = dataclasses.replace(link_config, reconnect_window_s=window)
        self._on_event = on_event
        self._frame_tap = frame_tap
        self._frames: queue.Queue[VideoFrame | _Resync | None] = queue.Queue()
        self.stats = ViewerStats()
        self.end_requested = False  # this viewer asked to end the session (see end())
        self.failure: str | None = None  # why the decode thread gave up, if it did
        self.link = SessionLink(link_config, self._on_link_event)
        self._packet_listeners: list[Callable[[VideoFrame], None]] = []
        self._secured = False  # the first HandshakeComplete was passed on
        self._decoder_thread = threading.Thread(target=self._decode_loop, name="ferry-decode", daemon=True)

    def start(self) -> None:
        """Connect and start decoding."""
        self._decoder_thread.start()
        self.link.start()

    def add_packet_listener(self, listener: Callable[[VideoFrame], None]) -> None:
        """Also call ``listener(frame)`` (network thread; must not block) for every VideoFrame received."""
        self._packet_listeners = [*self._packet_listeners, listener]

    def remove_packet_listener(self, listener: Callable[[VideoFrame], None]) -> None:
        self._packet_listeners = [item for item in self._packet_listeners if item is not listener]

    def send(self, message: Message) -> None:
        """Send input or control messages to the host (thread-safe)."""
        self.link.send(message)

    def request_control(self) -> None:
        """Ask the customer for control."""
        self.link.send(ControlRequest())

    def end(self, reason: str) -> None:
        """End the session for both sides."""
        self.end_requested = True
        self.link.end(reason)

    def close(self) -> None:
        """Stop threads and the link."""
        self._frames.put(None)
        self.link.close()
        if self._decoder_thread.is_alive():
            self._decoder_thread.join(timeout=2)

    def _on_link_event(self, event: object) -> None:
        if isinstance(event, VideoFrame):
            for listener in self._packet_listeners:
                listener(event)
            self._enqueue(event)
            return
        if isinstance(event, LinkClosed):
            self._frames.put(None)
        elif isinstance(event, LinkReconnecting):
            self._frames.put(_Resync(0))  # the old stream's references are gone with the old link
        elif isinstance(event, HandshakeComplete):
            if self._secured:
                return  # a resumed link: LinkResumed follows with this SAS
            self._secured = True
        self._on_event(event)

    def _enqueue(self, frame: VideoFrame) -> None:
        if self._frames.qsize() >= DECODE_QUEUE_LIMIT:
            self._drop_backlog()
        self._frames.put(frame)

    def _drop_backlog(self) -> None:
        dropped = 0
        while True:
            try:
                item = self._frames.get_nowait()
            except queue.Empty:
                break
            if item is None:  # never swallow the stop mark
                self._frames.put(None)
                break
            dropped += 1 if isinstance(item, VideoFrame) else item.frames_dropped
        self._frames.put(_Resync(dropped))

    def _decode_loop(self) -> None:
        try:
            self._decode_frames()
        except Exception as exc:  # anything else must end the session, never freeze it while live
            log.exception("the decode thread failed; ending the session")
            self.failure = f"the viewer could not show the video: {str(exc) or type(exc).__name__}"
            self.link.end(self.failure)

    def _decode_frames(self) -> None:
        decoder = H264Decoder()
        stills = StillDecoder()
        while (item := self._frames.get()) is not None:
            if isinstance(item, _Resync):
                self.stats.frames_dropped += item.frames_dropped
                decoder = self._resync(decoder)
                continue
            image = self._decode(decoder, item) if item.codec == H264_CODEC else self._decode_still(stills, item)
            if image is not None:
                self._deliver(item, image)

    def _resync(self, decoder: H264Decoder) -> H264Decoder:
        """A fresh decoder (its references are gone) that waits for a keyframe."""
        if not decoder.awaiting_keyframe:
            self.link.send(KeyframeRequest())
        return H264Decoder()

    def _decode(self, decoder: H264Decoder, frame: VideoFrame) -> np.ndarray | None:
        """The picture of ``frame``, or None while waiting for a keyframe (asked for once)."""
        if decoder.awaiting_keyframe and not frame.keyframe:
            self.stats.frames_dropped += 1
            return None
        try:
            image = decoder.decode(frame.data)
        except DecodeError:
            log.warning("frame %d could not be decoded; asking for a keyframe", frame.frame_id)
            self.stats.frames_dropped += 1
            self.link.send(KeyframeRequest())  # the decoder now waits for a keyframe
            return None
        return image

    def _decode_still(self, stills: StillDecoder, frame: VideoFrame) -> np.ndarray | None:
        """The picture of a still (screenshot mode), or None when it is not one (logged, dropped)."""
        if frame.codec not in STILL_CODECS:
            log.warning("frame %d has the unknown codec %r; dropped", frame.frame_id, frame.codec)
            self.stats.frames_dropped += 1
            return None
        try:
            return stills.decode(frame.data)
        except DecodeError as exc:
            log.warning("still %d could not be decoded: %s", frame.frame_id, exc)
            self.stats.frames_dropped += 1
            return None

    def _deliver(self, frame: VideoFrame, image: np.ndarray) -> None:
        decoded_ns = time.monotonic_ns()
        self.link.send(FrameAck(frame.frame_id))
        self._account(frame, decoded_ns)
        self._tap(image, decoded_ns)
        self._on_event(DecodedFrame(image, frame.frame_id, frame.capture_ns, decoded_ns))

    def _tap(self, image: np.ndarray, decoded_ns: int) -> None:
        if self._frame_tap is None:
            return
        try:
            self._frame_tap(image, decoded_ns)
        except Exception:  # user code (--frame-tap): report it once, keep showing the video
            log.exception("the --frame-tap function failed; it will not be called again")
            self._frame_tap = None

    def _account(self, frame: VideoFrame, decoded_ns: int) -> None:
        stats = self.stats
        if stats.frames_decoded == 0:
            stats.first_frame_ns = decoded_ns
        stats.frames_decoded += 1
        stats.keyframes += int(frame.keyframe)
        stats.last_frame_ns = decoded_ns
        stats.latencies_ns.append(decoded_ns - frame.capture_ns)
