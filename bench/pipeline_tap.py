"""Frame tap for bench/pipeline.py: reads the stamp of every decoded frame.

Loaded by the viewer with ``--frame-tap bench.pipeline_tap:tap``; writes
{"frames": [[counter, t_decoded_ns], ...]} to $FERRY_BENCH_TAP_OUT at exit.
"""

from __future__ import annotations

import atexit
import json
import os
import threading

import numpy as np

from bench.stamp import read_stamp

_seen: list[tuple[int, int]] = []
_lock = threading.Lock()


def tap(frame: np.ndarray, t_decoded_ns: int) -> None:
    counter = read_stamp(frame)
    if counter is not None:
        with _lock:
            _seen.append((counter, t_decoded_ns))


def _write() -> None:
    path = os.environ.get("FERRY_BENCH_TAP_OUT")
    if path:
        with _lock, open(path, "w", encoding="utf-8") as out:
            json.dump({"frames": _seen}, out)


atexit.register(_write)
