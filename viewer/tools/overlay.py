"""The agent's laser pointer, pen and mouse trace.

Rules: laser and pen are modes (at most one at a time, Esc leaves it). While a mode is on, the view's
mouse, wheel and key input never goes to the customer: an event filter on the FrameView takes it first
and turns it into LaserPointer (latest position, at most ~30 a second; hidden when the pointer leaves the
picture or the mode ends) or DrawStroke messages (one stroke id per drag, extended with the new points
~30 times a second; host pixels of the picture). Undo and clear send DrawCommand. The mouse trace asks
the host for the customer's pointer (ToolRequest "mouse_trace" "on" / "off") and draws what arrives
(CursorTrace) on a TraceLayer over the picture. Nothing is sent after the session ended. (Without
control the wheel still scrolls the agent's own view: it never reaches the customer then.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QMenu, QToolButton

from protocol.errors import MessageDecodeError
from protocol.messages import (
    CursorTrace,
    DrawCommand,
    DrawStroke,
    LaserPointer,
    ToolRequest,
    ToolResult,
    pack_points,
    unpack_points,
)
from viewer.tools.overlay_layer import TraceLayer

if TYPE_CHECKING:
    from viewer.window import ViewerWindow

Point = tuple[int, int]
SEND_MS = 33  # ~30 messages a second at most, the newest position wins
MAX_BATCH = 1000  # points of one DrawStroke (the protocol takes up to 4096)
TRACE_TOOL = "mouse_trace"
PEN_WIDTHS = (3, 6, 12)
PEN_COLOURS = (0xE61E1EFF, 0xFFD600FF, 0x1EC83CFF, 0x1E6EFFFF)  # red, yellow, green, blue (0xRRGGBBAA)
_INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
})


class OverlayTools(QObject):
    """Laser, pen and mouse trace of one viewer window; see the module rules."""

    def __init__(self, window: ViewerWindow) -> None:
        super().__init__(window)
        self._window = window
        self._view = window.view
        self.layer = TraceLayer(window.view)
        self.mode = ""  # "", "laser" or "pen"
        self.colour = PEN_COLOURS[0]
        self.width = PEN_WIDTHS[1]
        self.strokes: list[int] = []  # ids of the strokes drawn, oldest first (undo takes the last)
        self._stroke_id = 0
        self._drawing = False
        self._pending: list[Point] = []
        self._laser_target: Point | None = None
        self._laser_sent: Point | None = None  # where the dot is shown; None: hidden
        self._ended = False
        self._laser_timer = _single_shot(self, self._on_laser_timer_timeout)
        self._pen_timer = QTimer(self)
        self._pen_timer.setInterval(SEND_MS)
        self._pen_timer.timeout.connect(self._flush_stroke)
        self._build_actions()
        self._view.installEventFilter(self)
        window.on_message(CursorTrace, self._on_cursor_trace)
        window.on_message(ToolResult, self._on_tool_result)
        window.on_finish.append(self._finish)

    def _build_actions(self) -> None:
        self.laser_action = self._checkable(self.tr("Laser pointer"), self.tr(
            "Point at things on the customer's screen with a red dot (Esc ends it)"))
        self.pen_action = self._checkable(self.tr("Pen"), self.tr(
            "Draw on the customer's screen; the arrow chooses colour and width, undo and clear (Esc ends it)"))
        modes = QActionGroup(self)
        modes.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for action in (self.laser_action, self.pen_action):
            modes.addAction(action)
            action.toggled.connect(self._on_mode_toggled)
        self.pen_menu = self._build_pen_menu()
        self.pen_action.setMenu(self.pen_menu)
        self.trace_action = self._checkable(self.tr("Mouse trace"), self.tr(
            "Show where the customer's mouse pointer is and where it went"))
        self.trace_action.toggled.connect(self._on_trace_action_toggled)
        self._window.add_tool(self.laser_action, "laser_pointer")
        if self._window.add_tool(self.pen_action, "drawing"):
            button = self._window.toolbar.widgetForAction(self.pen_action)
            if isinstance(button, QToolButton):
                button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self._window.add_tool(self.trace_action, "mouse_trace")

    def _build_pen_menu(self) -> QMenu:
        menu = QMenu(self._window)
        names = (self.tr("Red"), self.tr("Yellow"), self.tr("Green"), self.tr("Blue"))
        self._add_choices(menu, list(zip(names, PEN_COLOURS, strict=True)), self.colour, self._set_colour)
        menu.addSeparator()
        widths = (self.tr("Thin"), self.tr("Medium"), self.tr("Thick"))
        self._add_choices(menu, list(zip(widths, PEN_WIDTHS, strict=True)), self.width, self._set_width)
        menu.addSeparator()
        self.undo_action = menu.addAction(self.tr("Undo the last stroke"))
        self.undo_action.triggered.connect(self.undo)
        self.clear_action = menu.addAction(self.tr("Clear the drawing"))
        self.clear_action.triggered.connect(self.clear)
        return menu

    def _add_choices(self, menu: QMenu, choices: list[tuple[str, int]], current: int,
                     choose: Callable[[int], None]) -> None:
        group = QActionGroup(menu)
        for text, value in choices:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(value == current)
            action.setData(value)
            group.addAction(action)
        group.triggered.connect(lambda action: choose(int(action.data())))

    def _checkable(self, text: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def _set_colour(self, rgba: int) -> None:
        self.colour = rgba

    def _set_width(self, width: int) -> None:
        self.width = width

    # modes

    def _on_mode_toggled(self, _checked: bool) -> None:
        mode = "laser" if self.laser_action.isChecked() else "pen" if self.pen_action.isChecked() else ""
        self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        """Switch to "laser", "pen" or "" (the view's input goes to the customer again)."""
        if mode == self.mode:
            return
        if self.mode == "laser":
            self._aim(None, at_once=True)
        elif self.mode == "pen":
            self._end_stroke()
        self.mode = mode
        self.laser_action.setChecked(mode == "laser")
        self.pen_action.setChecked(mode == "pen")
        if mode:
            self._view.release_held()  # nothing the agent holds down stays pressed on the customer's side
            self._view.setCursor(Qt.CursorShape.CrossCursor)
            self._window.show_status(self.laser_action.toolTip() if mode == "laser" else self.pen_action.toolTip())
        else:
            self._view.unsetCursor()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is not self._view:
            return False
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.layer.setGeometry(self._view.rect())
        elif kind == QEvent.Type.Leave and self.mode == "laser":
            self._aim(None)
        if not self.mode or kind not in _INPUT_EVENTS:
            return False
        if kind == QEvent.Type.Wheel and not self._view.input_enabled:
            return False  # without control the wheel only scrolls the agent's own view
        if isinstance(event, QMouseEvent):
            self._on_mouse(event)
        elif isinstance(event, QKeyEvent) and kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.set_mode("")
        return True  # taken: nothing of it reaches the customer

    def _on_mouse(self, event: QMouseEvent) -> None:
        kind = event.type()
        left = event.button() == Qt.MouseButton.LeftButton
        if self.mode == "laser":
            self._aim(self._view.to_host(event.position()))
        elif kind == QEvent.Type.MouseButtonPress and left:
            self._begin_stroke(self._view.to_host(event.position()))
        elif kind == QEvent.Type.MouseMove and self._drawing:
            self._add_point(self._view.to_host(event.position(), clamp=True))
        elif kind == QEvent.Type.MouseButtonRelease and left:
            self._end_stroke()

    # laser

    def _aim(self, point: Point | None, at_once: bool = False) -> None:
        """Show the dot at ``point`` (None: hide it) — now, or with the next tick when one was just sent."""
        self._laser_target = point
        if at_once or not self._laser_timer.isActive():
            self._send_laser()
            self._laser_timer.start()

    def _on_laser_timer_timeout(self) -> None:
        if self._laser_target != self._laser_sent:
            self._send_laser()
            self._laser_timer.start()

    def _send_laser(self) -> None:
        target, shown = self._laser_target, self._laser_sent
        if target == shown:
            return
        if target is None and shown is not None:
            self._send(LaserPointer(shown[0], shown[1], False))
        elif target is not None:
            self._send(LaserPointer(target[0], target[1], True))
        self._laser_sent = target

    # pen

    def _begin_stroke(self, point: Point | None) -> None:
        if point is None:
            return
        self._stroke_id += 1
        self.strokes.append(self._stroke_id)
        self._drawing = True
        self._pending = [point]
        self._flush_stroke()
        self._pen_timer.start()

    def _add_point(self, point: Point | None) -> None:
        if point is not None and (not self._pending or self._pending[-1] != point):
            self._pending.append(point)
        if len(self._pending) >= MAX_BATCH:
            self._flush_stroke()

    def _end_stroke(self) -> None:
        if self._drawing:
            self._flush_stroke()
        self._drawing = False
        self._pen_timer.stop()

    def _flush_stroke(self) -> None:
        if self._pending:
            points, self._pending = self._pending, []
            self._send(DrawStroke(self._stroke_id, self.colour, self.width, pack_points(points)))

    def undo(self) -> None:
        """Take the last stroke off the customer's screen."""
        self._end_stroke()
        if self.strokes:
            self._send(DrawCommand("undo", self.strokes.pop()))

    def clear(self) -> None:
        """Take every stroke off the customer's screen."""
        self._end_stroke()
        self.strokes.clear()
        self._send(DrawCommand("clear"))

    # mouse trace

    def _on_trace_action_toggled(self, checked: bool) -> None:
        self._send(ToolRequest(self._window.next_request_id(), TRACE_TOOL, "on" if checked else "off"))
        if not checked:
            self.layer.clear()

    def _on_tool_result(self, result: ToolResult) -> None:
        if result.tool != TRACE_TOOL or result.ok:
            return
        self._window.show_status(self.tr("The mouse trace is not available: {reason}").format(reason=result.body))
        self.trace_action.blockSignals(True)
        self.trace_action.setChecked(False)
        self.trace_action.blockSignals(False)
        self.layer.clear()

    def _on_cursor_trace(self, message: CursorTrace) -> None:
        if not self.trace_action.isChecked():
            return
        try:
            self.layer.add(unpack_points(message.points))
        except MessageDecodeError:
            return

    def _send(self, message: LaserPointer | DrawStroke | DrawCommand | ToolRequest) -> None:
        if not self._ended:
            self._window.session.send(message)

    def _finish(self) -> None:
        self._ended = True
        self.set_mode("")
        self.trace_action.setChecked(False)
        self._laser_timer.stop()
        self.layer.clear()


def _single_shot(parent: QObject, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(SEND_MS)
    timer.timeout.connect(slot)
    return timer


def install(window: ViewerWindow) -> OverlayTools:
    return OverlayTools(window)
