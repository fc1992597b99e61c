"""The agent's own copies of the customer's screen: a PNG of one frame, an MP4 of the received video.

Rules this module keeps:
- File work runs on worker threads, never on the GUI thread; results go back through the callbacks the
  caller gives (the tools hand them to the GUI thread with queued signals).
- A file is whole at its final name or not there: a PNG is written to "<name>.png.part" and renamed, an MP4
  is "<name>.mp4.part" until it is finished (transport.recording). An existing file is never replaced.
- A PNG holds the frame as decoded: what the customer blinded is black in it (the host blacked it out
  before encoding); the viewer's hatching is not in it.
- A recording muxes the VideoFrames as they arrive (no second encode), from a keyframe on; stills of
  screenshot mode (a codec other than H.264) are left out. Packets wait for the writer thread in a queue;
  when the disk cannot keep up the recording stops with a reason rather than lose a frame (a lost frame
  spoils every one after it until the next keyframe).
- Times in the MP4 are the host's capture clock; the last frame lasts until the recording stopped (the
  stop time is carried over to the host's clock by the arrival time of the last packet).
"""

from __future__ import annotations

import datetime
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QStandardPaths
from PySide6.QtGui import QImage

from protocol.messages import VideoFrame
from transport.recording import PART_SUFFIX, Mp4Recorder, RecordingError, unique_path

log = logging.getLogger(__name__)
ENV_PICTURES = "FERRY_VIEWER_PICTURES"  # where screen saves go instead of Pictures/Ferry (tests, kiosks)
ENV_VIDEOS = "FERRY_VIEWER_VIDEOS"  # where recordings go when recording_path is empty, instead of Videos/Ferry
QUEUE_LIMIT = 600  # packets waiting for the disk (about 20 s of video) before the recording gives up
NOT_IN_FILE_NAMES = str.maketrans({char: "-" for char in '<>:"/\\|?*'})
SavedFiles = Callable[[list[Path], str], None]  # the finished files, and why it stopped early ("" if it did not)


class ViewerFileError(Exception):
    """A screen save or recording could not be written; the message says where and what to check."""


def _standard_folder(location: QStandardPaths.StandardLocation, env_key: str,
                     env: Mapping[str, str] | None) -> Path:
    override = (os.environ if env is None else env).get(env_key, "")
    if override:
        return Path(override)
    return Path(QStandardPaths.writableLocation(location) or Path.home()) / "Ferry"


def pictures_folder(env: Mapping[str, str] | None = None) -> Path:
    """Where screen saves go: FERRY_VIEWER_PICTURES, else the agent's Pictures/Ferry."""
    return _standard_folder(QStandardPaths.StandardLocation.PicturesLocation, ENV_PICTURES, env)


def recordings_folder(recording_path: str, env: Mapping[str, str] | None = None) -> Path:
    """Where recordings go: the recording_path option when set, else FERRY_VIEWER_VIDEOS, else Videos/Ferry."""
    if recording_path.strip():
        return Path(recording_path.strip()).expanduser()
    return _standard_folder(QStandardPaths.StandardLocation.MoviesLocation, ENV_VIDEOS, env)


def file_stem(kind: str, now: datetime.datetime) -> str:
    """A file name without suffix: "Ferry screen 2026-11-26 14-03-05" (kind "screen") or "Ferry recording …"."""
    stamp = now.strftime("%Y-%m-%d %H-%M-%S")
    if kind == "screen":
        text = QCoreApplication.translate("ViewerRecording", "Ferry screen {time}")
    else:
        text = QCoreApplication.translate("ViewerRecording", "Ferry recording {time}")
    return text.format(time=stamp).translate(NOT_IN_FILE_NAMES).strip()


