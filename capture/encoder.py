"""Encode BGRA screen frames: H.264 for the live stream, JPEG stills for screenshot mode.

Rules this module keeps:
- One packet out for every frame in. libx264 runs with ``tune=zerolatency`` (no lookahead, no
  B-frames, sliced threads), so a frame never waits inside the encoder; anything else is an
  EncoderError, not a silent delay.
- Keyframes come only on request (and first): the GOP is infinite and scene cuts are off, so
  bandwidth is predictable; ``request_keyframe()`` may be called from any thread and makes the
  next frame an IDR carrying SPS/PPS in-band, so a decoder can join there.
- H.264 4:2:0 needs even sizes: an odd last row or column is cropped (never padded), and
  ``width``/``height`` give the size actually coded.
- The BGRA array is wrapped, not copied (``VideoFrame.from_numpy_buffer``), and converted to
  yuv420p by one reused swscale context.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from numpy.typing import NDArray

from capture.errors import EncoderError

H264_CODEC = "h264"
JPEG_CODEC = "jpeg"
BGRA_CHANNELS = 4
DEFAULT_CRF = 26
_I_FRAME = av.video.frame.PictureType.I
_NO_TYPE = av.video.frame.PictureType.NONE


@dataclasses.dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One encoded frame: an H.264 access unit (Annex B) or a whole still image."""

    data: bytes
    keyframe: bool
    pts: int
    width: int
    height: int


class H264Encoder:
    """libx264 for live screen video: ultrafast, zerolatency, yuv420p, keyframes on request."""

    def __init__(self, width: int, height: int, fps: int = 30, bitrate: int | None = None) -> None:
        if width < 2 or height < 2 or fps <= 0:
            raise EncoderError(f"Cannot encode {width}x{height} at {fps} fps: need at least 2x2 and fps > 0")
        self._source = (width, height)
        self._width, self._height = width - width % 2, height - height % 2
        self._context = _open_x264(self._width, self._height, fps, bitrate)
        self._reformatter = VideoReformatter()
        self._pts = 0
        self._keyframe_requested = True

    @property
    def width(self) -> int:
        """Coded width (the source width, made even)."""
        return self._width

    @property
    def height(self) -> int:
        """Coded height (the source height, made even)."""
        return self._height

    def request_keyframe(self) -> None:
        """Make the next encoded frame a keyframe (IDR with SPS/PPS)."""
        self._keyframe_requested = True

    def encode(self, bgra: NDArray[np.uint8]) -> EncodedFrame:
        """Encode one BGRA frame of the size given at construction; exactly one packet comes out."""
        frame = self._yuv_frame(bgra)
        force_key, self._keyframe_requested = self._keyframe_requested, False
        frame.pict_type = _I_FRAME if force_key else _NO_TYPE
        frame.pts = self._pts
        packet = _encode_one(self._context, frame, f"libx264, frame {self._pts}")
        self._pts += 1
        return EncodedFrame(bytes(packet), bool(packet.is_keyframe), self._pts - 1, self._width, self._height)

    def _yuv_frame(self, bgra: NDArray[np.uint8]) -> av.VideoFrame:
        _check_bgra(bgra, self._source)
        source = _wrap(bgra[: self._height, : self._width])
        try:
            return self._reformatter.reformat(source, format="yuv420p")
        except av.FFmpegError as exc:
            raise EncoderError(f"Could not convert the screen to YUV for encoding: {exc}") from exc


