"""Benchmark the host's video path at 1920x1080 on a private Xvfb display, and the viewer's decode.

Each frame: draw a change on the X screen (a moving coloured block and lines, over a detailed
background), then time grab -> damage check -> H.264 encode (BGRA -> yuv420p -> libx264) ->
decode (H.264 -> BGRA for QImage.Format_RGB32). The damage check is also timed on an
unchanged frame (the one-memcmp case). Prints medians in milliseconds; the last line is one
JSON object with every figure.

By default the process first calls capture.memory.keep_frame_buffers_resident(), as a host
should; ``--default-malloc`` measures without it (frame buffers then page-fault every few frames).

    .venv/bin/python -m bench.capture_encode [--frames 200] [--default-malloc]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import numpy as np
import Xlib.display
import Xlib.X

from capture.damage import DamageDetector
from capture.encoder import H264Encoder
from capture.screen import ScreenGrabber
from tests.xvfb import start_xvfb
from transport.memory import keep_frame_buffers_resident
from viewer.decoder import H264Decoder

WIDTH, HEIGHT = 1920, 1080


class ScreenPainter:
    """Draws on the root window of a display with core X requests (synchronously)."""

    def __init__(self, name: str) -> None:
        self.display = Xlib.display.Display(name)
        self.root = self.display.screen().root
        self.gc = self.root.create_gc()

    def background(self) -> None:
        """A detailed picture: gradients plus fine noise, as a desktop with text would have."""
        rng = np.random.default_rng(1)
        image = np.zeros((HEIGHT, WIDTH, 4), dtype=np.uint8)
        image[..., 0] = np.linspace(0, 255, WIDTH, dtype=np.uint8)[None, :]
        image[..., 1] = np.linspace(0, 255, HEIGHT, dtype=np.uint8)[:, None]
        noise = rng.integers(0, 255, (HEIGHT, WIDTH, 3), dtype=np.uint8)
        image[::3, :, :3] = noise[::3]
        for top in range(0, HEIGHT, 32):
            rows = image[top : top + 32]
            self.root.put_image(self.gc, 0, top, WIDTH, rows.shape[0], Xlib.X.ZPixmap, 24, 0, rows.tobytes())
        self.display.sync()

    def change(self, step: int) -> None:
        """A moving 400x300 block and a few lines: about a window being dragged."""
        self.gc.change(foreground=(step * 2654435761) & 0xFFFFFF)
        x, y = (step * 23) % (WIDTH - 400), (step * 11) % (HEIGHT - 300)
        self.root.fill_rectangle(self.gc, x, y, 400, 300)
        for i in range(5):
            y0, y1 = (step * 7 + i * 200) % HEIGHT, (step * 13 + i * 90) % HEIGHT
            self.root.line(self.gc, 0, y0, WIDTH - 1, y1)
        self.display.sync()


class Stopwatch:
    """Lap times in milliseconds, per stage name; laps are kept only when ``keep`` is set."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.laps: dict[str, list[float]] = {name: [] for name in names}
        self.keep = False
        self._last = time.perf_counter()

    def start(self) -> None:
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.keep:
            self.laps[name].append((now - self._last) * 1000.0)
        self._last = now


STAGES = ("grab", "damage_changed", "commit", "encode", "decode", "damage_unchanged")


def run(frames: int, warmup: int = 10) -> dict[str, Any]:
    xvfb = start_xvfb(WIDTH, HEIGHT)
    try:
        painter = ScreenPainter(xvfb.name)
        painter.background()
        with ScreenGrabber(xvfb.name) as grabber:
            return measure(grabber, painter, frames, warmup)
    finally:
        xvfb.stop()


def measure(grabber: ScreenGrabber, painter: ScreenPainter, frames: int, warmup: int) -> dict[str, Any]:
    watch, sizes = Stopwatch(STAGES), []
    detector, encoder, decoder = DamageDetector(WIDTH, HEIGHT), H264Encoder(WIDTH, HEIGHT), H264Decoder()
    detector.commit(grabber.grab())
    for step in range(frames + warmup):
        painter.change(step)
        watch.keep = step >= warmup
        watch.start()
        frame = grabber.grab()
        watch.lap("grab")
        rect = detector.check(frame)
        watch.lap("damage_changed")
        detector.commit(frame)
        watch.lap("commit")
        encoded = encoder.encode(frame)
        watch.lap("encode")
        picture = decoder.decode(encoded.data)
        watch.lap("decode")
        unchanged = detector.check(frame)
        watch.lap("damage_unchanged")
        if rect is None or unchanged is not None or picture is None:
            raise RuntimeError(f"frame {step}: the change was not captured, or not decoded")
        sizes.append(len(encoded.data))
    return summary(watch.laps, sizes[warmup:], frames)


def summary(laps: dict[str, list[float]], sizes: list[int], frames: int) -> dict[str, Any]:
    result: dict[str, Any] = {f"{name}_ms": round(statistics.median(laps[name]), 3) for name in STAGES}
    host_stages = ("grab", "damage_changed", "commit", "encode")
    host = [sum(laps[name][i] for name in host_stages) for i in range(frames)]
    result["host_total_ms"] = round(statistics.median(host), 3)
    result.update(frames=frames, width=WIDTH, height=HEIGHT, median_bytes=int(statistics.median(sizes)))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--default-malloc", action="store_true", help="leave glibc malloc untuned")
    args = parser.parse_args()
    tuned = False if args.default_malloc else keep_frame_buffers_resident()
    result = run(args.frames)
    result["malloc_tuned"] = tuned
    for key, value in result.items():
        print(f"{key:>22}: {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