def png_bytes(bgra: np.ndarray) -> bytes:
    """The H×W×4 BGRA frame as PNG (RGB; the undefined 4th byte is dropped)."""
    height, width, _ = bgra.shape
    image = QImage(bgra.data, width, height, bgra.strides[0], QImage.Format.Format_RGB32)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    if not rgb.save(buffer, "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; PySide takes str
        raise ViewerFileError("Could not encode the screen as PNG; try again")
    buffer.close()
    return bytes(data.data())


def save_png(bgra: np.ndarray, folder: Path, stem: str) -> Path:
    """Write the frame to ``folder/stem.png`` (or "stem (2).png", …) through a ``.part`` file; the path."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = unique_path(folder / f"{stem}.png")
        part = target.with_name(target.name + PART_SUFFIX)
        with part.open("xb") as file:
            file.write(png_bytes(bgra))
        if target.exists():  # taken meanwhile: never replace it
            target = unique_path(target)
        part.rename(target)
    except OSError as exc:
        raise ViewerFileError(f"Could not save the screen in {folder}: {exc.strerror or exc}. "
                              "Check that the folder exists and is writable.") from exc
    return target


class AgentRecording:
    """One recording of the received video on the agent's PC: ``on_packet`` in, ``stop`` out, files to ``done``."""

    def __init__(self, folder: Path, stem: str, done: SavedFiles,
                 clock: Callable[[], int] = time.monotonic_ns) -> None:
        self.folder = folder
        self._recorder = Mp4Recorder(folder / f"{stem}.mp4")
        self._done = done
        self._clock = clock
        self._queue: queue.Queue[tuple[VideoFrame, int] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._stopping = False
        self._overflowed = False
        self.frames_written = 0  # packets in the files (the writer thread counts)
        self._last: tuple[int, int] | None = None  # (capture_ns, arrival_ns) of the newest packet written
        # not a daemon: a recording under way is finished (trailer written, renamed) before the program exits
        self._thread = threading.Thread(target=self._run, name="ferry-viewer-recording")
        self._thread.start()

    @property
    def running(self) -> bool:
        """The writer thread has not finished yet."""
        return self._thread.is_alive()

    @property
    def part_path(self) -> Path | None:
        """The ``.part`` file being written now, if any."""
        return self._recorder.part_path

    def on_packet(self, frame: VideoFrame) -> None:
        """The session's packet listener (network thread): queue the packet for the writer; never blocks."""
        if frame.codec != "h264":
            return
        with self._lock:
            if self._stopping:
                return
            if self._queue.qsize() >= QUEUE_LIMIT:
                self._overflowed = self._stopping = True
                self._queue.put(None)
                return
            self._queue.put((frame, self._clock()))

    def stop(self) -> None:
        """Finish the recording (on the writer thread; ``done`` is called when the file is whole)."""
        with self._lock:
            if not self._stopping:
                self._stopping = True
                self._queue.put(None)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the writer thread (tests and shutdown only; never on the GUI thread while live)."""
        self._thread.join(timeout)

    def _run(self) -> None:
        reason = ""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            while (item := self._queue.get()) is not None:
                self._write(*item)
        except RecordingError as exc:
            log.error("the agent's recording stopped: %s", exc)
            reason = str(exc)
        except OSError as exc:
            log.error("the agent's recording could not start: %s", exc)
            reason = (f"Could not record in {self.folder}: {exc.strerror or exc}. "
                      "Check that the folder exists and is writable.")
        files = self._finish()
        if self._overflowed and not reason:
            reason = f"the disk could not keep up with the video in {self.folder}"
        self._done(files, reason)

    def _write(self, frame: VideoFrame, arrival_ns: int) -> None:
        if self._recorder.write(frame.data, frame.keyframe, frame.capture_ns, frame.width, frame.height):
            self.frames_written += 1
            self._last = (frame.capture_ns, arrival_ns)

    def _finish(self) -> list[Path]:
        end_ns = None if self._last is None else self._last[0] + max(0, self._clock() - self._last[1])
        try:
            return self._recorder.close(end_ns if end_ns is not None else 0)
        except RecordingError as exc:
            log.error("the agent's recording could not be finished: %s", exc)
            return self._recorder.files
