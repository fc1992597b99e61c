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
Switches: ``select_monitor`` and ``set_stills`` only note what is wanted (any thread); the video thread
applies it between two ticks (never during a grab): a new monitor gets a new encoder for its size, and every
switch makes the next H.264 frame a keyframe. Monitor listeners are called on the video thread with the
shared monitor and all monitors at the start and after every monitor switch, before the first frame of it.
Screenshot mode (``set_stills(interval)``): every ``interval`` seconds one whole JPEG still (blinded first,
like every frame), sent whatever the window of frames in flight says, never to packet listeners (they get
the H.264 stream only); ``set_stills(None)`` goes back to video with a keyframe. The video ticks do no more
work than before but one Event check and one attribute check per tick.
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
from capture.encoder import H264_CODEC, JPEG_CODEC, EncodedFrame, H264Encoder, StillEncoder
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
OpenGrabber = Callable[[str | None, int], ScreenGrabber]  # (display, monitor) -> grabber; tests pass a fake
MonitorListener = Callable[[Monitor, tuple[Monitor, ...]], None]  # (the shared monitor, every monitor)


class VideoPump:
    """Runs the video path of one session in a background thread."""

    def __init__(self, display: str | None, send: SendFrame, *, monitor: int = 1,
                 interval: float = 0.008, max_in_flight: int = 2, on_started: OnStarted | None = None,
                 on_failed: OnFailed | None = None, blinders: BlinderSet | None = None,
                 open_grabber: OpenGrabber = ScreenGrabber) -> None:
        self._display = display
        self._open_grabber = open_grabber
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
        self._switch_wanted = threading.Event()  # a monitor or mode switch waits for the video thread
        self._wake = threading.Event()  # cuts short the wait between stills
        self._wanted_monitor: int | None = None
        self._stills_interval: float | None = None  # screenshot mode: seconds between stills
        self._still_encoder: StillEncoder | None = None
        self._monitor_listeners: list[MonitorListener] = []
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
        self._wake.set()
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

    def select_monitor(self, index: int) -> None:
        """Share mss monitor ``index`` (1 = the first, 0 = all of them) from the next tick on (thread-safe)."""
        with self._lock:
            self._wanted_monitor = index
        self._switch_wanted.set()
        self._wake.set()

    def set_stills(self, interval: float | None) -> None:
        """Screenshot mode: a still every ``interval`` seconds; None: back to video (thread-safe)."""
        self._stills_interval = interval
        self._switch_wanted.set()
        self._wake.set()

    @property
    def mode(self) -> str:
        """"stills" in screenshot mode, else "video"."""
        return "video" if self._stills_interval is None else "stills"

    @property
    def progress(self) -> tuple[int, int]:
        """(id of the last frame sent, id of the last frame acknowledged)."""
        with self._lock:
            return self._last_sent, self._last_acked

    def add_monitor_listener(self, listener: MonitorListener) -> None:
        """Call ``listener(shared, monitors)`` on the video thread at the start and after every monitor switch."""
        with self._lock:
            self._monitor_listeners = [*self._monitor_listeners, listener]

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
            grabber = self._open_grabber(self._display, self._monitor)
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
        if self._on_started is not None:
            self._on_started(grabber.monitor)
        encoder, detector = self._open_stream(grabber)
        next_tick = time.monotonic()
        still_ticks = 0
        while not self._stop.is_set():
            if self._switch_wanted.is_set():
                encoder, detector = self._switch(grabber, encoder, detector)
            if self._stills_interval is not None:
                self._still_tick(grabber, self._stills_interval)
                continue
            still_ticks = 0 if self._tick(grabber, encoder, detector) else still_ticks + 1
            interval = self._interval if still_ticks < STILL_TICKS_BEFORE_BACKOFF else STILL_INTERVAL
            next_tick = max(next_tick + interval, time.monotonic())
            self._stop.wait(max(0.0, next_tick - time.monotonic()))

    def _open_stream(self, grabber: ScreenGrabber) -> tuple[H264Encoder, DamageDetector]:
        """A fresh encoder and damage detector for the shared monitor; the monitor listeners hear of it."""
        width, height = grabber.size
        self._still_encoder = None
        monitors = tuple(grabber.monitors())
        with self._lock:
            listeners = self._monitor_listeners
        for listener in listeners:
            listener(grabber.monitor, monitors)
        return H264Encoder(width, height), DamageDetector(width, height)

    def _switch(self, grabber: ScreenGrabber, encoder: H264Encoder,
                detector: DamageDetector) -> tuple[H264Encoder, DamageDetector]:
        """Apply a wanted monitor or mode switch between ticks; the next H.264 frame is a keyframe."""
        with self._lock:
            self._switch_wanted.clear()
            self._wake.clear()  # this switch is being handled: the next wait between stills is a whole one
            index, self._wanted_monitor = self._wanted_monitor, None
        if index is not None:
            try:
                grabber.select(index)
            except CaptureError as exc:  # a monitor unplugged meanwhile: keep sharing the one we have
                log.warning("kept sharing monitor %d: %s", grabber.monitor.index, exc)
            encoder, detector = self._open_stream(grabber)
        self.request_keyframe()  # also empties the window of frames in flight
        return encoder, detector

    def _still_tick(self, grabber: ScreenGrabber, interval: float) -> None:
        """Screenshot mode: one still (unless paused), then wait ``interval`` or until a switch or stop."""
        with self._tick_lock:
            if not self._paused:
                self._send_still(grabber)
        if not self._stop.is_set():  # stop() sets _stop before _wake: a stop is never slept through
            self._wake.wait(interval)
        self._wake.clear()

    def _send_still(self, grabber: ScreenGrabber) -> None:
        before = self.blinders.sweep()
        pixels = grabber.grab()
        capture_ns = time.monotonic_ns()
        self._blind(pixels, grabber.monitor, before)  # blinded areas are black before encoding, as in video
        if self._still_encoder is None:
            self._still_encoder = StillEncoder(*grabber.size)
        self._send_encoded(self._still_encoder.encode(pixels), capture_ns, JPEG_CODEC)

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

    def _send_encoded(self, encoded: EncodedFrame, capture_ns: int, codec: str = H264_CODEC) -> None:
        with self._lock:
            self._last_sent += 1
            frame_id = self._last_sent
            listeners = self._listeners
        self._send(VideoFrame(frame_id, encoded.keyframe, encoded.width, encoded.height, capture_ns,
                              encoded.data, codec))
        self.frames_sent += 1
        self.bytes_sent += len(encoded.data)
        if codec != H264_CODEC:
            return  # a still is not part of the H.264 stream the listeners (a recording) follow
        for listener in listeners:
            self._notify(listener, encoded, capture_ns)

    def _notify(self, listener: PacketListener, encoded: EncodedFrame, capture_ns: int) -> None:
        try:
            listener(encoded, capture_ns)
        except Exception:  # a listener's bug must not stop the video: log it once and drop it
            log.exception("a packet listener failed; it will not be called again")
            self.remove_packet_listener(listener)
