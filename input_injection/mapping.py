"""Map pointer coordinates of the shared picture to screen pixels, clamped to the shared monitor."""

from __future__ import annotations

import dataclasses

from input_injection.errors import InjectionError


def clamp(value: int, low: int, high: int) -> int:
    """``value`` limited to [low, high]."""
    return max(low, min(high, value))


@dataclasses.dataclass(frozen=True, slots=True)
class ScreenMapper:
    """The shared monitor: its origin on the X screen and its size in pixels.

    The viewer sends pixels of the picture it shows (0..width-1, 0..height-1); a coordinate
    outside, from a bug or a hostile peer, is clamped to the monitor's edge, never allowed to
    reach another monitor.
    """

    left: int
    top: int
    width: int
    height: int

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise InjectionError(f"A screen mapping needs a positive size, not {self.width}x{self.height}")

    def map(self, x: int, y: int) -> tuple[int, int]:
        """Screen coordinates of picture pixel (x, y), clamped into the monitor."""
        return self.left + clamp(x, 0, self.width - 1), self.top + clamp(y, 0, self.height - 1)
