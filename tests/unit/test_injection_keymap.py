"""Keysym names <-> pynput Key names, modifier bits, the typed-text rule, coordinate clamping."""

from __future__ import annotations

import pytest

from input_injection.errors import InjectionError
from input_injection.injector import x_keysym, x_keysym_char
from input_injection.keymap import (
    KEYSYM_TO_PYNPUT,
    PYNPUT_TO_KEYSYM,
    Modifier,
    keysym_char,
    modifier_keysyms,
    modifier_of,
    pynput_key_name,
    types_text,
)
from input_injection.mapping import ScreenMapper, clamp


def test_modifier_bits_match_the_wire() -> None:
    assert (Modifier.SHIFT, Modifier.CTRL, Modifier.ALT, Modifier.META) == (1, 2, 4, 8)


@pytest.mark.parametrize(
    ("keysym", "name"),
    [("Return", "enter"), ("F5", "f5"), ("Control_L", "ctrl_l"), ("Prior", "page_up"), ("Escape", "esc")],
)
def test_named_keys_map_to_pynput(keysym: str, name: str) -> None:
    assert pynput_key_name(keysym) == name


def test_character_keys_have_no_pynput_name() -> None:
    assert pynput_key_name("a") is None
    assert keysym_char("a") == "a" and keysym_char("한") == "한" and keysym_char("comma") is None


def test_the_reverse_map_round_trips_to_a_keysym_with_the_same_key() -> None:
    for name, keysym in PYNPUT_TO_KEYSYM.items():
        assert KEYSYM_TO_PYNPUT[keysym] == name or name in {"shift", "ctrl", "alt", "cmd"}
    assert PYNPUT_TO_KEYSYM["enter"] == "Return"
    assert PYNPUT_TO_KEYSYM["ctrl"] == "Control_L"


def test_modifiers() -> None:
    assert modifier_keysyms(Modifier.CTRL | Modifier.SHIFT) == ["Shift_L", "Control_L"]
    assert modifier_of("Control_R") == Modifier.CTRL
    assert modifier_of("a") == Modifier.NONE


@pytest.mark.parametrize(
    ("text", "modifiers", "typed"),
    [("a", 0, True), ("A", Modifier.SHIFT, True), ("한", 0, True), ("c", Modifier.CTRL, False),
     ("", 0, False), ("\x03", 0, False), ("a", Modifier.ALT | Modifier.SHIFT, False)],
)  # fmt: skip
def test_text_is_typed_only_with_shift_at_most(text: str, modifiers: int, typed: bool) -> None:
    assert types_text(text, modifiers) is typed


def test_x_keysym_numbers() -> None:
    assert x_keysym("Return") == 0xFF0D
    assert x_keysym("a") == 0x61
    assert x_keysym(",") == 0x2C
    assert x_keysym("한") == 0x0100D55C
    assert x_keysym("NoSuchKey") is None
    assert x_keysym_char(0x0100D55C) == "한" and x_keysym_char(0xE9) == "é" and x_keysym_char(0xFF0D) is None


def test_clamp_and_mapper() -> None:
    assert clamp(5, 0, 3) == 3 and clamp(-1, 0, 3) == 0
    mapper = ScreenMapper(100, 50, 800, 600)
    assert mapper.map(0, 0) == (100, 50)
    assert mapper.map(10_000, -10_000) == (899, 50)
    with pytest.raises(InjectionError):
        ScreenMapper(0, 0, 0, 600)