class StillEncoder:
    """JPEG stills of BGRA frames (screenshot mode); each still stands alone."""

    def __init__(self, width: int, height: int, quality: int = 80) -> None:
        if not 1 <= quality <= 100:
            raise EncoderError(f"JPEG quality must be 1..100, not {quality}")
        if width < 2 or height < 2:
            raise EncoderError(f"Cannot encode a {width}x{height} still: need at least 2x2")
        self._source = (width, height)
        self._width, self._height = width - width % 2, height - height % 2
        self._context = _open_mjpeg(self._width, self._height, quality)
        self._reformatter = VideoReformatter()
        self._pts = 0

    def encode(self, bgra: NDArray[np.uint8]) -> EncodedFrame:
        """Encode one BGRA frame as a baseline JPEG (always a keyframe)."""
        _check_bgra(bgra, self._source)
        source = _wrap(bgra[: self._height, : self._width])
        frame = self._reformatter.reformat(source, format="yuvj420p")
        frame.pts = self._pts
        packet = _encode_one(self._context, frame, "the JPEG encoder")
        self._pts += 1
        return EncodedFrame(bytes(packet), True, self._pts - 1, self._width, self._height)


def _encode_one(context: av.VideoCodecContext, frame: av.VideoFrame, what: str) -> av.Packet[Any]:
    """Encode ``frame`` into exactly one packet (no lookahead, no B-frames); EncoderError otherwise."""
    try:
        packets = context.encode(frame)
    except av.FFmpegError as exc:
        raise EncoderError(f"{what} failed to encode: {exc}") from exc
    if len(packets) != 1:
        raise EncoderError(f"{what} gave {len(packets)} packets for one frame instead of 1: "
                           "the encoder must run with tune=zerolatency and no B-frames")
    return packets[0]


def _check_bgra(bgra: NDArray[np.uint8], size: tuple[int, int]) -> None:
    width, height = size
    if bgra.shape != (height, width, BGRA_CHANNELS) or bgra.dtype != np.uint8:
        raise EncoderError(
            f"Frame of shape {bgra.shape} {bgra.dtype} given to an encoder made for {width}x{height} "
            "BGRA uint8: make a new encoder when the screen size changes"
        )


def _wrap(bgra: NDArray[np.uint8]) -> av.VideoFrame:
    """A VideoFrame over the array's memory (no copy); rows may be strided, pixels may not."""
    try:
        return av.VideoFrame.from_numpy_buffer(bgra, format="bgra")
    except ValueError as exc:
        raise EncoderError(f"BGRA pixels are not contiguous ({exc}): pass a C-contiguous array") from exc


def _open_x264(width: int, height: int, fps: int, bitrate: int | None) -> av.VideoCodecContext:
    options = {
        "preset": "ultrafast",
        "tune": "zerolatency",
        "x264-params": "keyint=infinite:min-keyint=1:scenecut=0:forced-idr=1:repeat-headers=1",
    }
    if bitrate is None:
        options["crf"] = str(DEFAULT_CRF)
    else:
        options.update(maxrate=str(bitrate), bufsize=str(bitrate // 2))
    try:
        context = av.CodecContext.create("libx264", "w")
    except av.FFmpegError as exc:
        raise EncoderError(f"libx264 is not available in this PyAV build: {exc}") from exc
    context.width, context.height, context.pix_fmt = width, height, "yuv420p"
    context.time_base, context.framerate = Fraction(1, fps), Fraction(fps, 1)
    context.max_b_frames = 0
    context.thread_type = "SLICE"
    if bitrate is not None:
        context.bit_rate = bitrate
    context.options = options
    _open(context, "libx264")
    return context


def _open_mjpeg(width: int, height: int, quality: int) -> av.VideoCodecContext:
    context = av.CodecContext.create("mjpeg", "w")
    context.width, context.height, context.pix_fmt = width, height, "yuvj420p"
    context.time_base = Fraction(1, 1)
    qscale = max(2, min(31, round(2 + (100 - quality) * 29 / 99)))
    context.qmin = context.qmax = qscale
    context.options = {"huffman": "optimal"}
    _open(context, "mjpeg")
    return context


def _open(context: av.VideoCodecContext, name: str) -> None:
    try:
        context.open()
    except av.FFmpegError as exc:
        raise EncoderError(f"Could not open the {name} encoder: {exc}") from exc
