"""The policy gate: the agent's input reaches the desktop only while the customer grants control.

Rules this gate keeps:
- Nothing is forwarded unless ``granted``; refused events are dropped and counted in ``dropped``,
  whatever the viewer sends. The host decides, not the peer.
- It remembers the keys and buttons it pressed; ``revoke()`` and ``close()`` release every one
  of them, so no key stays stuck down on the customer's desktop.
  A release of a key or button the gate did not press is dropped.
- Coordinates go through the ScreenMapper (clamped to the shared monitor) when one is given.
- Input the injector cannot perform (an unknown key from the peer) is logged and counted in
  ``failed``; it never escapes to the caller.
- Thread-safe: one lock orders grant, revoke and forwarding.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from input_injection.errors import InjectionError
from input_injection.injector import Injector
from input_injection.keymap import MODIFIER_KEYSYMS, modifier_of, types_text
from input_injection.mapping import ScreenMapper

_log = logging.getLogger(__name__)


class ControlGate:
    """An Injector that forwards to ``injector`` only while control is granted."""

    def __init__(self, injector: Injector, mapper: ScreenMapper | None = None) -> None:
        self._injector = injector
        self._mapper = mapper
        self._lock = threading.Lock()
        self._granted = False
        self._held_keys: list[str] = []
        self._held_buttons: set[int] = set()
        self._position = (0, 0)
        self.dropped = 0
        self.failed = 0

    @property
    def granted(self) -> bool:
        """Whether input is forwarded now."""
        return self._granted

    def set_mapper(self, mapper: ScreenMapper) -> None:
        """Map picture pixels onto this monitor from now on (the shared monitor is known)."""
        with self._lock:
            self._mapper = mapper

    def grant(self) -> None:
        """Forward input from now on."""
        with self._lock:
            self._granted = True

    def revoke(self) -> None:
        """Stop forwarding and release every key and button the gate holds down."""
        with self._lock:
            self._granted = False
            self._release_all()

    def close(self) -> None:
        """The session ends: the same as revoke."""
        self.revoke()

    def move(self, x: int, y: int) -> None:
        """Move the pointer, if granted."""
        self._forward(lambda: self._move(x, y))

    def button(self, x: int, y: int, button: int, pressed: bool) -> None:
        """Press or release a pointer button at (x, y), if granted."""
        self._forward(lambda: self._button(x, y, button, pressed))

    def wheel(self, dx: int, dy: int) -> None:
        """Scroll, if granted."""
        self._forward(lambda: self._injector.wheel(dx, dy))

    def key(self, keysym: str, pressed: bool) -> None:
        """Press or release a key by X keysym name, if granted."""
        self._forward(lambda: self._key(keysym, pressed))

    def type_text(self, text: str) -> None:
        """Type text, if granted."""
        self._forward(lambda: self._injector.type_text(text))

    def key_input(self, keysym: str, pressed: bool, modifiers: int = 0, text: str = "") -> None:
        """Replay a wire KeyInput: type ``text`` when only SHIFT is held, otherwise press the key.

        Held modifier keys are first brought in line with ``modifiers`` (a modifier whose release
        was lost is released; one held on the agent's side is pressed).
        """
        self._forward(lambda: self._key_input(keysym, pressed, modifiers, text))

    def _forward(self, action: Callable[[], None]) -> None:
        with self._lock:
            if not self._granted:
                self.dropped += 1
                return
            try:
                action()
            except InjectionError as exc:
                self.failed += 1
                _log.warning("Input not injected: %s", exc)

    def _move(self, x: int, y: int) -> None:
        self._position = self._mapper.map(x, y) if self._mapper else (x, y)
        self._injector.move(*self._position)

    def _button(self, x: int, y: int, button: int, pressed: bool) -> None:
        if not pressed and button not in self._held_buttons:
            return  # a release only ever releases what we hold: it neither moves nor clicks
        self._position = self._mapper.map(x, y) if self._mapper else (x, y)
        self._injector.button(*self._position, button, pressed)
        (self._held_buttons.add if pressed else self._held_buttons.discard)(button)

    def _key(self, keysym: str, pressed: bool) -> None:
        if pressed:
            self._injector.key(keysym, True)
            if keysym not in self._held_keys:
                self._held_keys.append(keysym)
        elif keysym in self._held_keys:
            self._held_keys.remove(keysym)
            self._injector.key(keysym, False)

    def _key_input(self, keysym: str, pressed: bool, modifiers: int, text: str) -> None:
        self._sync_modifiers(modifiers, except_bit=modifier_of(keysym), press=pressed)
        if types_text(text, modifiers):
            if pressed:
                self._injector.type_text(text)
            return
        self._key(keysym, pressed)

    def _sync_modifiers(self, mask: int, except_bit: int, *, press: bool = True) -> None:
        """Release held modifiers the mask no longer names; press the ones it names (never for a release event,
        which only ever releases)."""
        for held in list(self._held_keys):
            bit = modifier_of(held)
            if bit and bit != except_bit and not mask & bit:
                self._key(held, False)
        if not press:
            return
        for bit, keysym in MODIFIER_KEYSYMS.items():
            wanted = mask & bit and bit != except_bit
            if wanted and not any(modifier_of(held) == bit for held in self._held_keys):
                self._key(keysym, True)

    def _release_all(self) -> None:
        for keysym in reversed(self._held_keys):
            self._quietly(self._injector.key, keysym, False)
        for button in sorted(self._held_buttons):
            self._quietly(self._injector.button, *self._position, button, False)
        self._held_keys.clear()
        self._held_buttons.clear()

    def _quietly(self, action: Callable[..., None], *args: object) -> None:
        try:
            action(*args)
        except InjectionError as exc:
            self.failed += 1
            _log.warning("Could not release held input: %s", exc)
