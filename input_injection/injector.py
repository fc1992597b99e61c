"""Inject pointer and keyboard input into the customer's desktop.

How ``PynputInjector`` targets a display (pynput 1.8, X11 backend):
pynput's X backend never takes a display name. ``import pynput`` opens and closes a test
connection to ``$DISPLAY`` (pynput._util.xorg), and each ``keyboard.Controller()`` /
``mouse.Controller()`` opens its own ``Xlib.display.Display()``, which reads ``$DISPLAY`` at that
moment and keeps that connection for its whole life. So the injector sets ``DISPLAY`` to the
given display only while it imports pynput and builds its two controllers (under a lock,
restoring the previous value right after); from then on it talks to that display whatever
``$DISPLAY`` says. ``display=None`` (or "") uses ``$DISPLAY`` as it is. pynput is imported lazily, so
importing this module binds no display.

Pointer motion, buttons, the wheel and named keys (``key``: "Return", "Control_L", and
letters that are on the keymap) go through XTEST, as real devices would. ``type_text`` goes through XTEST too
(input_injection.xtest_typer): a character on the keymap uses its own keycode, any other
(Korean, …) a spare keycode mapped to that character alone. pynput's own typing was not
used: it sends synthetic events, and it borrows the shifted level of a keycode whose key
type has one level, so "안녕하세요" arrived as "안녕녕세요".
The env change is process-wide for its short duration: do not start subprocesses from
other threads while an injector is being built.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any, Protocol

from input_injection.errors import InjectionError, InjectorUnavailableError
from input_injection.keymap import keysym_char, pynput_key_name
from input_injection.xtest_typer import XTestTyper

LEFT, MIDDLE, RIGHT = 1, 2, 3  # X11 button numbers, as protocol.wire.Button numbers them
_BUTTON_NAMES = {LEFT: "left", MIDDLE: "middle", RIGHT: "right"}
_ON_X11 = sys.platform.startswith("linux")
_ENV_LOCK = threading.Lock()


class Injector(Protocol):
    """What the host needs to replay the agent's input. Coordinates are screen pixels."""

    def move(self, x: int, y: int) -> None:
        """Move the pointer to (x, y)."""

    def button(self, x: int, y: int, button: int, pressed: bool) -> None:
        """Move to (x, y), then press or release an X11-numbered button (1 left, 2 middle, 3 right)."""

    def wheel(self, dx: int, dy: int) -> None:
        """Scroll by whole steps; positive dy scrolls up, positive dx right."""

    def key(self, keysym: str, pressed: bool) -> None:
        """Press or release the key an X keysym name names ("Return", "Control_L", "a")."""

    def type_text(self, text: str) -> None:
        """Type ``text`` (any Unicode) as key presses and releases."""


