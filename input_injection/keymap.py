"""X keysym names <-> pynput ``Key`` names, modifier bits, and when to type text.

The wire names keys by X keysym name ("Return", "F5", "Control_L", "a"). This module maps
them to the *names* of pynput ``Key`` members ("enter", "f5", "ctrl_l") without importing
pynput (importing pynput binds an X display; see injector.py). Pure data and functions.
"""

from __future__ import annotations

import enum


class Modifier(enum.IntFlag):
    """Modifier bits of the wire (the same values as protocol.wire.Modifier; kept apart by layering)."""

    NONE = 0
    SHIFT = 1
    CTRL = 2
    ALT = 4
    META = 8


_FUNCTION_KEYS = {f"F{n}": f"f{n}" for n in range(1, 21)}

#: X keysym name -> pynput Key member name, for keys that have no character of their own.
KEYSYM_TO_PYNPUT: dict[str, str] = {
    "Return": "enter", "KP_Enter": "enter", "Tab": "tab", "ISO_Left_Tab": "tab",
    "BackSpace": "backspace", "Delete": "delete", "KP_Delete": "delete", "Escape": "esc",
    "Insert": "insert", "KP_Insert": "insert", "Home": "home", "KP_Home": "home",
    "End": "end", "KP_End": "end", "Page_Up": "page_up", "Prior": "page_up",
    "KP_Page_Up": "page_up", "Page_Down": "page_down", "Next": "page_down",
    "KP_Page_Down": "page_down", "Left": "left", "KP_Left": "left", "Right": "right",
    "KP_Right": "right", "Up": "up", "KP_Up": "up", "Down": "down", "KP_Down": "down",
    "space": "space", "Shift_L": "shift_l", "Shift_R": "shift_r", "Control_L": "ctrl_l",
    "Control_R": "ctrl_r", "Alt_L": "alt_l", "Alt_R": "alt_r", "ISO_Level3_Shift": "alt_gr",
    "Mode_switch": "alt_gr", "Super_L": "cmd_l", "Super_R": "cmd_r", "Meta_L": "cmd_l",
    "Meta_R": "cmd_r", "Caps_Lock": "caps_lock", "Num_Lock": "num_lock",
    "Scroll_Lock": "scroll_lock", "Print": "print_screen", "Pause": "pause", "Menu": "menu",
    "XF86AudioPlay": "media_play_pause", "XF86AudioMute": "media_volume_mute",
    "XF86AudioLowerVolume": "media_volume_down", "XF86AudioRaiseVolume": "media_volume_up",
    "XF86AudioPrev": "media_previous", "XF86AudioNext": "media_next",
    **_FUNCTION_KEYS,
}  # fmt: skip

#: pynput Key member name -> X keysym name (the first listed above; left-hand keys for generic modifiers).
PYNPUT_TO_KEYSYM: dict[str, str] = {
    **{pynput: keysym for keysym, pynput in reversed(KEYSYM_TO_PYNPUT.items())},
    "shift": "Shift_L", "ctrl": "Control_L", "alt": "Alt_L", "cmd": "Super_L",
}  # fmt: skip

#: Each wire modifier bit and the keysym a host presses for it.
MODIFIER_KEYSYMS: dict[Modifier, str] = {
    Modifier.SHIFT: "Shift_L",
    Modifier.CTRL: "Control_L",
    Modifier.ALT: "Alt_L",
    Modifier.META: "Super_L",
}

_MODIFIER_OF_KEYSYM: dict[str, Modifier] = {
    "Shift_L": Modifier.SHIFT, "Shift_R": Modifier.SHIFT, "Control_L": Modifier.CTRL,
    "Control_R": Modifier.CTRL, "Alt_L": Modifier.ALT, "Alt_R": Modifier.ALT,
    "Super_L": Modifier.META, "Super_R": Modifier.META, "Meta_L": Modifier.META,
    "Meta_R": Modifier.META,
}  # fmt: skip


def pynput_key_name(keysym: str) -> str | None:
    """The pynput Key member name for an X keysym name, or None for a character key."""
    return KEYSYM_TO_PYNPUT.get(keysym)


def modifier_of(keysym: str) -> Modifier:
    """The wire modifier bit a keysym is (Modifier.NONE for a non-modifier key)."""
    return _MODIFIER_OF_KEYSYM.get(keysym, Modifier.NONE)


def modifier_keysyms(mask: int) -> list[str]:
    """The keysyms to hold for a wire modifier mask, in SHIFT, CTRL, ALT, META order."""
    return [keysym for bit, keysym in MODIFIER_KEYSYMS.items() if mask & bit]


def types_text(text: str, modifiers: int) -> bool:
    """Whether a key event is typed as its ``text``: text is printable and only SHIFT is held.

    This is the rule of protocol.messages.KeyInput; other events press the key by its keysym.
    """
    return bool(text) and text.isprintable() and not modifiers & ~Modifier.SHIFT


def keysym_char(keysym: str) -> str | None:
    """The character of a one-character keysym name ("a", "한", ","), else None."""
    return keysym if len(keysym) == 1 and keysym.isprintable() else None
