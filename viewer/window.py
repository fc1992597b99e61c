"""The viewer's main window: the customer's screen, control and session state.

The window owns no socket: it gets a ViewerSession (model), receives the session's events from
worker threads through ``deliver`` (an EventBridge carries them to the GUI thread), and sends input
out through the session.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar, QWidget

from protocol.errors import MessageDecodeError
from protocol.events import HandshakeComplete, SessionLive
from protocol.messages import (
    BlinderRegions,
    ChatLine,
    ControlGrant,
    ControlRevoke,
    HostInfo,
    Message,
    PermissionDecision,
    PermissionRequest,
    unpack_rects,
)
from transport.events import LinkConnected, LinkPaired
from ui.bridge import EventBridge
from ui.widgets import group_code
from viewer.frame_view import FrameView
from viewer.session import ENDING_EVENTS, DecodedFrame, ViewerSession

log = logging.getLogger(__name__)
END_SHORTCUT = "Ctrl+Alt+Shift+E"
CLOSE_AFTER_END_MS = 4000


class LatestFrame:
    """A one-slot mailbox: the decode thread puts, the GUI takes; newest wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: DecodedFrame | None = None

    def put(self, frame: DecodedFrame) -> bool:
        """Store ``frame``; True when the slot was empty (the GUI needs a nudge)."""
        with self._lock:
            was_empty = self._frame is None
            self._frame = frame
        return was_empty

    def take(self) -> DecodedFrame | None:
        with self._lock:
            frame, self._frame = self._frame, None
        return frame


