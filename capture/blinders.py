"""The customer's blinders: screen areas blacked out in every frame before it is checked or encoded.

Rules this module keeps:
- A blinder is a rectangle in screen coordinates, or a window whose place is looked up at every
  call, so the blinder follows the window. A window that no longer exists loses its blinder (and
  ``version`` moves on).
- ``apply(frame)`` blacks out, in place, every pixel of the frame under a blinder (B, G, R and the
  4th byte set to 0) — nothing is ever scaled or rounded inwards, so a blinded pixel cannot survive.
  For windows it covers every place the window had since the previous ``sweep``/``apply``
  (``GeometrySource.places``). Callers sweep just *before* grabbing and pass the result as
  ``also``: wherever the window was while the frame was grabbed, that place is black.
- Every method is thread-safe: the customer's editor changes the set on the GUI thread while the
  video thread applies it. The geometry source is only used under the lock (one X connection).
- ``version`` changes whenever a blinder is added or removed (not when a window merely moves).
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Rect = tuple[int, int, int, int]  # x, y, width, height


class GeometrySource(Protocol):
    """Where windows are (capture.windows.X11Windows); None when the window is gone."""

    def geometry(self, window_id: int) -> Rect | None:
        """The window's outer rectangle on the screen now."""

    def places(self, window_id: int) -> list[Rect] | None:
        """Every rectangle the window had since the last ``places`` call for it, the current one last."""


@dataclasses.dataclass(frozen=True, slots=True)
class Blinder:
    """One blinder: a fixed ``rect``, or a ``window_id`` whose rectangle is looked up (``title`` to show it)."""

    blinder_id: int
    rect: Rect | None = None
    window_id: int | None = None
    title: str = ""


class BlinderSet:
    """The blinders of one session; see the module rules."""

    def __init__(self, windows: GeometrySource | None = None) -> None:
        self._windows = windows
        self._lock = threading.Lock()
        self._blinders: dict[int, Blinder] = {}
        self._ids = itertools.count(1)
        self._version = 0

    @property
    def follows_windows(self) -> bool:
        """Whether window blinders are possible here (a geometry source was given)."""
        return self._windows is not None

    @property
    def version(self) -> int:
        """A number that changes whenever a blinder is added or removed."""
        with self._lock:
            return self._version

    def add_rect(self, rect: Rect) -> int | None:
        """Hide ``rect`` (screen coordinates); its blinder id, or None for an empty rectangle."""
        x, y, width, height = (int(value) for value in rect)
        if width <= 0 or height <= 0:
            return None
        return self._add(Blinder(0, rect=(x, y, width, height)))

    def add_window(self, window_id: int, title: str = "") -> int | None:
        """Hide the window wherever it goes; its blinder id, or None when it cannot be followed."""
        if self._windows is None:
            return None
        with self._lock:
            if self._windows.geometry(window_id) is None:
                return None
        return self._add(Blinder(0, window_id=window_id, title=title))

    def remove(self, blinder_id: int) -> None:
        """Stop hiding one blinder (unknown ids are ignored)."""
        with self._lock:
            if self._blinders.pop(blinder_id, None) is not None:
                self._version += 1

    def clear(self) -> None:
        """Remove every blinder."""
        with self._lock:
            if self._blinders:
                self._blinders.clear()
                self._version += 1

    def blinders(self) -> list[Blinder]:
        """The blinders, oldest first."""
        with self._lock:
            return list(self._blinders.values())

    def regions(self) -> list[Rect]:
        """Every blinded rectangle on the screen now (windows looked up; vanished windows dropped)."""
        return self._collect(history=False)

    def sweep(self) -> list[Rect]:
        """Like ``regions``, plus every place a window blinder's window had since the last sweep."""
        return self._collect(history=True)

    def apply(self, frame: NDArray[np.uint8], origin: tuple[int, int] = (0, 0),
              also: Iterable[Rect] = ()) -> list[Rect]:
        """Black out every blinded pixel of ``frame`` (in place); the rectangles blacked, in frame pixels.

        ``origin`` is the screen position of the frame's top-left pixel (the monitor's left, top);
        ``also`` adds screen rectangles, e.g. the regions looked up just before the frame was grabbed.
        """
        height, width = frame.shape[:2]
        blacked: list[Rect] = []
        for rect in _unique([*self.sweep(), *also]):
            clipped = clip(rect, origin, width, height)
            if clipped is not None:
                x, y, w, h = clipped
                frame[y : y + h, x : x + w] = 0
                blacked.append(clipped)
        return blacked

    def _add(self, blinder: Blinder) -> int:
        with self._lock:
            blinder_id = next(self._ids)
            self._blinders[blinder_id] = dataclasses.replace(blinder, blinder_id=blinder_id)
            self._version += 1
            return blinder_id

    def _collect(self, history: bool) -> list[Rect]:
        with self._lock:
            rects: list[Rect] = []
            for blinder in list(self._blinders.values()):
                rects.extend(self._locate(blinder, history))
            return _unique(rects)

    def _locate(self, blinder: Blinder, history: bool) -> list[Rect]:
        """The blinder's rectangles; a vanished window's blinder is removed (lock held)."""
        if blinder.rect is not None:
            return [blinder.rect]
        rects: list[Rect] | None = None
        if self._windows is not None and blinder.window_id is not None:
            if history:
                rects = self._windows.places(blinder.window_id)
            else:
                rect = self._windows.geometry(blinder.window_id)
                rects = None if rect is None else [rect]
        if rects is None:
            del self._blinders[blinder.blinder_id]
            self._version += 1
            return []
        return [rect for rect in rects if rect[2] > 0 and rect[3] > 0]


def clip(rect: Rect, origin: tuple[int, int], width: int, height: int) -> Rect | None:
    """``rect`` (screen) in the pixels of a width x height frame whose top-left is at ``origin``; None outside."""
    x, y, w, h = rect
    left, top = max(x - origin[0], 0), max(y - origin[1], 0)
    right, bottom = min(x - origin[0] + w, width), min(y - origin[1] + h, height)
    if right <= left or bottom <= top:
        return None
    return left, top, right - left, bottom - top


def _unique(rects: Sequence[Rect]) -> list[Rect]:
    return list(dict.fromkeys(rects))
