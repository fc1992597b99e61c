"""The host's video pump: capture → blinders → damage check → encode → send, in one thread.

Rules: the screen is sampled every ``interval`` seconds (8 ms by default) into
preallocated buffers; an unchanged screen sends nothing; at most
``max_in_flight`` frames are sent and not yet acknowledged — when the window is
full the pump waits, and the next frame it sends is the newest screen (stale
pictures are never queued). A keyframe request is honoured on the next tick. After a
second of still screen the pump samples every 24 ms instead, until the next change.

Blinders: every grabbed frame is blacked out by the BlinderSet *before* the damage check,
the encoder and the packet listeners see it; windows are swept before and after the grab, and
every place a window had in between is blacked. When the blinded rectangles change, BlinderRegions goes out
before the frame; when a blinder is added or removed, that frame is a keyframe.
Pause: once ``set_paused(True)`` has returned, nothing more is grabbed or sent until
``set_paused(False)`` (which asks for a keyframe).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from capture.blinders import BlinderSet, Rect
from capture.damage import DamageDetector
from capture.encoder import EncodedFrame, H264Encoder
from capture.errors import CaptureError
from capture.screen import Monitor, ScreenGrabber
from protocol.messages import MAX_RECTS, BlinderRegions, Message, VideoFrame, pack_rects

log = logging.getLogger(__name__)
SendFrame = Callable[[Message], None]  # VideoFrame and BlinderRegions
PacketListener = Callable[[EncodedFrame, int], None]  # (the packet as sent, its capture time in monotonic ns)
STILL_TICKS_BEFORE_BACKOFF = 125  # one second of a still screen at 8 ms ...
STILL_INTERVAL = 0.024  # ... then sample every 24 ms until something changes
OnStarted = Callable[[Monitor], None]
OnFailed = Callable[[str], None]


class VideoPump:
    """Runs the video path of one session in a background thread."""

    def __init__(self, display: str | None, send: SendFrame, *, monitor: int = 1,
                 interval: float = 0.008, max_in_flight: int = 2, on_started: OnStarted | None = None,
                 on_failed: OnFailed | None = None, blinders: BlinderSet | None = None) -> None:
        self._display = display
        self.blinders = blinders if blinders is not None else BlinderSet()
        self._blinder_version = self.blinders.version
        self._regions_sent: list[Rect] = []
        self._listeners: list[PacketListener] = []
        self._paused = False
        self._tick_lock = threading.Lock()  # held for a whole tick: set_paused waits for the tick in progress
        self._on_started = on_started
        self._on_failed = on_failed
        self._monitor = monitor
        self._send = send
        self._interval = interval
        self._max_in_flight = max_in_flight
        self._stop = threading.Event()
        self._keyframe_wanted = threading.Event()
        self._keyframe_wanted.set()
        self._lock = threading.Lock()
        self._last_sent = 0
        self._last_acked = 0
        self.frames_sent = 0
        self.bytes_sent = 0
        self._thread = threading.Thread(target=self._run, name="ferry-video", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Stop sampling; with ``wait``, until the thread has finished (at most 2 s)."""
        self._stop.set()
        if wait and self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2)

    def request_keyframe(self) -> None:
        """Send a keyframe on the next tick, whatever the window says (thread-safe)."""
        with self._lock:
            self._last_acked = self._last_sent
        self._keyframe_wanted.set()

    def set_paused(self, paused: bool) -> None:
        """Stop (or resume) grabbing and sending; when this returns, no further frame goes out while paused."""
        with self._tick_lock:
            self._paused = paused
        if not paused:
            self.request_keyframe()

    @property
    def paused(self) -> bool:
        return self._paused

    def add_packet_listener(self, listener: PacketListener) -> None:
        """Also call ``listener(packet, capture_ns)`` on the video thread for every packet sent (e.g. a recorder).

        Packets are blinded like what the viewer gets. A listener joining mid-stream should call
        ``request_keyframe()``; a listener that raises is logged and removed.
        """
        with self._lock:
            self._listeners = [*self._listeners, listener]

    def remove_packet_listener(self, listener: PacketListener) -> None:
        with self._lock:
            self._listeners = [known for known in self._listeners if known is not listener]

    def acknowledge(self, frame_id: int) -> None:
        """The viewer decoded ``frame_id`` (and everything before it)."""
        with self._lock:
            self._last_acked = max(self._last_acked, min(frame_id, self._last_sent))

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._last_sent - self._last_acked

    def _run(self) -> None:
        try:
            grabber = ScreenGrabber(display=self._display, monitor=self._monitor)
        except CaptureError as exc:
            self._fail(exc)
            return
        try:
            self._loop(grabber)
        except (CaptureError, OSError) as exc:
            self._fail(exc)
        except Exception as exc:  # a bug: still end the session with a reason, never freeze it
            log.exception("unexpected failure in the video path")
            self._fail(exc)
        finally:
            grabber.close()

    def _fail(self, exc: Exception) -> None:
        log.error("the video path stopped: %s", exc)
        if self._on_failed is not None:
            self._on_failed(str(exc))

    def _loop(self, grabber: ScreenGrabber) -> None:
        width, height = grabber.size
        if self._on_started is not None:
            self._on_started(grabber.monitor)
        encoder = H264Encoder(width, height)
        detector = DamageDetector(width, height)
        next_tick = time.monotonic()
        still_ticks = 0
        while not self._stop.is_set():
            still_ticks = 0 if self._tick(grabber, encoder, detector) else still_ticks + 1
            interval = self._interval if still_ticks < STILL_TICKS_BEFORE_BACKOFF else STILL_INTERVAL
            next_tick = max(next_tick + interval, time.monotonic())
            self._stop.wait(max(0.0, next_tick - time.monotonic()))

    def _tick(self, grabber: ScreenGrabber, encoder: H264Encoder, detector: DamageDetector) -> bool:
        """One sample of the screen; False when it was still or paused (nothing sent, nothing waiting)."""
        with self._tick_lock:
            if self._paused:
                return False
            return self._sample(grabber, encoder, detector)

    def _sample(self, grabber: ScreenGrabber, encoder: H264Encoder, detector: DamageDetector) -> bool:
        forced = self._keyframe_wanted.is_set()
        if not forced and self.in_flight >= self._max_in_flight:
            return True
        before = self.blinders.sweep()
        pixels = grabber.grab()
        capture_ns = time.monotonic_ns()
        forced = self._blind(pixels, grabber.monitor, before) or forced
        if not forced and not detector.changed(pixels):
            return False
        if forced:
            self._keyframe_wanted.clear()
            encoder.request_keyframe()
        encoded = encoder.encode(pixels)
        detector.commit(pixels)
        self._send_encoded(encoded, capture_ns)
        return True

    def _blind(self, pixels: NDArray[np.uint8], monitor: Monitor, before: list[Rect]) -> bool:
        """Black out the blinders; send their rectangles when they changed. Whether a keyframe is due."""
        rects = self.blinders.apply(pixels, (monitor.left, monitor.top), also=before)
        if rects == self._regions_sent:
            return False
        self._regions_sent = rects
        self._send(BlinderRegions(pack_rects(rects[:MAX_RECTS])))
        version = self.blinders.version  # moved windows keep the version; added or removed blinders do not
        changed, self._blinder_version = version != self._blinder_version, version
        return changed

    def _send_encoded(self, encoded: EncodedFrame, capture_ns: int) -> None:
        with self._lock:
            self._last_sent += 1
            frame_id = self._last_sent
            listeners = self._listeners
        self._send(VideoFrame(frame_id, encoded.keyframe, encoded.width, encoded.height, capture_ns,
                              encoded.data))
        self.frames_sent += 1
        self.bytes_sent += len(encoded.data)
        for listener in listeners:
            self._notify(listener, encoded, capture_ns)

    def _notify(self, listener: PacketListener, encoded: EncodedFrame, capture_ns: int) -> None:
        try:
            listener(encoded, capture_ns)
        except Exception:  # a listener's bug must not stop the video: log it once and drop it
            log.exception("a packet listener failed; it will not be called again")
            self.remove_packet_listener(listener)
