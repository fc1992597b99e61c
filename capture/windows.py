"""Top-level windows of an X11 display: their titles, and where they are now (python-xlib).

Rules this module keeps:
- The display is explicit, as in screen.py: ``X11Windows(":5")`` never reads or changes
  ``os.environ``; None means the display in $DISPLAY.
- A window's place is its *outer* rectangle in root (screen) coordinates: the window manager's frame
  around it when there is one (so the title bar is covered too), borders included.
- ``geometry`` answers None only when the window no longer exists. An unmapped (minimised) window
  still answers its rectangle: it may be mapped again at any moment, so its place stays covered.
- Moves are not missed: the connection listens for ConfigureNotify on the root's children, and
  ``places`` returns every rectangle a window's frame had since the previous ``places`` call for it
  (the X server reports every configure before the reply to a later request), the current one last.
- One X11Windows holds one X connection and is used from one thread at a time (Xlib connections
  are not thread-safe): the video thread and the GUI thread each open their own.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

from capture.errors import CaptureError

Rect = tuple[int, int, int, int]  # x, y, width, height in screen pixels


class WindowListError(CaptureError):
    """The windows of the display could not be read (no X server, or not X11)."""


@dataclasses.dataclass(frozen=True, slots=True)
class WindowInfo:
    """A top-level window the customer may hide: its X id, title and outer rectangle."""

    window_id: int
    title: str
    rect: Rect
    pid: int = 0  # _NET_WM_PID when the client sets it, else 0


class X11Windows:
    """Looks up top-level windows on one X display; see the module rules."""

    def __init__(self, display: str | None = None) -> None:
        from Xlib import display as xdisplay
        from Xlib import error as xerror

        self._xerror: Any = xerror
        try:
            self._display: Any = xdisplay.Display(display or None)
        except (xerror.DisplayError, xerror.ConnectionClosedError, OSError) as exc:
            raise WindowListError(f"Could not open the X display {display or '$DISPLAY'} to follow windows: "
                                  f"{exc}. Check that the X server runs and this user may connect to it") from exc
        self._root: Any = self._display.screen().root
        self._root.change_attributes(event_mask=_SUBSTRUCTURE_NOTIFY)
        self._moves: dict[int, list[Rect]] = {}  # frame id -> places seen since the last ``places``
        self._atoms = {name: self._display.intern_atom(name) for name in
                       ("_NET_CLIENT_LIST_STACKING", "_NET_CLIENT_LIST", "_NET_WM_NAME", "UTF8_STRING", "_NET_WM_PID")}

    def geometry(self, window_id: int) -> Rect | None:
        """The window's outer rectangle on the screen now; None when it no longer exists."""
        found = self._look_up(window_id)
        return None if found is None else found[1]

    def places(self, window_id: int) -> list[Rect] | None:
        """Every rectangle the window had since the last ``places`` call for it, now last; None when gone."""
        found = self._look_up(window_id, follow=True)
        if found is None:
            return None
        frame_id, rect = found
        seen = self._moves.get(frame_id, [])
        self._moves[frame_id] = []
        return [*dict.fromkeys(seen), rect]

    def _look_up(self, window_id: int, follow: bool = False) -> tuple[int, Rect] | None:
        """(frame id, outer rectangle now); with ``follow``, the frame's moves are recorded from now on."""
        try:
            window = self._display.create_resource_object("window", window_id)
            frame = self._top_level(window)
            if follow:
                self._moves.setdefault(int(frame.id), [])
            geometry = frame.get_geometry()
        except self._xerror.XError:
            return None
        self._drain_events()
        border = int(geometry.border_width)
        return int(frame.id), _outer(geometry.x, geometry.y, geometry.width, geometry.height, border)

    def _drain_events(self) -> None:
        """Record the places of the frames being followed from the ConfigureNotify events received."""
        while self._display.pending_events():
            event = self._display.next_event()
            if event.type == _CONFIGURE_NOTIFY and int(event.window.id) in self._moves:
                self._moves[int(event.window.id)].append(
                    _outer(event.x, event.y, event.width, event.height, event.border_width))

    def windows(self, exclude_pid: int = 0) -> list[WindowInfo]:
        """The visible top-level windows with a title, top-most first (not those of ``exclude_pid``)."""
        found: list[WindowInfo] = []
        for window_id in self._client_ids():
            info = self._info(window_id)
            if info is not None and info.title and (not exclude_pid or info.pid != exclude_pid):
                found.append(info)
        return found

    def close(self) -> None:
        """Close the X connection; the object cannot be used afterwards."""
        self._display.close()

    def _top_level(self, window: Any) -> Any:
        """The ancestor of ``window`` that is a child of the root (the window manager's frame, or itself)."""
        current = window
        while True:
            parent = current.query_tree().parent
            if not parent or int(parent.id) == int(self._root.id):
                return current
            current = parent

    def _client_ids(self) -> list[int]:
        """Client windows, top-most first when the window manager says its stacking order."""
        for atom in ("_NET_CLIENT_LIST_STACKING", "_NET_CLIENT_LIST"):
            listed = self._root.get_full_property(self._atoms[atom], 0)
            if listed is not None and len(listed.value):
                return [int(wid) for wid in reversed(listed.value)]
        children = self._root.query_tree().children  # no window manager: the root's children, bottom first
        return [int(child.id) for child in reversed(children)]

    def _info(self, window_id: int) -> WindowInfo | None:
        try:
            window = self._display.create_resource_object("window", window_id)
            attributes = window.get_attributes()
            if attributes.override_redirect or attributes.map_state != _IS_VIEWABLE:
                return None  # menus, tooltips, our own overlays; hidden windows
            title = self._title(window)
            pid_property = window.get_full_property(self._atoms["_NET_WM_PID"], 0)
        except self._xerror.XError:
            return None
        rect = self.geometry(window_id)
        if rect is None:
            return None
        pid = int(pid_property.value[0]) if pid_property is not None and len(pid_property.value) else 0
        return WindowInfo(window_id, title, rect, pid)

    def _title(self, window: Any) -> str:
        name = window.get_full_property(self._atoms["_NET_WM_NAME"], self._atoms["UTF8_STRING"])
        if name is not None and name.value:
            value = name.value
            return str(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)
        legacy = window.get_wm_name()
        return str(legacy or "")


_IS_VIEWABLE = 2  # X.IsViewable
_SUBSTRUCTURE_NOTIFY = 1 << 19  # X.SubstructureNotifyMask
_CONFIGURE_NOTIFY = 22  # X.ConfigureNotify


def _outer(x: Any, y: Any, width: Any, height: Any, border: Any) -> Rect:
    return int(x), int(y), int(width) + 2 * int(border), int(height) + 2 * int(border)


def open_windows(display: str | None = None) -> X11Windows | None:
    """An X11Windows for ``display``, or None where windows cannot be followed (not X11, no server)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return X11Windows(display)
    except WindowListError:
        return None