class PynputInjector:
    """An Injector over pynput's controllers, bound to one X display (see the module doc)."""

    def __init__(self, display: str | None = None) -> None:
        self.display = display
        backend = _open_backend(display)
        self._keys, self._keyboard, self._mouse = backend.keyboard_module, backend.keyboard, backend.mouse
        buttons = backend.mouse_module.Button
        self._buttons = {number: getattr(buttons, name) for number, name in _BUTTON_NAMES.items()}
        self._errors = _backend_errors(self._keyboard)
        self._typer = XTestTyper(display) if _ON_X11 else None
        self.last_target: tuple[int, int] | None = None  # where our last move put the pointer

    def move(self, x: int, y: int) -> None:
        """Move the pointer to (x, y) (XTEST motion)."""
        self.last_target = (x, y)  # first: a watcher that reads the pointer mid-move must not take it for the customer
        with self._translating("move the pointer"):
            self._mouse.position = (x, y)

    def button(self, x: int, y: int, button: int, pressed: bool) -> None:
        """Move to (x, y), then press or release the button."""
        name = _BUTTON_NAMES.get(button)
        if name is None:
            raise InjectionError(f"Unknown pointer button {button}: expected 1 left, 2 middle or 3 right")
        self.move(x, y)
        with self._translating(f"{'press' if pressed else 'release'} the {name} button"):
            (self._mouse.press if pressed else self._mouse.release)(self._buttons[button])

    def wheel(self, dx: int, dy: int) -> None:
        """Scroll dx steps right and dy steps up (negative: left, down)."""
        with self._translating("scroll"):
            self._mouse.scroll(dx, dy)

    def key(self, keysym: str, pressed: bool) -> None:
        """Press or release a key by X keysym name."""
        with self._translating(f"{'press' if pressed else 'release'} key {keysym!r}"):
            resolved = self._resolve(keysym)
            (self._keyboard.press if pressed else self._keyboard.release)(resolved)

    def type_text(self, text: str) -> None:
        """Type ``text`` through XTEST (any Unicode; see xtest_typer); pynput's typing elsewhere."""
        with self._translating(f"type {len(text)} characters"):
            if self._typer is None:
                self._keyboard.type(text)
            else:
                self._typer.type_text(text)

    def _resolve(self, keysym: str) -> Any:
        """The pynput key for a keysym name: a Key member, a keysym on the keymap (XTEST), or a character."""
        key_codes = self._keys.KeyCode
        name = pynput_key_name(keysym)
        if name is not None:
            return getattr(self._keys.Key, name)
        number = x_keysym(keysym) if _ON_X11 else None
        if number is not None and number in self._keyboard.keyboard_mapping:
            return key_codes.from_vk(number)
        char = keysym_char(keysym) or (x_keysym_char(number) if number is not None else None)
        if char is None:
            raise InjectionError(f"Unknown key {keysym!r}: send an X keysym name such as 'Return' or 'a'")
        return key_codes.from_char(char)

    @contextlib.contextmanager
    def _translating(self, action: str) -> Iterator[None]:
        if self._keyboard is None:
            raise InjectionError(f"Could not {action}: the injector is closed")
        try:
            yield
        except self._errors as exc:
            raise InjectionError(f"Could not {action} on {self._where()}: {exc!r}") from exc

    def close(self) -> None:
        """Close the X connections (before the X server goes away); the injector is unusable afterwards."""
        self._keyboard = self._mouse = None  # pynput's controllers close their display when collected
        if self._typer is not None:
            self._typer.close()
            self._typer = None

    def _where(self) -> str:
        return f"display {self.display}" if self.display else "the default display"


def x_keysym(name: str) -> int | None:
    """The X keysym number of a keysym name, or of a one-character name ("," or "한"); None if unknown."""
    import Xlib.XK

    number = int(Xlib.XK.string_to_keysym(name))
    if number:
        return number
    if len(name) != 1:
        return None
    code = ord(name)
    return code if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF else 0x01000000 + code


def x_keysym_char(number: int) -> str | None:
    """The character of a Latin-1 or Unicode keysym number, or None for a function key."""
    if 0x20 <= number <= 0x7E or 0xA0 <= number <= 0xFF:
        return chr(number)
    if 0x01000100 <= number <= 0x0110FFFF:
        return chr(number - 0x01000000)
    return None


@contextlib.contextmanager
def _display_env(display: str | None) -> Iterator[None]:
    """Set DISPLAY for the duration of the block only (see the module doc); None or "": leave it."""
    if not display:
        yield
        return
    with _ENV_LOCK:
        saved = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = display
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop("DISPLAY", None)
            else:
                os.environ["DISPLAY"] = saved


@dataclasses.dataclass(frozen=True, slots=True)
class _Backend:
    keyboard_module: Any
    mouse_module: Any
    keyboard: Any
    mouse: Any


def _open_backend(display: str | None) -> _Backend:
    where = f"display {display}" if display else "the default display ($DISPLAY)"
    try:
        with _display_env(display):
            from pynput import keyboard, mouse

            return _Backend(keyboard, mouse, keyboard.Controller(), mouse.Controller())
    except ImportError as exc:
        raise InjectorUnavailableError(f"pynput could not open {where}: {exc}") from exc
    except _connection_errors() as exc:
        raise InjectorUnavailableError(
            f"Could not connect to {where} for input injection: {exc}; check that the X server runs"
        ) from exc


def _connection_errors() -> tuple[type[BaseException], ...]:
    if not _ON_X11:
        return (OSError,)
    import Xlib.error

    return (OSError, Xlib.error.DisplayError, Xlib.error.ConnectionClosedError, Xlib.error.XauthError)


def _backend_errors(keyboard_controller: Any) -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [
        keyboard_controller.InvalidKeyException,
        keyboard_controller.InvalidCharacterException,
        ValueError,
    ]
    if _ON_X11:
        import Xlib.error
        from pynput._util.xorg import X11Error

        errors += [X11Error, Xlib.error.XError, Xlib.error.ConnectionClosedError, Xlib.error.DisplayError]
    return tuple(errors)
