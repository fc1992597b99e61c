"""The viewer's monitor menu and screenshot-mode toggle.

Rules: the monitor menu is built from the host's MonitorList (Monitor 1, Monitor 2, …, and All monitors
when there is more than one); choosing an entry sends MonitorSelect and the host answers with a new
MonitorList, which checks the entry shown. The screenshot-mode toggle appears only when the agent's
screenshot_mode option allows it; it asks with VideoMode and shows the mode the host announces (the host
decides: it may refuse, or change by itself on a poor link). While stills come, the status bar says so.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMenu, QToolButton

from protocol.errors import MessageDecodeError
from protocol.messages import MonitorList, MonitorSelect, VideoMode, unpack_rects

if TYPE_CHECKING:
    from viewer.window import ViewerWindow

log = logging.getLogger(__name__)
ALL_MONITORS = -1
STILLS = "stills"
VIDEO = "video"


class DisplayTools(QObject):
    """The Monitors menu and the Screenshot mode toggle of one viewer window."""

    def __init__(self, window: ViewerWindow) -> None:
        super().__init__(window)
        self._window = window
        self.monitors: list[tuple[int, int, int, int]] = []
        self.current: int | None = None  # the position shared (-1: all), None until the host says
        self.mode = VIDEO
        self._asked: str | None = None  # the mode this viewer asked for and the host has not answered yet
        self.menu = QMenu(window)
        self._group = QActionGroup(self)
        self.monitor_action = QAction(self.tr("Monitors"), window)
        self.monitor_action.setToolTip(self.tr("Show another of the customer's monitors, or all of them"))
        self.monitor_action.setMenu(self.menu)
        window.add_tool(self.monitor_action)
        button = window.toolbar.widgetForAction(self.monitor_action)
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.stills_action = QAction(self.tr("Screenshot mode"), window)
        self.stills_action.setCheckable(True)
        self.stills_action.setToolTip(self.tr("A still picture every 5 seconds instead of video, for a poor link"))
        self.stills_action.triggered.connect(self._on_stills_action_triggered)
        window.add_tool(self.stills_action, "screenshot_mode")
        self.mode_label = QLabel(self.tr("Screenshot mode: a picture every 5 s"))
        self.mode_label.hide()
        window.statusBar().addPermanentWidget(self.mode_label)
        window.on_message(MonitorList, self._on_monitor_list)
        window.on_message(VideoMode, self._on_video_mode)

    def select(self, index: int) -> None:
        """Ask the host to share monitor ``index`` of its list (-1: all monitors)."""
        self._window.session.send(MonitorSelect(index))
        self._window.show_status(self.tr("Switching to {name}…").format(name=self._name(index)))

    def set_stills(self, on: bool) -> None:
        """Ask the host for screenshot mode (or video again); the host's VideoMode answer says what it does."""
        self._asked = STILLS if on else VIDEO
        self._window.session.send(VideoMode(self._asked))
        self.stills_action.setChecked(self.mode == STILLS)  # until the host answers
        self._window.show_status(self.tr("Asking for screenshot mode…") if on else self.tr("Asking for video…"))

    def _on_stills_action_triggered(self, checked: bool) -> None:
        self.set_stills(checked)

    def _on_monitor_list(self, message: MonitorList) -> None:
        try:
            rects = unpack_rects(message.monitors)
        except MessageDecodeError:
            log.warning("ignored a MonitorList that is not whole rectangles")
            return
        changed = self.current is not None and self.current != message.current
        self.monitors, self.current = rects, message.current
        self._rebuild_menu()
        if changed:
            self._window.show_status(self.tr("Now showing {name}.").format(name=self._name(message.current)))

    def _rebuild_menu(self) -> None:
        self.menu.clear()
        for action in self._group.actions():
            self._group.removeAction(action)
        positions = list(range(len(self.monitors)))
        if len(self.monitors) > 1:
            positions.append(ALL_MONITORS)
        for index in positions:
            action = QAction(self._label(index), self.menu)
            action.setCheckable(True)
            action.setChecked(index == self.current)
            action.setData(index)
            action.triggered.connect(lambda _checked=False, index=index: self.select(index))
            self._group.addAction(action)
            self.menu.addAction(action)

    def _name(self, index: int) -> str:
        if index == ALL_MONITORS:
            return self.tr("all monitors")
        return self.tr("monitor {number}").format(number=index + 1)

    def _label(self, index: int) -> str:
        if index == ALL_MONITORS:
            right = max(x + w for x, _y, w, _h in self.monitors)
            bottom = max(y + h for _x, y, _w, h in self.monitors)
            return self.tr("All monitors ({width}×{height})").format(width=right, height=bottom)
        _x, _y, width, height = self.monitors[index]
        return self.tr("Monitor {number} ({width}×{height})").format(number=index + 1, width=width, height=height)

    def _on_video_mode(self, message: VideoMode) -> None:
        asked, self._asked = self._asked, None
        self.mode = message.mode if message.mode in (STILLS, VIDEO) else VIDEO
        self.stills_action.setChecked(self.mode == STILLS)
        self.mode_label.setVisible(self.mode == STILLS)
        reason = f" ({message.reason})" if message.reason else ""
        if self.mode == STILLS:
            self._window.show_status(self.tr("Screenshot mode: a picture every 5 s") + reason)
        elif asked == STILLS:
            self._window.show_status(self.tr("Screenshot mode is not available") + reason)
        else:
            self._window.show_status(self.tr("Live video") + reason)


def install(window: ViewerWindow) -> object:
    return DisplayTools(window)
