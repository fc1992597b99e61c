"""Qt key events to X keysym names and wire modifier bits (what KeyInput carries)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from protocol.wire import Modifier

K = Qt.Key
_NAMED: dict[int, str] = {
    K.Key_Return: "Return", K.Key_Enter: "KP_Enter", K.Key_Escape: "Escape", K.Key_Tab: "Tab",
    K.Key_Backtab: "ISO_Left_Tab", K.Key_Backspace: "BackSpace", K.Key_Delete: "Delete",
    K.Key_Insert: "Insert", K.Key_Home: "Home", K.Key_End: "End", K.Key_PageUp: "Prior",
    K.Key_PageDown: "Next", K.Key_Left: "Left", K.Key_Right: "Right", K.Key_Up: "Up", K.Key_Down: "Down",
    K.Key_Shift: "Shift_L", K.Key_Control: "Control_L", K.Key_Alt: "Alt_L", K.Key_Meta: "Super_L",
    K.Key_AltGr: "ISO_Level3_Shift", K.Key_CapsLock: "Caps_Lock", K.Key_NumLock: "Num_Lock",
    K.Key_ScrollLock: "Scroll_Lock", K.Key_Print: "Print", K.Key_Pause: "Pause", K.Key_Menu: "Menu",
    K.Key_Space: "space", K.Key_Hangul: "Hangul", K.Key_Hangul_Hanja: "Hangul_Hanja",
}
_NAMED.update({int(K.Key_F1) + i: f"F{i + 1}" for i in range(24)})

_MODIFIERS = (
    (Qt.KeyboardModifier.ShiftModifier, Modifier.SHIFT),
    (Qt.KeyboardModifier.ControlModifier, Modifier.CTRL),
    (Qt.KeyboardModifier.AltModifier, Modifier.ALT),
    (Qt.KeyboardModifier.MetaModifier, Modifier.META),
)


def keysym_name(qt_key: int, text: str) -> str | None:
    """The X keysym name for a Qt key (None when it has no name we send)."""
    name = _NAMED.get(qt_key)
    if name is not None:
        return name
    if len(text) == 1 and text.isprintable():
        return text
    if 0x20 <= qt_key <= 0x7E:
        return chr(qt_key).lower()
    return None


def wire_modifiers(modifiers: Qt.KeyboardModifier) -> int:
    """Wire Modifier bits for Qt's keyboard modifiers."""
    bits = Modifier.NONE
    for qt_flag, wire_flag in _MODIFIERS:
        if modifiers & qt_flag:
            bits |= wire_flag
    return int(bits)


def printable_text(text: str) -> str:
    """The text a key event types, or "" for control characters."""
    return text if text and all(ch.isprintable() for ch in text) else ""
