"""Tell whether a frame differs from the last one sent, and where.

Rules this module keeps:
- The reference is the last frame *committed* (sent), held in one preallocated buffer and
  refreshed with ``np.copyto``; a frame that was checked but not sent does not move it, so its
  changes are reported again next time.
- The unchanged case costs one ``memcmp`` of the two buffers (bytearray equality through the
  buffer protocol); rows and columns are searched only when the buffers differ.
- Before the first commit, and after ``reset()``, every frame is entirely dirty.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from capture.errors import CaptureError

BGRA_CHANNELS = 4


@dataclasses.dataclass(frozen=True, slots=True)
class DirtyRect:
    """The bounding box of the pixels that changed, in frame pixels."""

    x: int
    y: int
    width: int
    height: int


class DamageDetector:
    """Compares BGRA frames of one size against the last committed frame."""

    def __init__(self, width: int, height: int) -> None:
        if width <= 0 or height <= 0:
            raise CaptureError(f"A damage detector needs a positive size, not {width}x{height}")
        self._width = width
        self._height = height
        self._ref_bytes = bytearray(width * height * BGRA_CHANNELS)
        self._ref = np.frombuffer(self._ref_bytes, dtype=np.uint8).reshape(height, width, BGRA_CHANNELS)
        self._ref_pixels = self._ref.view(np.uint32).reshape(height, width)
        self._valid = False

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the frames this detector compares."""
        return self._width, self._height

    def changed(self, frame: NDArray[np.uint8]) -> bool:
        """Whether ``frame`` differs from the reference at all (one memcmp; no bounding box)."""
        self._check_shape(frame)
        if not self._valid:
            return True
        if frame.flags.c_contiguous:
            return self._ref_bytes != frame.data
        return not np.array_equal(frame, self._ref)

    def check(self, frame: NDArray[np.uint8]) -> DirtyRect | None:
        """The dirty bounding box of ``frame`` against the reference, or None if it is unchanged."""
        self._check_shape(frame)
        if not self._valid:
            return DirtyRect(0, 0, self._width, self._height)
        if frame.flags.c_contiguous and self._ref_bytes == frame.data:
            return None
        return self._bounding_box(frame)

    def commit(self, frame: NDArray[np.uint8]) -> None:
        """Remember ``frame`` as the last one sent (copied into the reference buffer)."""
        self._check_shape(frame)
        np.copyto(self._ref, frame)
        self._valid = True

    def update(self, frame: NDArray[np.uint8]) -> DirtyRect | None:
        """``check`` then, when something changed, ``commit``: for callers that send every change."""
        rect = self.check(frame)
        if rect is not None:
            self.commit(frame)
        return rect

    def reset(self) -> None:
        """Forget the reference: the next frame is reported entirely dirty (e.g. for a keyframe)."""
        self._valid = False

    def _bounding_box(self, frame: NDArray[np.uint8]) -> DirtyRect | None:
        pixels = np.ascontiguousarray(frame).view(np.uint32).reshape(self._height, self._width)
        changed = pixels != self._ref_pixels
        rows = np.flatnonzero(changed.any(axis=1))
        if rows.size == 0:
            return None
        top, bottom = int(rows[0]), int(rows[-1])
        cols = np.flatnonzero(changed[top : bottom + 1].any(axis=0))
        left, right = int(cols[0]), int(cols[-1])
        return DirtyRect(left, top, right - left + 1, bottom - top + 1)

    def _check_shape(self, frame: NDArray[np.uint8]) -> None:
        expected = (self._height, self._width, BGRA_CHANNELS)
        if frame.shape != expected or frame.dtype != np.uint8:
            raise CaptureError(
                f"Frame of shape {frame.shape} {frame.dtype} given to a damage detector for "
                f"{expected} uint8: make a new detector when the screen size changes"
            )
