"""The viewer's main window: the customer's screen, control and session state.

The window owns no socket: it gets a ViewerSession (model), receives the session's events from
worker threads through ``deliver`` (an EventBridge carries them to the GUI thread), and sends input
out through the session.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

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
from viewer.policy import ViewerPolicy
from viewer.session import ENDING_EVENTS, DecodedFrame, ViewerSession
from viewer.tools import install_tools

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

    def __init__(self, session: ViewerSession, title: str = "", parent: QWidget | None = None,
                 policy: ViewerPolicy | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.policy = policy or ViewerPolicy()
        self.live = False
        self.message_handlers: dict[type, list[Callable[[Any], None]]] = {}  # tools' messages, GUI thread
        self.on_finish: list[Callable[[], None]] = []  # tools' clean-up when the session ends
        self._decisions: dict[int, Callable[[PermissionDecision], None]] = {}
        self._live_actions: list[QAction] = []
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
        self.tools = install_tools(self)

    @property
    def session(self) -> ViewerSession:
        return self._session

    def add_tool(self, action: QAction, *option_keys: str, live_only: bool = True) -> bool:
        """Put ``action`` on the toolbar when the policy allows every one of ``option_keys``; False when not.

        A live-only action is enabled while the session is live and disabled when it ends.
        """
        if not self.policy.allows(*option_keys):
            return False
        self.toolbar.insertAction(self.end_action, action)
        if live_only:
            action.setEnabled(self.live)
            self._live_actions.append(action)
        return True

    def on_message(self, message_type: type, handler: Callable[[Any], None]) -> None:
        """Call ``handler(message)`` on the GUI thread for every ``message_type`` the host sends."""
        self.message_handlers.setdefault(message_type, []).append(handler)

    def request_permission(self, kind: str, detail: str,
                           on_decision: Callable[[PermissionDecision], None] | None = None) -> int:
        """Ask the customer (through the host's policy) for ``kind``; ``on_decision`` gets the answer."""
        self._requests += 1
        if on_decision is not None:
            self._decisions[self._requests] = on_decision
        self._session.send(PermissionRequest(self._requests, kind, detail))
        return self._requests

    def next_request_id(self) -> int:
        """A fresh id for a PermissionRequest or ToolRequest of this window."""
        self._requests += 1
        return self._requests

    def show_status(self, text: str, timeout_ms: int = 10000) -> None:
        """A passing sentence in the status bar (tools' results)."""
        self.statusBar().showMessage(text, timeout_ms)

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
        self.toolbar = bar

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
        if isinstance(message, PermissionDecision) and message.request_id in self._decisions:
            self._decisions.pop(message.request_id)(message)
        for handler in self.message_handlers.get(type(message), ()):
            handler(message)
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
            self.live = True
            for action in self._live_actions:
                action.setEnabled(True)
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
        self.live = False
        for action in self._live_actions:
            action.setEnabled(False)
        for clean_up in self.on_finish:
            clean_up()
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
        self.request_permission("blinders", "")
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
