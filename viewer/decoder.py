"""Decode the host's video into numpy images ready for a QImage, off the GUI thread.

Rules this module keeps:
- Bytes from the peer are untrusted: garbage raises DecodeError (never anything else, never a
  crash), and the decoder then waits for the next keyframe, returning None (or raising
  DecodeError) for the frames in between. ``awaiting_keyframe`` says the viewer should send a
  KeyframeRequest (once per round trip, not once per frame: the host's answer is on its way).
- Output is ``bgra``: height x width x 4 uint8, bytes B, G, R, 255 — exactly
  ``QImage.Format_RGB32`` on little-endian machines, the format QPainter draws without any
  conversion. (yuv420p -> bgra costs the same in swscale as -> rgb24; RGB888 would be converted
  again at every paint.) ``pixel_format="rgb24"`` gives height x width x 3 for
  ``QImage.Format_RGB888`` instead.
- Every returned array is new and owned by the caller (hand it to the GUI thread as is);
  the codec context and the swscale context are reused.
- ``last_decode_s`` is the wall time of the last ``decode`` call (decode + colour conversion).
"""

from __future__ import annotations

import time
from typing import Literal

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from numpy.typing import NDArray

PixelFormat = Literal["bgra", "rgb24"]
QIMAGE_FORMAT_NAMES: dict[str, str] = {"bgra": "Format_RGB32", "rgb24": "Format_RGB888"}
MAX_PIXELS = 7680 * 4320  # 8K; a bigger picture is refused rather than allocated


class DecodeError(Exception):
    """The bytes are not decodable video; ask the host for a keyframe."""


class _Decoder:
    """A PyAV decoder for one codec, converting every picture to ``pixel_format``."""

    def __init__(self, context: av.VideoCodecContext, pixel_format: PixelFormat) -> None:
        if pixel_format not in QIMAGE_FORMAT_NAMES:
            raise ValueError(f"pixel_format must be 'bgra' or 'rgb24', not {pixel_format!r}")
        self._codec = context.name
        self._context = context
        self._reformatter = VideoReformatter()
        self.pixel_format: PixelFormat = pixel_format
        self.last_decode_s = 0.0
        self.frames_decoded = 0
        self.errors = 0

    def _decode_frames(self, data: bytes) -> list[av.VideoFrame]:
        if not data:
            raise DecodeError(f"Empty {self._codec} frame: ask the host for a keyframe")
        try:
            frames = self._context.decode(av.Packet(data))
        except (av.FFmpegError, ValueError) as exc:
            self.errors += 1
            raise DecodeError(f"Could not decode a {self._codec} frame of {len(data)} bytes: {exc}") from exc
        return [f for f in frames if isinstance(f, av.VideoFrame)]

    def _to_array(self, frame: av.VideoFrame) -> NDArray[np.uint8]:
        if frame.width * frame.height > MAX_PIXELS:
            self.errors += 1
            raise DecodeError(f"A {frame.width}x{frame.height} picture is larger than 8K: refused")
        image = self._reformatter.reformat(frame, format=self.pixel_format)
        array = np.ascontiguousarray(image.to_ndarray(), dtype=np.uint8)
        self.frames_decoded += 1
        return array


class H264Decoder(_Decoder):
    """H.264 (Annex B access units, one per call) to numpy images; see the module rules."""

    def __init__(self, pixel_format: PixelFormat = "bgra") -> None:
        super().__init__(av.CodecContext.create("h264", "r"), pixel_format)
        self._context.thread_type = "SLICE"  # frame threading would hold frames back
        self.awaiting_keyframe = True

    def decode(self, data: bytes) -> NDArray[np.uint8] | None:
        """Decode one access unit: the picture, or None if it gives none (waiting for a keyframe)."""
        start = time.perf_counter()
        try:
            return self._decode(data)
        except DecodeError:
            self.awaiting_keyframe = True
            raise
        finally:
            self.last_decode_s = time.perf_counter() - start

    def _decode(self, data: bytes) -> NDArray[np.uint8] | None:
        frames = self._decode_frames(data)
        if not frames:
            return None
        frame = frames[-1]
        if self.awaiting_keyframe and not frame.key_frame:
            return None
        self.awaiting_keyframe = False
        return self._to_array(frame)


class StillDecoder(_Decoder):
    """JPEG stills (screenshot mode) to numpy images in the same pixel format."""

    def __init__(self, pixel_format: PixelFormat = "bgra") -> None:
        super().__init__(av.CodecContext.create("mjpeg", "r"), pixel_format)

    def decode(self, data: bytes) -> NDArray[np.uint8]:
        """Decode one still; DecodeError if it is not a whole JPEG image."""
        start = time.perf_counter()
        try:
            frames = self._decode_frames(data)
            if not frames:
                raise DecodeError(f"A JPEG still of {len(data)} bytes held no image")
            return self._to_array(frames[-1])
        finally:
            self.last_decode_s = time.perf_counter() - start
