"""Grab one monitor of a screen as BGRA numpy arrays, through mss.

Rules this module keeps:
- The X display is explicit: ``ScreenGrabber(display=":5")`` connects to that display and never
  reads or changes ``os.environ``; ``display=None`` (or "") means "the display in $DISPLAY" (on Windows
  and macOS, the desktop: mss has no display argument there).
- ``grab()`` returns a new array each call: a zero-copy view of the bytes mss fetched over
  MIT-SHM, owned by the caller from then on (safe to mask in place or hand to another thread).
- One grabber is used from one thread at a time.
"""

from __future__ import annotations

import dataclasses
import sys
from types import TracebackType
from typing import Any

import mss
import numpy as np
from numpy.typing import NDArray

from capture.errors import ScreenUnavailableError


@dataclasses.dataclass(frozen=True, slots=True)
class Monitor:
    """One monitor of the screen; ``index`` counts from 1 as mss does (0: all of them, their bounding box)."""

    index: int
    left: int
    top: int
    width: int
    height: int


class ScreenGrabber:
    """Grabs one monitor of one screen, BGRA, height x width x 4 uint8."""

    def __init__(self, display: str | None = None, monitor: int = 1) -> None:
        self._display = display or None
        self._mss = _open_mss(display)
        self._monitor = self._find(monitor)

    @property
    def display(self) -> str | None:
        """The X display this grabber captures (None: the one in $DISPLAY)."""
        return self._display

    @property
    def monitor(self) -> Monitor:
        """The monitor being captured."""
        return self._monitor

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the captured monitor in pixels."""
        return self._monitor.width, self._monitor.height

    def monitors(self) -> list[Monitor]:
        """Every monitor of the screen, in mss order (index 1 first)."""
        raw: list[dict[str, Any]] = list(self._mss.monitors)
        return [_monitor(index, mon) for index, mon in enumerate(raw) if index > 0]

    def everything(self) -> Monitor:
        """All monitors together: their bounding box, index 0 (mss's monitor 0)."""
        return _monitor(0, self._mss.monitors[0])

    def select(self, monitor: int) -> None:
        """Capture another monitor (0: all of them) from the next grab on; ScreenUnavailableError if none."""
        self._monitor = self._find(monitor)

    def grab(self) -> NDArray[np.uint8]:
        """Grab the monitor now: a C-contiguous height x width x 4 BGRA array (4th byte undefined)."""
        mon = self._monitor
        region = {"left": mon.left, "top": mon.top, "width": mon.width, "height": mon.height}
        try:
            shot = self._mss.grab(region)
        except mss.ScreenShotError as exc:
            raise ScreenUnavailableError(
                f"Could not grab monitor {mon.index} of {self._where()}: {exc}; "
                "check that the X server is still running"
            ) from exc
        return np.asarray(shot, dtype=np.uint8)

    def close(self) -> None:
        """Release the X connection and shared memory; the grabber cannot be used afterwards."""
        self._mss.close()

    def __enter__(self) -> ScreenGrabber:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _find(self, index: int) -> Monitor:
        if index == 0:
            return self.everything()
        monitors = self.monitors()
        if not 1 <= index <= len(monitors):
            raise ScreenUnavailableError(
                f"Monitor {index} does not exist on {self._where()}: it has {len(monitors)} "
                f"monitor(s), numbered from 1 (0: all of them)"
            )
        return monitors[index - 1]

    def _where(self) -> str:
        return f"display {self._display}" if self._display else "the default display"


def _open_mss(display: str | None) -> mss.MSS:
    where = f"display {display}" if display else "the default display ($DISPLAY)"
    try:
        if display and sys.platform.startswith("linux"):
            return mss.MSS(display=display)
        return mss.MSS()
    except mss.ScreenShotError as exc:
        raise ScreenUnavailableError(
            f"Could not open {where} for screen capture: {exc}. "
            "Check that the X server runs, that this user may connect to it, and that its depth is 24 or 32"
        ) from exc


def _monitor(index: int, raw: dict[str, Any]) -> Monitor:
    return Monitor(index, int(raw["left"]), int(raw["top"]), int(raw["width"]), int(raw["height"]))
