"""The customer-side half of the monitor menu and of screenshot mode.

Rules:
- Monitors: once live (and after every switch) the viewer gets a MonitorList: every monitor's rectangle
  relative to the top-left corner of all monitors together, in the host's order, and which one is shared
  (its position in the list, from 0; -1: all of them). A MonitorSelect for a position in that list (or -1)
  asks the VideoPump to switch between two frames; the pump then calls back (video thread) and the input
  mapping, the blinder editor's monitor and the viewer's list follow the shared monitor. Anything else is
  ignored. Sharing another monitor needs no new consent: the customer agreed to share the screen.
- Screenshot mode: only when the policy's screenshot_mode allows it. LinkWatch (display_mode) decides it by
  itself from the frames the pump sent and the viewer acknowledged, looked at every 0.5 s on the GUI thread;
  the agent may choose it by hand with VideoMode. Every change is announced with VideoMode(mode, reason);
  a VideoMode the policy does not allow is answered with the mode in force and the reason.
- Every LinkWatch call happens on the GUI thread (a VideoMode from the network thread is posted there).
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from capture.screen import Monitor
from host_module.tools.display_mode import STILLS, LinkWatch, ModeChange
from input_injection.mapping import ScreenMapper
from protocol.events import SessionLive
from protocol.messages import MAX_RECTS, MonitorList, MonitorSelect, VideoMode, pack_rects

if TYPE_CHECKING:
    from host_module.app import HostApp

STILL_INTERVAL_S = 5.0
WATCH_INTERVAL_MS = 500
ALL_MONITORS = -1
NOT_ALLOWED = "screenshot mode is not allowed by the policy of this session"


@dataclasses.dataclass(frozen=True, slots=True)
class ModeAsked:
    """The agent asked for a video mode (carried from the network thread to the GUI thread)."""

    mode: str


class DisplayTool:
    """Monitor switching and screenshot mode for one HostApp; see the module rules."""

    def __init__(self, app: HostApp) -> None:
        self._app = app
        self._pump = app.session.pump
        self.allowed = app.policy.screenshot_mode
        self.still_interval = STILL_INTERVAL_S  # seconds between stills (tests shorten it)
        self.watch = LinkWatch()
        self.monitors: tuple[Monitor, ...] = ()
        self.shared: Monitor | None = None
        self._timer = QTimer()
        self._timer.setInterval(WATCH_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._pump.add_monitor_listener(self._on_monitor)
        self._app.session.add_handler(MonitorSelect, self._on_select)
        self._app.session.add_handler(VideoMode, self._on_video_mode)
        app.on_gui(SessionLive, self._on_live)
        app.on_gui(ModeAsked, self._on_mode_asked)
        app.on_finish.append(self.close)

    def close(self) -> None:
        self._timer.stop()

    def _on_live(self, _event: object) -> None:
        if self.allowed:
            self._timer.start()

    def _on_monitor(self, shared: Monitor, monitors: tuple[Monitor, ...]) -> None:
        """The pump shares ``shared`` from its next frame on (video thread)."""
        self.monitors, self.shared = monitors, shared
        self._app.session.gate.set_mapper(ScreenMapper(shared.left, shared.top, shared.width, shared.height))
        self._app.bridge.post(shared)  # the HostApp moves the blinder editor onto the shared area
        self._app.session.send(monitor_list(shared, monitors))

    def _on_select(self, message: object) -> None:
        """MonitorSelect (network thread): a position in the MonitorList, or -1 for all of them."""
        assert isinstance(message, MonitorSelect)
        if message.index == ALL_MONITORS:
            self._pump.select_monitor(0)
        elif 0 <= message.index < len(self.monitors):
            self._pump.select_monitor(self.monitors[message.index].index)

    def _on_video_mode(self, message: object) -> None:
        assert isinstance(message, VideoMode)
        self._app.bridge.post(ModeAsked(message.mode))

    def _on_mode_asked(self, event: object) -> None:
        assert isinstance(event, ModeAsked)
        if not self.allowed:
            self._app.session.send(VideoMode(self._pump.mode, NOT_ALLOWED))
            return
        try:
            change = self.watch.choose(event.mode, time.monotonic(), self._pump.progress[0])
        except ValueError:
            self._app.session.send(VideoMode(self._pump.mode, f"unknown video mode {event.mode!r}"))
            return
        self._apply(change)

    def _on_timer_timeout(self) -> None:
        if self._app.session.paused or not self._app.session.live:
            return
        sent, acked = self._pump.progress
        change = self.watch.update(time.monotonic(), sent, acked)
        if change is not None:
            self._apply(change)

    def _apply(self, change: ModeChange) -> None:
        self._pump.set_stills(self.still_interval if change.mode == STILLS else None)
        self._app.session.send(VideoMode(change.mode, change.reason))


def monitor_list(shared: Monitor, monitors: tuple[Monitor, ...]) -> MonitorList:
    """The MonitorList message: rectangles from the top-left of all monitors, and the shared one's position."""
    shown = monitors[:MAX_RECTS]
    left = min((m.left for m in shown), default=0)
    top = min((m.top for m in shown), default=0)
    rects = [(m.left - left, m.top - top, m.width, m.height) for m in shown]
    current = next((pos for pos, m in enumerate(shown) if m.index == shared.index), ALL_MONITORS)
    return MonitorList(pack_rects(rects), current if shared.index > 0 else ALL_MONITORS)


def install(app: HostApp) -> object:
    return DisplayTool(app)
