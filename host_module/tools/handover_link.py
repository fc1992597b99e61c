"""A view-only link to a watching agent (session share): the customer's screen, nothing back.

Rules: the link is the host leg of a child session the server made for the watcher; it goes live on its own
(the customer agreed before it was opened) and sends the main session's encoded packets as they are (already
blinded, never re-encoded), starting with a keyframe. Nothing the watcher sends reaches the customer's PC:
input is dropped and counted. While the customer pauses sharing nothing goes out. At most ``MAX_IN_FLIGHT``
frames wait for the watcher's acknowledgement; beyond that frames are skipped until the next keyframe, so a
slow watcher never slows the agent in charge.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from capture.encoder import EncodedFrame
from host_module.join import machine_description
from host_module.video import VideoPump
from protocol.events import HandshakeComplete, PeerError, SessionEnded, SessionLive
from protocol.messages import (
    ConsentDecision,
    FrameAck,
    HostInfo,
    KeyframeRequest,
    KeyInput,
    PointerButton,
    PointerMove,
    VideoFrame,
    Wheel,
)
from transport.events import LinkClosed
from transport.link import LinkConfig, SessionLink

MAX_IN_FLIGHT = 6
KEYFRAME_EVERY_S = 1.0  # at most one keyframe request per second on the watcher's behalf
INPUT = (PointerMove, PointerButton, Wheel, KeyInput)
ENDING = (SessionEnded, PeerError, LinkClosed)
OnChange = Callable[["WatchLink", str, str], None]  # (link, "watching" | "ended", reason) from worker threads


class WatchLink:
    """One watcher's view-only link; see the module rules."""

    def __init__(self, config: LinkConfig, pump: VideoPump, paused: Callable[[], bool], agent: str,
                 on_change: OnChange) -> None:
        self.agent = agent
        self.state = "connecting"  # connecting | watching | ended
        self.frames_sent = 0
        self.input_dropped = 0
        self._pump = pump
        self._paused = paused
        self._on_change = on_change
        self._lock = threading.Lock()
        self._sent = self._acked = 0
        self._keyframe_needed = True
        self._size: tuple[int, int] | None = None
        self._asked_at = 0.0
        self.link = SessionLink(config, self._on_link_event)

    def start(self) -> None:
        self.link.start()

    def end(self, reason: str) -> None:
        """Stop watching: the watcher's viewer is told ``reason``."""
        self._pump.remove_packet_listener(self._on_packet)
        self.link.end(reason)

    def close(self) -> None:
        self._pump.remove_packet_listener(self._on_packet)
        self.link.close(timeout=1.0)

    def _on_link_event(self, event: object) -> None:
        if isinstance(event, HandshakeComplete):
            self.link.send(ConsentDecision(True))  # the customer agreed before this link was opened
        elif isinstance(event, SessionLive):
            self.state = "watching"
            self._pump.add_packet_listener(self._on_packet)
            self._ask_keyframe(force=True)
            self._on_change(self, "watching", "")
        elif isinstance(event, FrameAck):
            with self._lock:
                self._acked = max(self._acked, min(event.frame_id, self._sent))
        elif isinstance(event, KeyframeRequest):
            self._want_keyframe()
        elif isinstance(event, INPUT):
            self.input_dropped += 1  # a watcher only sees
        elif isinstance(event, ENDING) and self.state != "ended":
            self.state = "ended"
            self._pump.remove_packet_listener(self._on_packet)
            self._on_change(self, "ended", event.reason)

    def _want_keyframe(self) -> None:
        with self._lock:
            self._keyframe_needed = True
        self._ask_keyframe()

    def _ask_keyframe(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._asked_at >= KEYFRAME_EVERY_S:
            self._asked_at = now
            self._pump.request_keyframe()

    def _on_packet(self, packet: EncodedFrame, capture_ns: int) -> None:
        """Video thread: pass the packet on when the watcher can use it."""
        if self.state != "watching" or self._paused():
            return
        frame_id = self._take_id(packet)
        if frame_id is None:
            self._ask_keyframe()
            return
        if self._size != (packet.width, packet.height):
            self._size = (packet.width, packet.height)
            pc_name, os_name = machine_description()
            self.link.send(HostInfo(pc_name, os_name, packet.width, packet.height))
        self.link.send(VideoFrame(frame_id, packet.keyframe, packet.width, packet.height, capture_ns, packet.data))
        self.frames_sent += 1

    def _take_id(self, packet: EncodedFrame) -> int | None:
        """The frame id for ``packet``, or None when it must be skipped (waiting for a keyframe)."""
        with self._lock:
            if not packet.keyframe and self._sent - self._acked >= MAX_IN_FLIGHT:
                self._keyframe_needed = True
            if self._keyframe_needed and not packet.keyframe:
                return None
            self._keyframe_needed = False
            self._sent += 1
            return self._sent