class ViewerWindow(QMainWindow):
    """Shows one session; closing the window ends it."""

    session_ended = Signal(str)
    geometry_reported = Signal(dict)

    def __init__(self, session: ViewerSession, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._bridge = EventBridge(self)
        self._latest = LatestFrame()
        self._ended = False
        self._requests = 0  # PermissionRequest ids this window has used
        self._frames_shown = 0
        self._fps_mark = (time.monotonic(), 0)
        self.view = FrameView(self)
        self.view.input_produced.connect(self._on_view_input_produced)
        self.setCentralWidget(self.view)
        self._status = QLabel(self.tr("Connecting to the relay…"))
        self.statusBar().addWidget(self._status, 1)
        self._sas_label = QLabel("")
        self.statusBar().addPermanentWidget(self._sas_label)
        self._build_toolbar()
        self.setWindowTitle(title or self.tr("Ferry viewer"))
        self.resize(1280, 760)
        self._bridge.connect_handler(self._on_bridge_posted)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Session"), self)
        self.request_control_action = QAction(self.tr("Request control"), self)
        self.request_control_action.triggered.connect(self._on_request_control_triggered)
        self.request_control_action.setEnabled(False)
        self.blinders_action = QAction(self.tr("Ask the customer to hide parts of the screen"), self)
        self.blinders_action.triggered.connect(self._on_blinders_triggered)
        self.blinders_action.setEnabled(False)
        self.end_action = QAction(self.tr("End session"), self)
        self.end_action.setShortcut(QKeySequence(END_SHORTCUT))
        self.end_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.end_action.triggered.connect(self._on_end_triggered)
        bar.addAction(self.request_control_action)
        bar.addAction(self.blinders_action)
        bar.addAction(self.end_action)
        self.addToolBar(bar)

    def deliver(self, event: object) -> None:
        """Hand a session event to the window from any thread; of decoded frames the newest wins."""
        if not isinstance(event, DecodedFrame) or self._latest.put(event):
            self._bridge.post(event)

    def _on_bridge_posted(self, event: object) -> None:
        if isinstance(event, DecodedFrame):
            self._show_latest()
        elif isinstance(event, Message):
            self._on_message(event)
        else:
            self._on_state_event(event)

    def _show_latest(self) -> None:
        frame = self._latest.take()
        if frame is None:
            return
        first = self.view.image is None or self.view.image.size() != _size(frame)
        self.view.set_frame(frame.image)
        self._frames_shown += 1
        if first:
            self._report_geometry()

    def _report_geometry(self) -> None:
        image = self.view.image
        if image is None:
            return
        rect = self.view.target_rect()
        origin = self.view.mapToGlobal(rect.topLeft().toPoint())
        self.geometry_reported.emit({"x": origin.x(), "y": origin.y(), "w": round(rect.width()),
                                     "h": round(rect.height()), "image_w": image.width(),
                                     "image_h": image.height()})

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._report_geometry)

    def _on_message(self, message: Message) -> None:
        if isinstance(message, ControlGrant):
            self.view.input_enabled = True
            self.request_control_action.setEnabled(False)
            self.view.setFocus()
            self._set_status(self.tr("You have control of the customer's mouse and keyboard."))
        elif isinstance(message, ControlRevoke):
            self.view.input_enabled = False
            self.request_control_action.setEnabled(not self._ended)
            self._set_status(self.tr("View only: the customer has not given control.") + _reason(message.reason))
        elif isinstance(message, HostInfo):
            self.setWindowTitle(f"{message.pc_name} ({message.os_name}) — " + self.tr("Ferry viewer"))
        elif isinstance(message, BlinderRegions):
            self._show_blinders(message)
        elif isinstance(message, PermissionDecision) and message.kind == "blinders":
            self._set_status(self.tr("The customer is choosing what to hide.") if message.granted
                             else self.tr("Blinders are not available: {reason}").format(reason=message.reason))
        elif isinstance(message, ChatLine):  # the conversation itself is in the agent app's chat window
            self.statusBar().showMessage(self.tr("Customer: {text}").format(text=message.text), 10000)

    def _show_blinders(self, message: BlinderRegions) -> None:
        try:
            rects = unpack_rects(message.rects)
        except MessageDecodeError:
            log.warning("ignored BlinderRegions that are not whole rectangles")
            return
        if rects and not self.view.blinders:
            self.statusBar().showMessage(self.tr("The customer hid parts of the screen (hatched)."), 10000)
        self.view.set_blinders(rects)

    def _on_state_event(self, event: object) -> None:
        if isinstance(event, LinkConnected):
            self._set_status(self.tr("Waiting for the customer to connect…"))
        elif isinstance(event, LinkPaired):
            self._set_status(self.tr("Securing the connection…"))
        elif isinstance(event, HandshakeComplete):
            self._sas_label.setText(self.tr("Security code: {sas}").format(sas=group_code(event.sas)))
            self._set_status(self.tr("Waiting for the customer to agree…"))
        elif isinstance(event, SessionLive):
            self.request_control_action.setEnabled(True)
            self.blinders_action.setEnabled(True)
            self._set_status(self.tr("Live. View only until the customer gives control."))
        elif isinstance(event, ENDING_EVENTS):
            self._finish(event.reason)

    def _finish(self, reason: str) -> None:
        if self._ended:
            return
        self._ended = True
        self.view.input_enabled = False
        self.request_control_action.setEnabled(False)
        self.blinders_action.setEnabled(False)
        self.end_action.setEnabled(False)
        self._set_status(self.tr("Session ended: {reason}").format(reason=reason))
        self.session_ended.emit(reason)
        QTimer.singleShot(CLOSE_AFTER_END_MS, self.close)

    def _set_status(self, text: str) -> None:
        self._status.setText(text)

    def _on_view_input_produced(self, message: Message) -> None:
        self._session.send(message)

    def _on_request_control_triggered(self) -> None:
        self._session.request_control()
        self._set_status(self.tr("Control requested; waiting for the customer…"))

    def _on_blinders_triggered(self) -> None:
        self._requests += 1
        self._session.send(PermissionRequest(self._requests, "blinders", ""))
        self._set_status(self.tr("Asked the customer to hide what you must not see…"))

    def _on_end_triggered(self) -> None:
        self._session.end("ended by the agent")

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._ended:
            self._session.end("the agent closed the viewer")
        super().closeEvent(event)


def _size(frame: DecodedFrame) -> QSize:
    height, width = frame.image.shape[:2]
    return QSize(width, height)


def _reason(reason: str) -> str:
    return f" ({reason})" if reason else ""
