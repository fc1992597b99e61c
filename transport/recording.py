"""Write the session's H.264 video (VideoFrame packets) to MP4 files by muxing them (no second encode).

Both ends record with it: the customer's host module (host_module.recording, from its encoder's packets)
and the agent's viewer (viewer.recording, from the VideoFrames it receives). It lives in transport because
both may import it; capture and protocol may not, and it needs no Qt.

Rules this module keeps:
- A file is either complete at its final name or not there: while a segment is written it is
  ``<name>.part``; closing writes the MP4 trailer and renames it. A crash leaves at worst a ``.part``.
- A segment starts at a keyframe: packets before the first keyframe (of the file, or after a size
  change) are dropped. Nothing is written — no file exists — until that keyframe arrives.
- A size change starts a new segment (``name (2).mp4``, ``name (3).mp4``, …); the old one is finished.
- Variable frame rate: each packet keeps its real timestamp (``timestamp_ns``, any monotonic clock);
  a frame lasts until the next one, the last one until ``close(end_ns)``. Timestamps that do not move
  forward are nudged one tick later, so the file's decode order is always strictly increasing.
- Thread-safe: ``write`` is called on one producer thread (the host's video thread, the viewer's writer),
  ``close`` from anywhere; one lock serialises them.
  Muxing runs on the caller's thread (a packet is a few kilobytes; no queue, so no packet is ever dropped
  after the first keyframe — a lost P-frame would spoil every frame until the next keyframe).
- A write error finishes what was written so far if it can (else removes the ``.part``), closes the
  recorder and raises RecordingError; later writes are ignored.
"""

from __future__ import annotations

import logging
import threading
import time
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

import av

from transport.errors import TransportError

log = logging.getLogger(__name__)
TIME_BASE = Fraction(1, 90_000)  # the usual MP4 video clock
TICKS_PER_SECOND = 90_000
MIN_LAST_FRAME_TICKS = TICKS_PER_SECOND // 30  # the last frame shows for at least one frame time
MAX_FRAME_TICKS = 3600 * TICKS_PER_SECOND
"""A frame shows for at most an hour in the file: MP4 keeps frame durations in 32 bits (6.6 h at 90 kHz), so a
screen that stayed still longer (or a recording closed long after its last frame) is shortened to an hour."""
PART_SUFFIX = ".part"


class RecordingError(TransportError):
    """The recording could not be written (folder not writable, disk full, muxer refused a packet)."""


def unique_path(path: Path) -> Path:
    """``path``, or ``name (2).mp4``, ``name (3).mp4``, … — the first that exists neither finished nor partial."""
    candidate, number = path, 1
    while candidate.exists() or _part(candidate).exists():
        number += 1
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
    return candidate


