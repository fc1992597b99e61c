"""Keep multi-megabyte frame buffers in the heap instead of fresh mmaps (glibc only, opt-in).

Every frame allocates and frees large buffers: mss's 8 MB BGRA copy of a 1080p grab, the
encoder's 3 MB yuv420p frame (the viewer: the decoder's 8 MB picture). With glibc's defaults,
some of these are served by fresh ``mmap`` pages and returned to the kernel on free (or trimmed
from the heap), so a later frame page-faults 2,000 pages again: measured on 1080p, every second
or third grab took ~5.6 ms instead of ~1.5 ms. Raising glibc's mmap and trim thresholds keeps
those buffers in the heap, reused frame after frame.

This changes the allocator of the whole process, so it is not done on import: a program that
streams video calls ``keep_frame_buffers_resident()`` once at start (the host module should; a
viewer process gains the same on decode). It is a no-op returning False off glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 64 * 1024 * 1024  # above any 4K BGRA frame (33 MB)
TRIM_THRESHOLD = 256 * 1024 * 1024


def keep_frame_buffers_resident() -> bool:
    """Tune glibc malloc so frame-sized buffers are reused, not re-faulted. True if applied."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    mmap_set = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    trim_set = mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    return bool(mmap_set and trim_set)
