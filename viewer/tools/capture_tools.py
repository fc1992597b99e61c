"""Screen save and agent-side recording: the agent keeps a PNG or an MP4 of what the customer shares.

Rules: each is on the toolbar only when the agent's options allow it (screen_save; recording_agent) and
asks first through the host (PermissionRequest "screen_save" / "recording" with detail "agent"): the
host's policy grants, refuses or asks the customer (screen_save_consent, recording_consent). Nothing is
written before a grant. The picture saved is the frame shown when the agent asked, as decoded. A
recording starts at a keyframe (one is asked for), stops with the toggle or the session's end, and goes to
recording_path (else Videos/Ferry). Files are written on worker threads (viewer.recording); the results
come back as signals and a status sentence.
"""

from __future__ import annotations

import datetime
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from protocol.messages import KeyframeRequest, PermissionDecision
from viewer.recording import AgentRecording, ViewerFileError, file_stem, pictures_folder, recordings_folder, save_png

if TYPE_CHECKING:
    from viewer.window import ViewerWindow

SCREEN_SAVE_SHORTCUT = "Ctrl+Alt+Shift+S"
RECORD_SHORTCUT = "Ctrl+Alt+Shift+R"


def _tip(text: str, shortcut: str) -> str:
    return f"{text} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"


class ScreenSaveTool(QObject):
    """The "Save screen" action: a PNG of the current frame in the agent's Pictures/Ferry."""

    saved = Signal(str)  # the PNG's path (emitted on the writer thread: connect queued)
    failed = Signal(str)  # a sentence for the agent

    def __init__(self, window: ViewerWindow, folder: Path | None = None) -> None:
        super().__init__(window)
        self._window = window
        self.folder = folder or pictures_folder()
        self.files: list[Path] = []
        self.action = QAction(self.tr("Save screen"), window)
        self.action.setShortcut(QKeySequence(SCREEN_SAVE_SHORTCUT))
        self.action.setToolTip(_tip(self.tr("Save a picture of the customer's screen"), SCREEN_SAVE_SHORTCUT))
        self.action.triggered.connect(self._on_action_triggered)
        self.saved.connect(self._on_saved)
        self.failed.connect(window.show_status)
        self.shown = window.add_tool(self.action, "screen_save")

    def _on_action_triggered(self) -> None:
        pixels = self._window.view.pixels
        if pixels is None:
            self._window.show_status(self.tr("There is no picture to save yet."))
            return
        frame = pixels.copy()  # the frame the agent sees now; kept only until the customer answers
        self._window.request_permission("screen_save", "", lambda decision: self._on_decision(decision, frame))
        self._window.show_status(self.tr("Asking the customer to allow a picture of their screen…"))

    def _on_decision(self, decision: PermissionDecision, frame: np.ndarray) -> None:
        if not decision.granted:
            self._window.show_status(self.tr("The screen was not saved: {reason}").format(reason=decision.reason))
            return
        stem = file_stem("screen", datetime.datetime.now())
        threading.Thread(target=self._write, args=(frame, stem), name="ferry-screen-save", daemon=True).start()

    def _write(self, frame: np.ndarray, stem: str) -> None:
        try:
            self.saved.emit(str(save_png(frame, self.folder, stem)))
        except ViewerFileError as exc:
            self.failed.emit(str(exc))

    def _on_saved(self, path: str) -> None:
        self.files.append(Path(path))
        self._window.show_status(self.tr("Screen saved: {path}").format(path=path))


class RecordingTool(QObject):
    """The "Record" toggle: an MP4 of the received video on the agent's PC."""

    finished = Signal(list, str)  # the files written and why it stopped early (writer thread: connect queued)

    def __init__(self, window: ViewerWindow, folder: Path | None = None) -> None:
        super().__init__(window)
        self._window = window
        self.folder = folder or recordings_folder(str(window.policy.value("recording_path") or ""))
        self.recording: AgentRecording | None = None
        self.asking = False
        self.files: list[Path] = []
        self.action = QAction(self.tr("Record"), window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(RECORD_SHORTCUT))
        self.action.setToolTip(_tip(self.tr("Record the session to a video file on this PC"), RECORD_SHORTCUT))
        self.action.triggered.connect(self._on_action_triggered)
        self.finished.connect(self._on_finished)
        self.shown = window.add_tool(self.action, "recording_agent")
        window.on_finish.append(self.stop)

    def start(self) -> None:
        """Ask for permission; the recording starts when it is granted."""
        if self.recording is not None or self.asking:
            return
        self.asking = True
        self.action.setChecked(True)
        self._window.request_permission("recording", "agent", self._on_decision)
        self._window.show_status(self.tr("Asking the customer to allow recording…"))

    def stop(self) -> None:
        """Stop recording; the file is finished on the writer thread (``finished`` follows)."""
        recording, self.recording = self.recording, None
        self.action.setChecked(False)
        if recording is not None:
            self._window.session.remove_packet_listener(recording.on_packet)
            recording.stop()

    def _on_action_triggered(self, checked: bool) -> None:
        if self.recording is not None:
            self.stop()
        elif self.asking:
            self.action.setChecked(True)  # still waiting for the answer
        elif checked:
            self.start()

    def _on_decision(self, decision: PermissionDecision) -> None:
        self.asking = False
        if not decision.granted or not self._window.live:
            self.action.setChecked(False)
            self._window.show_status(self.tr("Not recording: {reason}").format(
                reason=decision.reason or self.tr("the session is over")))
            return
        stem = file_stem("recording", datetime.datetime.now())
        self.recording = AgentRecording(self.folder, stem, self.finished.emit)
        self._window.session.add_packet_listener(self.recording.on_packet)
        self._window.session.send(KeyframeRequest())  # the file starts at a keyframe: do not wait for one
        self._window.show_status(self.tr("Recording to {folder}").format(folder=self.folder), 0)

    def _on_finished(self, files: list[Path], reason: str) -> None:
        self.files.extend(files)
        if reason:
            if self.recording is not None and not self.recording.running:
                self.stop()  # the one that failed is this one
            self._window.show_status(self.tr("The recording stopped: {reason}").format(reason=reason))
        elif files:
            self._window.show_status(self.tr("Recording saved: {path}").format(path=", ".join(map(str, files))))
        else:
            self._window.show_status(self.tr("Nothing was recorded: no video arrived."))


class CaptureTools:
    """What ``install`` returns: the two tools (tests reach them here)."""

    def __init__(self, window: ViewerWindow) -> None:
        self.screen_save = ScreenSaveTool(window)
        self.recording = RecordingTool(window)


def install(window: ViewerWindow) -> CaptureTools:
    return CaptureTools(window)