def _part(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


class _Segment:
    """One MP4 file being written: opened at a keyframe, one size, finished by ``finish``."""

    def __init__(self, path: Path, width: int, height: int, first_ns: int) -> None:
        self.path, self.width, self.height = path, width, height
        self.part = _part(path)
        self.frames = 0
        self._first_ns = first_ns
        self._skipped = 0  # ticks left out of the timeline by MAX_FRAME_TICKS
        self._held: av.Packet[Any] | None = None  # the newest packet, muxed once its duration is known
        self._file = self.part.open("xb")  # opened here, so a folder that cannot be written fails now
        try:
            self._container = av.open(self._file, mode="w", format="mp4")
            self._stream = self._container.add_mux_stream("h264", width=width, height=height, time_base=TIME_BASE)
        except Exception:
            self._file.close()
            self.part.unlink(missing_ok=True)
            raise

    def add(self, data: bytes, keyframe: bool, timestamp_ns: int) -> None:
        packet = av.Packet(data)
        packet.stream = self._stream
        packet.time_base = TIME_BASE
        ticks = self._ticks(timestamp_ns)
        if self._held is not None:
            held_pts = self._held.pts or 0
            if ticks - held_pts > MAX_FRAME_TICKS:
                self._skipped += ticks - held_pts - MAX_FRAME_TICKS
                ticks = held_pts + MAX_FRAME_TICKS
            ticks = max(ticks, held_pts + 1)
            self._release_held(ticks - held_pts)
        packet.pts = packet.dts = ticks
        packet.is_keyframe = keyframe
        self._held = packet
        self.frames += 1

    def finish(self, end_ns: int) -> Path:
        """Mux the last packet, write the trailer, rename ``.part`` to the final name."""
        if self._held is not None:
            shown = self._ticks(end_ns) - (self._held.pts or 0)
            self._release_held(min(max(shown, MIN_LAST_FRAME_TICKS), MAX_FRAME_TICKS))
        self._container.close()
        self._file.close()
        if self.path.exists():  # someone took the name meanwhile: never replace their file
            self.path = unique_path(self.path)
        self.part.rename(self.path)
        return self.path

    def abandon(self) -> None:
        """Close without caring for the result and remove the partial file."""
        for close in (self._container.close, self._file.close):
            try:
                close()
            except (av.FFmpegError, OSError) as exc:
                log.debug("closing an abandoned recording failed: %s", exc)
        self.part.unlink(missing_ok=True)

    def _ticks(self, timestamp_ns: int) -> int:
        """``timestamp_ns`` on the file's clock (90 kHz from the first frame, less what was left out)."""
        return (timestamp_ns - self._first_ns) * TICKS_PER_SECOND // 1_000_000_000 - self._skipped

    def _release_held(self, duration: int) -> None:
        assert self._held is not None
        self._held.duration = duration
        self._container.mux(self._held)
        self._held = None


class Mp4Recorder:
    """Writes the encoder's H.264 packets (Annex B, SPS/PPS in keyframes) into MP4 files."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._segment: _Segment | None = None
        self._size: tuple[int, int] | None = None
        self._closed = False
        self._files: list[Path] = []
        self.dropped = 0  # packets dropped while waiting for a keyframe

    @property
    def files(self) -> list[Path]:
        """The finished files, in order."""
        with self._lock:
            return list(self._files)

    @property
    def part_path(self) -> Path | None:
        """The ``.part`` file being written now, if any."""
        with self._lock:
            return None if self._segment is None else self._segment.part

    @property
    def frames(self) -> int:
        """Frames in the segment being written now."""
        with self._lock:
            return 0 if self._segment is None else self._segment.frames

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed

    def write(self, data: bytes, keyframe: bool, timestamp_ns: int, width: int, height: int) -> bool:
        """Add one encoded frame (any thread); False when it was dropped (no keyframe yet, or closed).

        RecordingError when the file cannot be written.
        """
        with self._lock:
            if self._closed:
                return False
            try:
                return self._write(data, keyframe, timestamp_ns, (width, height))
            except (av.FFmpegError, OSError, ValueError) as exc:
                self._fail(exc)

    def close(self, end_ns: int | None = None) -> list[Path]:
        """Finish the open file (its last frame lasts until ``end_ns``, default now); the finished files."""
        end_ns = time.monotonic_ns() if end_ns is None else end_ns
        with self._lock:
            if not self._closed:
                self._closed = True
                try:
                    self._finish(end_ns)
                except (av.FFmpegError, OSError, ValueError) as exc:
                    self._fail(exc)
            return list(self._files)

    def _write(self, data: bytes, keyframe: bool, timestamp_ns: int, size: tuple[int, int]) -> bool:
        if size != self._size:
            self._finish(timestamp_ns)
            self._size = size
        if self._segment is None:
            if not keyframe:
                self.dropped += 1
                return False
            self._segment = _Segment(unique_path(self._path), size[0], size[1], timestamp_ns)
            log.info("recording to %s", self._segment.part)
        self._segment.add(data, keyframe, timestamp_ns)
        return True

    def _finish(self, end_ns: int) -> None:
        segment, self._segment = self._segment, None
        if segment is None:
            return
        try:
            self._files.append(segment.finish(end_ns))
        except Exception:
            segment.abandon()
            raise
        log.info("recording saved: %s (%d frames)", segment.path, segment.frames)

    def _fail(self, exc: Exception) -> NoReturn:
        """Keep what can be kept, stop for good, and say what went wrong."""
        self._closed = True
        part = self._segment.part if self._segment is not None else self._path
        try:
            self._finish(time.monotonic_ns())
        except (av.FFmpegError, OSError, ValueError) as second:
            log.debug("could not finish the recording after an error: %s", second)
        raise RecordingError(f"Could not write the recording {part}: {exc}. "
                             "Check that the folder exists, is writable and has free space.") from exc
