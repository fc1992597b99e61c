"""Types any Unicode text through XTEST, as a real keyboard would (X11 only).

Rules: a character already on the keymap is typed with its own keycode (with Shift
when it sits on the shifted level); any other character is put on a spare keycode
(one with no keysyms) — all four levels set to it, so no modifier or key type can pick
another symbol — and typed there. Spare keycodes are used in rotation so an
application still reading the previous mapping never sees a reused keycode, and
they are emptied again by ``close``.
"""

from __future__ import annotations

from typing import Any

from input_injection.errors import InjectionError

NO_SYMBOL = 0
SPARE_ROTATION = 8
_UNICODE_KEYSYM_BASE = 0x01000000
_SHIFT_KEYSYM = 0xFFE1


def char_keysym(char: str) -> int:
    """The X keysym of a character (Latin-1 directly, everything else as a Unicode keysym)."""
    code = ord(char)
    if char == "\n":
        return 0xFF0D  # Return
    if char == "\t":
        return 0xFF09  # Tab
    return code if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF else _UNICODE_KEYSYM_BASE | code


class XTestTyper:
    """Types text on one X display through XTEST; see the module rules."""

    def __init__(self, display: str | None) -> None:
        import Xlib.display

        self._display: Any = Xlib.display.Display(display or None)
        if not self._display.has_extension("XTEST"):
            raise InjectionError(f"the X server at {display or '$DISPLAY'} has no XTEST extension")
        info = self._display.display.info
        self._first = info.min_keycode
        self._count = info.max_keycode - info.min_keycode + 1
        self._spares = self._find_spares()
        self._next_spare = 0
        self._shift = self._display.keysym_to_keycode(_SHIFT_KEYSYM)

    def _find_spares(self) -> list[int]:
        mapping = self._display.get_keyboard_mapping(self._first, self._count)
        spares = [self._first + i for i, syms in enumerate(mapping) if not any(syms)]
        if not spares:
            raise InjectionError("the keyboard map has no free keycode to type characters that are not on it")
        return spares[-SPARE_ROTATION:]

    def type_text(self, text: str) -> None:
        """Type every character of ``text``."""
        for char in text:
            self._type_char(char)
        self._display.sync()

    def _type_char(self, char: str) -> None:
        keysym = char_keysym(char)
        keycode, level = self._on_keymap(keysym)
        if keycode:
            self._tap(keycode, shifted=level == 1)
            return
        spare = self._spares[self._next_spare % len(self._spares)]
        self._next_spare += 1
        self._display.change_keyboard_mapping(spare, [(keysym,) * 4])
        self._display.sync()
        self._tap(spare, shifted=False)

    def _on_keymap(self, keysym: int) -> tuple[int, int]:
        for keycode, level in self._display.keysym_to_keycodes(keysym):
            if level in (0, 1) and keycode not in self._spares:
                return keycode, level
        return 0, 0

    def _tap(self, keycode: int, shifted: bool) -> None:
        from Xlib import X
        from Xlib.ext import xtest

        if shifted and self._shift:
            xtest.fake_input(self._display, X.KeyPress, self._shift)
        xtest.fake_input(self._display, X.KeyPress, keycode)
        xtest.fake_input(self._display, X.KeyRelease, keycode)
        if shifted and self._shift:
            xtest.fake_input(self._display, X.KeyRelease, self._shift)
        self._display.sync()

    def close(self) -> None:
        """Empty the spare keycodes used and close the connection."""
        for keycode in self._spares[: min(self._next_spare, len(self._spares))]:
            self._display.change_keyboard_mapping(keycode, [(NO_SYMBOL,) * 4])
        self._display.sync()
        self._display.close()
