"""Mouse trace: the customer's pointer positions sampled for the agent (the X11 picture has no cursor).

Rules: while on, a thread of its own reads the pointer about 20 times a second (on an X connection of its
own: ``open_reader`` is called on that thread) and sends a CursorTrace every few samples, only when the
pointer moved since the last one sent. Positions are pixels of the shared monitor; a position off it
(another monitor) is not sent. Nothing is sent while ``withheld()`` says so (the customer paused
sharing). The thread never touches widgets and never blocks the caller: ``stop`` only signals it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from input_injection.errors import InjectionError
from protocol.messages import CursorTrace, pack_points

log = logging.getLogger(__name__)

Position = tuple[int, int]
Area = tuple[int, int, int, int]  # left, top, width, height of the shared monitor
INTERVAL_S = 0.05  # ~20 Hz
SAMPLES_PER_MESSAGE = 4  # a CursorTrace every ~0.2 s


def on_monitor(position: Position, area: Area | None) -> Position | None:
    """``position`` (screen pixels) as a pixel of the shared monitor; None when off it or no monitor yet."""
    if area is None:
        return None
    left, top, width, height = area
    x, y = position[0] - left, position[1] - top
    return (x, y) if 0 <= x < width and 0 <= y < height else None


class TraceBatcher:
    """Collects samples and says when a batch is due (pure logic; the sampler thread drives it)."""

    def __init__(self, per_message: int = SAMPLES_PER_MESSAGE) -> None:
        self._per_message = per_message
        self._points: list[Position] = []
        self._samples = 0
        self._last_sent: Position | None = None

    def add(self, point: Position | None) -> list[Position] | None:
        """Note one sample; the points to send now, or None."""
        if point is not None and (not self._points or self._points[-1] != point):
            self._points.append(point)
        self._samples += 1
        if self._samples < self._per_message and self._last_sent is not None:
            return None  # the first move is sent at once, later ones in batches
        self._samples = 0
        points, self._points = self._points, []
        if not points or points == [self._last_sent]:
            return None
        self._last_sent = points[-1]
        return points


class TraceSampler:
    """Samples the pointer on its own thread and sends CursorTrace batches; see the module rules."""

    def __init__(self, open_reader: Callable[[], Callable[[], Position]], send: Callable[[CursorTrace], object],
                 area: Callable[[], Area | None], withheld: Callable[[], bool],
                 interval_s: float = INTERVAL_S) -> None:
        self._open_reader = open_reader
        self._send = send
        self._area = area
        self._withheld = withheld
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0  # CursorTrace messages sent

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def start(self) -> None:
        if self.running:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop,), name="ferry-mouse-trace",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end (it does within one interval); never waits."""
        self._stop.set()

    def join(self, timeout: float = 1.0) -> None:
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self, stop: threading.Event) -> None:
        read = self._open_reader()
        batcher = TraceBatcher()
        while not stop.wait(self._interval_s):
            try:
                position = read()
            except InjectionError as exc:
                log.info("stopped the mouse trace: %s", exc)
                return
            points = batcher.add(on_monitor(position, self._area()))
            if points and not self._withheld():
                self._send(CursorTrace(pack_points(points)))
                self.sent += 1
