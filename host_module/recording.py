"""Customer-side recording of a support session: whether it may run, where it goes, what the customer sees.

Rules this module keeps:
- Recording runs only when the policy has recording_customer on and, when recording_consent is on, the
  customer agreed (``start(consented=True)``); otherwise ``start`` refuses and nothing is written.
- Files go to the customer's video folder (QStandardPaths' MoviesLocation, made if missing; the home
  folder when that fails), named like "Ferry support 2026-11-25 14-03.mp4". An existing file is never
  overwritten; a size change mid-session continues in "… (2).mp4".
- The MP4 holds the packets the viewer gets (already blinded, already encoded): no second encode.
- ``on_packet`` is the VideoPump's packet listener: it runs on the video thread and never raises — a
  write error stops the recording and is reported through ``failed``. Everything else runs on the GUI thread.
- Signals may be emitted on the video thread: connect them to GUI-thread objects (queued delivery).
- Recordings the customer kept are never removed by the host's cleanup: ``protected_paths()`` lists them.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Signal

from capture.encoder import EncodedFrame
from transport.recording import Mp4Recorder, RecordingError

log = logging.getLogger(__name__)
NOT_IN_FILE_NAMES = str.maketrans({char: "-" for char in '<>:"/\\|?*'})


class RecordingPolicy(Protocol):
    """The two policy options that decide customer-side recording (host_module.policy.HostPolicy has them)."""

    @property
    def recording_customer(self) -> bool: ...

    @property
    def recording_consent(self) -> bool: ...


def recording_allowed(policy: RecordingPolicy, consented: bool) -> bool:
    """Recording may start: the policy records on the customer's PC and, if it asks, the customer agreed."""
    return policy.recording_customer and (consented or not policy.recording_consent)


def videos_folder() -> Path:
    """The customer's video folder (made if missing), else the home folder."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    if location:
        folder = Path(location)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        except OSError as exc:
            log.warning("cannot use the video folder %s (%s); recording to the home folder", folder, exc)
    return Path.home()


def recording_name(now: datetime.datetime) -> str:
    """The file name of a recording started at ``now`` (local time), e.g. "Ferry support 2026-11-25 14-03.mp4"."""
    stamp = now.strftime("%Y-%m-%d %H-%M")
    stem = QCoreApplication.translate("HostRecording", "Ferry support {time}").format(time=stamp)
    return stem.translate(NOT_IN_FILE_NAMES).strip() + ".mp4"


class RecordingController(QObject):
    """Starts and stops the customer-side recording of one session and tells the customer about it."""

    recording_changed = Signal(bool)  # the notice window shows notice_text() while True
    saved = Signal(str)  # a finished recording file (the customer keeps it)
    failed = Signal(str)  # a sentence for the customer: the recording stopped

    def __init__(self, policy: RecordingPolicy, *, folder: Path | None = None,
                 request_keyframe: Callable[[], None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self._folder = folder
        self._request_keyframe = request_keyframe
        self._lock = threading.Lock()
        self._recorder: Mp4Recorder | None = None
        self._kept: list[Path] = []
        self.frames_recorded = 0

    @property
    def needs_consent(self) -> bool:
        """The customer must agree before recording starts (the consent UI asks when this is True)."""
        return self._policy.recording_customer and self._policy.recording_consent

    @property
    def recording(self) -> bool:
        with self._lock:
            return self._recorder is not None

    @property
    def folder(self) -> Path:
        """Where recordings go (decided at the first start when not given)."""
        if self._folder is None:
            self._folder = videos_folder()
        return self._folder

    @property
    def kept_files(self) -> list[Path]:
        """The finished recordings of this session."""
        with self._lock:
            return list(self._kept)

    def notice_text(self) -> str:
        """What the notice window shows about recording now ("" when not recording)."""
        return QCoreApplication.translate("HostRecording", "Recording") if self.recording else ""

    def start(self, consented: bool = False) -> bool:
        """Start recording if the policy and the customer allow it; whether it is recording now."""
        if not recording_allowed(self._policy, consented):
            log.info("recording not started: the policy or the customer does not allow it")
            return False
        with self._lock:
            if self._recorder is not None:
                return True
            path = self.folder / recording_name(datetime.datetime.now())
            self._recorder = Mp4Recorder(path)
        log.info("recording this session to %s", path)
        if self._request_keyframe is not None:
            self._request_keyframe()  # the file must start at a keyframe: do not wait for the next one
        self.recording_changed.emit(True)
        return True

    def stop(self) -> list[Path]:
        """Stop recording and finish the file; the files this recording made."""
        with self._lock:
            recorder, self._recorder = self._recorder, None
        if recorder is None:
            return []
        try:
            files = recorder.close(time.monotonic_ns())
        except RecordingError as exc:
            return self._report_failure(recorder, exc)
        return self._report_stopped(files)

    def on_packet(self, packet: EncodedFrame, capture_ns: int) -> None:
        """The VideoPump's packet listener (video thread): add the packet to the recording, if one runs."""
        with self._lock:
            recorder = self._recorder
        if recorder is None:
            return
        try:
            if recorder.write(packet.data, packet.keyframe, capture_ns, packet.width, packet.height):
                self.frames_recorded += 1
        except RecordingError as exc:
            with self._lock:
                if self._recorder is recorder:
                    self._recorder = None
            self._report_failure(recorder, exc)

    def protected_paths(self) -> list[Path]:
        """What the host's cleanup must never delete: the recordings kept and the one being written."""
        with self._lock:
            paths = list(self._kept)
            part = None if self._recorder is None else self._recorder.part_path
        return paths + ([part] if part is not None else [])

    def _report_stopped(self, files: list[Path]) -> list[Path]:
        with self._lock:
            self._kept.extend(files)
        for path in files:
            log.info("recording saved: %s", path)
            self.saved.emit(str(path))
        self.recording_changed.emit(False)
        return files

    def _report_failure(self, recorder: Mp4Recorder, exc: RecordingError) -> list[Path]:
        log.error("the recording stopped: %s", exc)
        files = self._report_stopped(recorder.files)
        self.failed.emit(QCoreApplication.translate(
            "HostRecording", "The recording stopped because it could not be saved in {folder}. "
            "Check that the disk has free space; the support session goes on.").format(folder=self.folder))
        return files
