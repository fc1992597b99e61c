"""The customer's half of the laser pointer, the pen and the mouse trace.

Rules: LaserPointer, DrawStroke and DrawCommand arrive on the network thread; each is checked there —
the policy (laser_pointer, drawing) and that the customer is sharing (while sharing is paused the agent
cannot see where it points, so nothing is shown) — and what passes is handed to the GUI thread through
the app's bridge, where the click-through OverlayWindow shows it over the shared monitor. What is refused
is dropped and logged once per kind. The overlay goes with the session (``app.on_finish``). The mouse
trace (ToolRequest "mouse_trace", argument "on" / "off") samples the customer's pointer on a thread of
its own and answers every request with a ToolResult.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor

from capture.screen import Monitor
from host_module.tools.overlay_trace import Area, TraceSampler
from host_module.tools.overlay_window import OverlayWindow
from input_injection.pointer import pointer_reader
from protocol.errors import MessageDecodeError
from protocol.messages import DrawCommand, DrawStroke, LaserPointer, Message, ToolRequest, ToolResult, unpack_points

if TYPE_CHECKING:
    from host_module.app import HostApp

log = logging.getLogger(__name__)
TRACE_TOOL = "mouse_trace"
MAX_PEN_WIDTH = 48


@dataclasses.dataclass(frozen=True, slots=True)
class StrokePoints:
    """A checked DrawStroke on its way to the GUI thread."""

    stroke_id: int
    rgba: int
    width: int
    points: tuple[tuple[int, int], ...]


def colour_of(rgba: int) -> QColor:
    """0xRRGGBBAA as a QColor."""
    return QColor((rgba >> 24) & 0xFF, (rgba >> 16) & 0xFF, (rgba >> 8) & 0xFF, rgba & 0xFF)


class OverlayTool:
    """Laser pointer, pen and mouse trace on the customer's side; see the module rules."""

    def __init__(self, app: HostApp) -> None:
        self._app = app
        self.window: OverlayWindow | None = None  # made on the GUI thread when first needed
        self._area: Area | None = None
        self._logged: set[str] = set()
        self.refused = 0  # messages dropped by the policy or a paused share
        display = app.options.display
        self.trace = TraceSampler(lambda: pointer_reader(display), self._send, lambda: self._area,
                                  lambda: app.session.paused)
        app.session.add_handler(LaserPointer, self._on_laser_pointer)
        app.session.add_handler(DrawStroke, self._on_draw_stroke)
        app.session.add_handler(DrawCommand, self._on_draw_command)
        app.session.add_handler(ToolRequest, self._on_tool_request)
        app.on_gui(Monitor, self._show_monitor)
        app.on_gui(LaserPointer, self._show_laser)
        app.on_gui(StrokePoints, self._show_stroke)
        app.on_gui(DrawCommand, self._show_command)
        app.on_finish.append(self.close)
        app.on_transfer.append(self._on_transfer)

    # network thread

    def _allowed(self, key: str) -> bool:
        """The policy allows ``key`` and the customer is sharing; else the message is dropped (logged once)."""
        if not getattr(self._app.policy, key):
            return self._refuse(key, f"the policy of this session does not allow {key.replace('_', ' ')}")
        if self._app.session.paused:
            return self._refuse(key + "/paused", "the customer paused sharing")
        return True

    def _refuse(self, key: str, why: str) -> bool:
        self.refused += 1
        if key not in self._logged:
            self._logged.add(key)
            log.info("ignored the agent's %s: %s", key.split("/", maxsplit=1)[0].replace("_", " "), why)
        return False

    def _on_laser_pointer(self, message: object) -> None:
        if isinstance(message, LaserPointer) and (self._allowed("laser_pointer") or not message.visible):
            self._app.bridge.post(message)

    def _on_draw_stroke(self, message: object) -> None:
        if not isinstance(message, DrawStroke) or not self._allowed("drawing"):
            return
        try:
            points = tuple(unpack_points(message.points))
        except MessageDecodeError as exc:
            log.warning("ignored a pen stroke: %s", exc)
            return
        width = min(max(message.width, 1), MAX_PEN_WIDTH)
        self._app.bridge.post(StrokePoints(message.stroke_id, message.color & 0xFFFFFFFF, width, points))

    def _on_draw_command(self, message: object) -> None:
        if isinstance(message, DrawCommand) and message.action in ("undo", "clear"):
            self._app.bridge.post(message)  # taking a drawing away is always allowed

    def _on_tool_request(self, message: object) -> None:
        if not isinstance(message, ToolRequest) or message.tool != TRACE_TOOL:
            return
        if message.argument == "on":
            self.trace.start()
        elif message.argument == "off":
            self.trace.stop()
        else:
            self._answer(message, False, "the mouse trace takes the argument 'on' or 'off'")
            return
        self._answer(message, True, message.argument)

    def _answer(self, request: ToolRequest, ok: bool, body: str) -> None:
        self._app.session.send(ToolResult(request.request_id, request.tool, ok, body))

    # GUI thread

    def _overlay(self) -> OverlayWindow:
        if self.window is None:
            self.window = OverlayWindow()
            if self._area is not None:
                self.window.set_area(*self._area)
        return self.window

    def _show_monitor(self, event: object) -> None:
        if isinstance(event, Monitor):
            self._area = (event.left, event.top, event.width, event.height)
            if self.window is not None:
                self.window.set_area(*self._area)

    def _show_laser(self, event: object) -> None:
        if isinstance(event, LaserPointer) and self._live() and (event.visible or self.window is not None):
            self._overlay().set_laser(event.x, event.y, event.visible)

    def _show_stroke(self, event: object) -> None:
        if isinstance(event, StrokePoints) and self._live():
            self._overlay().add_points(event.stroke_id, colour_of(event.rgba), event.width, list(event.points))

    def _show_command(self, event: object) -> None:
        if not isinstance(event, DrawCommand) or self.window is None:
            return
        if event.action == "undo":
            self.window.undo(event.stroke_id)
        else:
            self.window.clear()

    def _live(self) -> bool:
        return self._app.ended_reason is None and self._area is not None

    def _send(self, message: Message) -> bool:
        """Send to the agent in charge now (after a transfer, the new one)."""
        return self._app.session.send(message)

    def _on_transfer(self) -> None:
        """Another agent took over: the old agent's drawing and laser go, and the trace stops until asked again."""
        self.trace.stop()
        if self.window is not None:
            self.window.reset()

    def close(self) -> None:
        """The session ended: the trace stops and the overlay goes."""
        self.trace.stop()
        if self.window is not None:
            self.window.reset()
            self.window.close()
        self.trace.join(0.5)


def install(app: HostApp) -> OverlayTool:
    return OverlayTool(app)
