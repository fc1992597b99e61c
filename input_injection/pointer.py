"""Reading where the pointer is, on a connection of its own (the injector's X connection belongs to the input
thread; Xlib connections must not be shared between threads)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from input_injection.errors import InjectionError

Position = tuple[int, int]


def pointer_reader(display: str | None) -> Callable[[], Position]:
    """A function that returns the pointer position on ``display``; its X connection opens on first use, in the
    calling thread. The function raises InjectionError where the pointer cannot be read (not X11, no display)."""
    connection: list[object] = []

    def read() -> Position:
        if not sys.platform.startswith("linux"):
            raise InjectionError("Reading the pointer position is only available on X11 here.")
        import Xlib.display
        import Xlib.error

        try:
            if not connection:
                connection.append(Xlib.display.Display(display))
            opened = connection[0]
            assert isinstance(opened, Xlib.display.Display)
            reply = opened.screen().root.query_pointer()
        except (Xlib.error.DisplayError, Xlib.error.ConnectionClosedError, OSError) as exc:
            raise InjectionError(f"Could not read the pointer position on {display or '$DISPLAY'}: {exc}") from exc
        return int(reply.root_x), int(reply.root_y)

    return read
