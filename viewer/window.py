"""The viewer's main window: the customer's screen, control and session state.

The window owns no socket: it gets a ViewerSession (model), receives the session's events from
worker threads through ``deliver`` (an EventBridge carries them to the GUI thread), and sends input
out through the session.

Rules: the toolbar shows only what the agent's options allow (``add_tool``; Request control only with
mouse_control or keyboard_control, and the view sends only the input kinds they allow). The picture is
fitted (default) or shown 1:1 in a scroll area; F11 toggles full screen, Esc leaves it while the agent
has no control (with control, Esc belongs to the customer). ``geometry_reported`` tells where the
picture is on the screen whenever that changes (new size, resize, scroll, scale mode).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QMainWindow, QScrollArea, QToolBar, QWidget

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
from transport.events import LinkConnected, LinkPaired, LinkReconnecting, LinkResumed
from ui.bridge import EventBridge
from ui.widgets import group_code
from viewer.frame_view import ACTUAL, FIT, FrameView
from viewer.policy import ViewerPolicy
from viewer.session import ENDING_EVENTS, DecodedFrame, ViewerSession
from viewer.tools import install_tools

log = logging.getLogger(__name__)
END_SHORTCUT = "Ctrl+Alt+Shift+E"
FIT_SHORTCUT = "Ctrl+Alt+Shift+W"
ACTUAL_SHORTCUT = "Ctrl+Alt+Shift+A"
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
        self.state_handlers: dict[type, list[Callable[[Any], None]]] = {}  # tools' session events, GUI thread
        self.on_finish: list[Callable[[], None]] = []  # tools' clean-up when the session ends
        self._decisions: dict[int, Callable[[PermissionDecision], None]] = {}
        self._live_actions: list[QAction] = []
        self._bridge = EventBridge(self)
        self._latest = LatestFrame()
        self._ended = False
        self._requests = 0  # PermissionRequest ids this window has used
        self._frames_shown = 0
        self._fps_mark = (time.monotonic(), 0)
        self._control_allowed = self.policy.allows("mouse_control") or self.policy.allows("keyboard_control")
        self.view = FrameView(self)
        self.view.allow_mouse = self.policy.allows("mouse_control")
        self.view.allow_keys = self.policy.allows("keyboard_control")
        self.view.input_produced.connect(self._on_view_input_produced)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)  # fit: the view fills it; 1:1: the view's minimum size scrolls
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.view)
        for bar in (self.scroll_area.horizontalScrollBar(), self.scroll_area.verticalScrollBar()):
            bar.valueChanged.connect(self._schedule_geometry_report)
        self.setCentralWidget(self.scroll_area)
        self._status = QLabel(self.tr("Connecting to the relay…"))
        self.statusBar().addWidget(self._status, 1)
        self._sas_label = QLabel("")
        self.statusBar().addPermanentWidget(self._sas_label)
        self._was_maximized = False  # before full screen
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self._escape.activated.connect(self._on_escape_activated)
        self._escape.setEnabled(False)
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
        self.toolbar.addAction(action)
        self.tools_menu.addAction(action)
        if live_only:
            action.setEnabled(self.live)
            self._live_actions.append(action)
        return True

    def on_message(self, message_type: type, handler: Callable[[Any], None]) -> None:
        """Call ``handler(message)`` on the GUI thread for every ``message_type`` the host sends."""
        self.message_handlers.setdefault(message_type, []).append(handler)

    def on_state(self, event_type: type, handler: Callable[[Any], None]) -> None:
        """Call ``handler(event)`` on the GUI thread, after the window, for every session event of ``event_type``
        (LinkReconnecting, LinkResumed, …)."""
        self.state_handlers.setdefault(event_type, []).append(handler)

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
        self.request_control_action.setToolTip(self.tr("Ask the customer to let you use their mouse and keyboard"))
        self.request_control_action.triggered.connect(self._on_request_control_triggered)
        self.request_control_action.setEnabled(False)
        self.blinders_action = QAction(self.tr("Ask the customer to hide parts of the screen"), self)
        self.blinders_action.triggered.connect(self._on_blinders_triggered)
        self.blinders_action.setEnabled(False)
        self.end_action = _shortcut_action(QAction(self.tr("End session"), self), END_SHORTCUT,
                                           self.tr("End the session for you and the customer"))
        self.end_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.end_action.triggered.connect(self._on_end_triggered)
        if self._control_allowed:
            bar.addAction(self.request_control_action)
        bar.addAction(self.blinders_action)
        self._build_view_actions(bar)
        bar.addAction(self.end_action)
        self.addToolBar(bar)
        self.session_bar = bar
        self.addToolBarBreak()
        self.toolbar = QToolBar(self.tr("Tools"), self)  # the tools' actions (add_tool), on a row of their own
        self.addToolBar(self.toolbar)
        self.tools_menu = self.menuBar().addMenu(self.tr("&Tools"))  # the same, reachable when the row overflows

    def _build_view_actions(self, bar: QToolBar) -> None:
        group = QActionGroup(self)
        self.fit_action = _shortcut_action(QAction(self.tr("Fit to window"), group), FIT_SHORTCUT,
                                           self.tr("Show the whole screen, scaled to the window"))
        self.actual_size_action = _shortcut_action(QAction(self.tr("Actual size"), group), ACTUAL_SHORTCUT,
                                                   self.tr("One customer pixel per screen pixel; scroll to move"))
        for action, mode in ((self.fit_action, FIT), (self.actual_size_action, ACTUAL)):
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, mode=mode: self.set_scale_mode(mode))
        self.fit_action.setChecked(True)
        self.full_screen_action = _shortcut_action(QAction(self.tr("Full screen"), self), "F11",
                                                   self.tr("Full screen (Esc leaves it; F11 while you have control)"))
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.triggered.connect(self.set_full_screen)
        for action in (self.fit_action, self.actual_size_action, self.full_screen_action):
            bar.addAction(action)

    def set_scale_mode(self, mode: str) -> None:
        """FIT (the whole screen in the window) or ACTUAL (1:1 with scroll bars)."""
        self.view.scale_mode = mode
        (self.fit_action if mode == FIT else self.actual_size_action).setChecked(True)
        self._schedule_geometry_report()

    def set_full_screen(self, full: bool) -> None:
        """Enter or leave full screen (the window comes back as it was)."""
        if full and not self.isFullScreen():
            self._was_maximized = self.isMaximized()
            self.showFullScreen()
        elif not full and self.isFullScreen() and self._was_maximized:
            self.showMaximized()
        elif not full and self.isFullScreen():
            self.showNormal()
        self._update_full_screen_state()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._update_full_screen_state()

    def _update_full_screen_state(self) -> None:
        self.full_screen_action.setChecked(self.isFullScreen())
        self._escape.setEnabled(self.isFullScreen() and not self.view.input_enabled)

    def _on_escape_activated(self) -> None:
        self.set_full_screen(False)

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
        self._schedule_geometry_report()

    def _schedule_geometry_report(self) -> None:
        QTimer.singleShot(0, self._report_geometry)

    def _on_message(self, message: Message) -> None:
        if isinstance(message, PermissionDecision) and message.request_id in self._decisions:
            self._decisions.pop(message.request_id)(message)
        for handler in self.message_handlers.get(type(message), ()):
            handler(message)
        if isinstance(message, ControlGrant):
            self.view.input_enabled = True
            self.request_control_action.setEnabled(False)
            self._update_full_screen_state()
            self.view.setFocus()
            self._set_status(self.tr("You have control of the customer's mouse and keyboard."))
        elif isinstance(message, ControlRevoke):
            self.view.input_enabled = False
            self.request_control_action.setEnabled(self._control_allowed and not self._ended)
            self._update_full_screen_state()
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
            self.request_control_action.setEnabled(self._control_allowed)
            self.blinders_action.setEnabled(True)
            self.live = True
            for action in self._live_actions:
                action.setEnabled(True)
            self._set_status(self.tr("Live. View only until the customer gives control."))
        elif isinstance(event, ENDING_EVENTS):
            self._finish(event.reason)
        elif isinstance(event, LinkReconnecting | LinkResumed):
            self._on_link_outage(event)
        for handler in self.state_handlers.get(type(event), ()):
            handler(event)

    def _on_link_outage(self, event: LinkReconnecting | LinkResumed) -> None:
        """A dropped link is being restored (auto_reconnect), or was: the host grants control again on resume."""
        if isinstance(event, LinkReconnecting):
            self.view.input_enabled = False
            text = (self.tr("The customer's connection was lost. Waiting for it to come back… (up to {seconds} s)")
                    if event.peer else self.tr("Connection lost. Reconnecting… (up to {seconds} s)"))
            self._set_status(text.format(seconds=round(event.window_s)))
            return
        self._sas_label.setText(self.tr("Security code: {sas}").format(sas=group_code(event.sas)))
        self._set_status(self.tr("Reconnected. The security code is now {sas}.").format(sas=group_code(event.sas)))

    def _finish(self, reason: str) -> None:
        if self._ended:
            return
        self._ended = True
        self.view.input_enabled = False
        self._update_full_screen_state()
        self.request_control_action.setEnabled(False)
        self.blinders_action.setEnabled(False)
        self.end_action.setEnabled(False)
        self.live = False
        for action in self._live_actions:
            action.setEnabled(False)
        self._clean_up()
        self._set_status(self.tr("Session ended: {reason}").format(reason=reason))
        self.session_ended.emit(reason)
        QTimer.singleShot(CLOSE_AFTER_END_MS, self.close)

    def _clean_up(self) -> None:
        """Run the tools' clean-up once: at the session's end, or when the window closes first."""
        clean_ups, self.on_finish[:] = list(self.on_finish), []
        for clean_up in clean_ups:
            clean_up()

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
            self._clean_up()  # a recording is finished now, not left to a process that is quitting
        super().closeEvent(event)


def _shortcut_action(action: QAction, shortcut: str, tip: str) -> QAction:
    """``action`` with ``shortcut`` and a tooltip that names it."""
    action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
    return action


def _size(frame: DecodedFrame) -> QSize:
    height, width = frame.image.shape[:2]
    return QSize(width, height)


def _reason(reason: str) -> str:
    return f" ({reason})" if reason else ""
