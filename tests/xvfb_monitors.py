"""An Xvfb display with two monitors that mss sees, and coloured windows to tell them apart.

Xvfb has one screen and one RandR output; RandR 1.5 lets a client define monitors on it
(``xrandr --setmonitor``; here the same request through python-xlib, which pynput already brings).
The first monitor takes over the output, so the automatic whole-screen monitor disappears and mss lists
exactly the monitors given. (Tried first: ``Xvfb +xinerama -screen 0 800x600x24 -screen 1 640x480x24``
— mss then lists only the first screen, 800x600. RandR monitors are what a real multi-head X desktop
reports too.)
"""

from __future__ import annotations

from typing import Any

from Xlib import X
from Xlib import display as xdisplay
from Xlib.ext import randr
from Xlib.protocol import rq

from tests.xvfb import XvfbDisplay, start_xvfb

Rect = tuple[int, int, int, int]
TWO_MONITORS: tuple[Rect, Rect] = ((0, 0, 1920, 1080), (1920, 0, 1280, 720))


class _MonitorInfo(rq.Object):
    """python-xlib's SetMonitor packs its MonitorInfo wrongly (a bare value where a triple is expected)."""

    def pack_value(self, val: dict[str, Any]) -> tuple[bytes, None, None]:
        return self.type.to_binary(**val), None, None


class _SetMonitor(rq.Request):
    _request = rq.Struct(rq.Card8("opcode"), rq.Opcode(43), rq.RequestLength(), rq.Window("window"),
                         _MonitorInfo("monitor_info", randr.MonitorInfo))


def start_xvfb_monitors(monitors: tuple[Rect, ...] = TWO_MONITORS) -> XvfbDisplay:
    """A fresh Xvfb as big as ``monitors`` together, split into those RandR monitors (the first primary)."""
    width = max(x + w for x, _y, w, _h in monitors)
    height = max(y + h for _x, y, _w, h in monitors)
    xvfb = start_xvfb(width, height)
    try:
        set_monitors(xvfb.name, monitors)
    except Exception:
        xvfb.stop()
        raise
    return xvfb


def set_monitors(name: str, monitors: tuple[Rect, ...]) -> None:
    """Define ``monitors`` on display ``name`` (they outlive this connection, like xrandr --setmonitor)."""
    conn = xdisplay.Display(name)
    try:
        root = conn.screen().root
        outputs = list(root.xrandr_get_screen_resources().outputs)
        opcode = conn.display.get_extension_major(randr.extname)
        for number, (x, y, w, h) in enumerate(monitors):
            info = {"name": conn.intern_atom(f"FERRY-{number + 1}"), "primary": number == 0, "automatic": False,
                    "x": x, "y": y, "width_in_pixels": w, "height_in_pixels": h, "width_in_millimeters": w // 4,
                    "height_in_millimeters": h // 4, "crtcs": outputs if number == 0 else []}
            _SetMonitor(display=conn.display, opcode=opcode, window=root, monitor_info=info)
        conn.sync()
    finally:
        conn.close()


class Painter:
    """Plain coloured windows on a display (no window manager: placed exactly); ``close`` removes them."""

    def __init__(self, name: str) -> None:
        self._conn = xdisplay.Display(name)

    def fill(self, rect: Rect, rgb: tuple[int, int, int]) -> None:
        x, y, w, h = rect
        red, green, blue = rgb
        window = self._conn.screen().root.create_window(
            x, y, w, h, 0, self._conn.screen().root_depth, X.InputOutput, X.CopyFromParent,
            background_pixel=(red << 16) | (green << 8) | blue, override_redirect=True)
        window.map()
        self._conn.sync()

    def pointer(self) -> tuple[int, int]:
        """Where the pointer is on the root window."""
        reply = self._conn.screen().root.query_pointer()
        return int(reply.root_x), int(reply.root_y)

    def close(self) -> None:
        self._conn.close()
