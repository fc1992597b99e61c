"""A frame counter stamped into a screen corner and read back from decoded frames.

The stamp is a row of 32 cells of CELL×CELL pixels at the top-left corner: 24
bits of counter then 8 bits of check (the counter's bytes XOR-ed, inverted),
white for 1, black for 0. Large high-contrast cells survive H.264 compression.
"""

from __future__ import annotations

import numpy as np

CELL = 16
BITS = 32
WIDTH = CELL * BITS
HEIGHT = CELL


def check_byte(counter: int) -> int:
    return (~((counter >> 16) ^ (counter >> 8) ^ counter)) & 0xFF


def bits_of(counter: int) -> list[int]:
    """The 32 cell values (0/1) for ``counter`` (24 bits used)."""
    word = ((counter & 0xFFFFFF) << 8) | check_byte(counter & 0xFFFFFF)
    return [(word >> (BITS - 1 - i)) & 1 for i in range(BITS)]


def read_stamp(frame: np.ndarray) -> int | None:
    """The counter stamped into ``frame`` (H×W×3 or ×4), or None if no valid stamp."""
    if frame.shape[0] < HEIGHT or frame.shape[1] < WIDTH:
        return None
    inner = frame[4:12, :WIDTH, 1].reshape(8, BITS, CELL)[:, :, 4:12]
    values = inner.mean(axis=(0, 2)) > 127
    word = 0
    for bit in values:
        word = (word << 1) | int(bit)
    counter, check = word >> 8, word & 0xFF
    return counter if check == check_byte(counter) else None
