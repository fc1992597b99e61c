"""ControlGate: input reaches the injector only while control is granted; revoke releases held input."""

from __future__ import annotations

import logging

import pytest

from input_injection.errors import InjectionError
from input_injection.gate import ControlGate
from input_injection.injector import Injector
from input_injection.keymap import Modifier
from input_injection.mapping import ScreenMapper

Call = tuple[object, ...]


class FakeInjector:
    """Records every call; raises InjectionError for the key named 'Bogus'."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def move(self, x: int, y: int) -> None:
        self.calls.append(("move", x, y))

    def button(self, x: int, y: int, button: int, pressed: bool) -> None:
        self.calls.append(("button", x, y, button, pressed))

    def wheel(self, dx: int, dy: int) -> None:
        self.calls.append(("wheel", dx, dy))

    def key(self, keysym: str, pressed: bool) -> None:
        if keysym == "Bogus":
            raise InjectionError("Unknown key 'Bogus'")
        self.calls.append(("key", keysym, pressed))

    def type_text(self, text: str) -> None:
        self.calls.append(("type", text))


def gate_with_fake(mapper: ScreenMapper | None = None) -> tuple[ControlGate, FakeInjector]:
    fake = FakeInjector()
    injector: Injector = fake  # the fake satisfies the protocol
    return ControlGate(injector, mapper), fake


def send_everything(gate: ControlGate) -> None:
    gate.move(10, 20)
    gate.button(10, 20, 1, True)
    gate.button(10, 20, 1, False)
    gate.wheel(0, -2)
    gate.key("Return", True)
    gate.key("Return", False)
    gate.type_text("hello")
    gate.key_input("a", True, 0, "a")


def test_without_grant_everything_is_dropped_and_counted() -> None:
    gate, fake = gate_with_fake()
    assert not gate.granted
    send_everything(gate)
    assert fake.calls == []
    assert gate.dropped == 8


def test_after_grant_everything_is_forwarded() -> None:
    gate, fake = gate_with_fake()
    gate.grant()
    send_everything(gate)
    assert fake.calls == [
        ("move", 10, 20), ("button", 10, 20, 1, True), ("button", 10, 20, 1, False),
        ("wheel", 0, -2), ("key", "Return", True), ("key", "Return", False),
        ("type", "hello"), ("type", "a"),
    ]  # fmt: skip
    assert gate.dropped == 0


def test_revoke_stops_forwarding_and_releases_held_keys_and_buttons() -> None:
    gate, fake = gate_with_fake()
    gate.grant()
    gate.key("Control_L", True)
    gate.key("c", True)
    gate.button(300, 200, 3, True)
    fake.calls.clear()
    gate.revoke()
    assert fake.calls == [("key", "c", False), ("key", "Control_L", False), ("button", 300, 200, 3, False)]
    fake.calls.clear()
    gate.key("c", False)
    gate.move(1, 1)
    assert fake.calls == []
    assert gate.dropped == 2


def test_a_release_the_gate_did_not_press_is_not_forwarded() -> None:
    gate, fake = gate_with_fake()
    gate.grant()
    gate.key("Shift_L", False)
    gate.button(5, 6, 1, False)  # not even a move: a release only releases
    assert fake.calls == []


def test_a_key_release_never_presses_the_modifiers_it_names() -> None:
    gate, fake = gate_with_fake()
    gate.grant()
    gate.key_input("a", False, Modifier.CTRL | Modifier.ALT | Modifier.META, "")
    assert fake.calls == []  # a forged release cannot hold Ctrl, Alt or Super down


def test_coordinates_are_clamped_to_the_shared_monitor() -> None:
    gate, fake = gate_with_fake(ScreenMapper(left=1920, top=0, width=1280, height=1024))
    gate.grant()
    gate.move(-50, 5000)
    gate.button(100, 100, 1, True)
    assert fake.calls == [("move", 1920, 1023), ("button", 2020, 100, 1, True)]


def test_key_input_types_text_unless_a_modifier_other_than_shift_is_held() -> None:
    gate, fake = gate_with_fake()
    gate.grant()
    gate.key_input("A", True, Modifier.SHIFT, "A")
    gate.key_input("A", False, Modifier.SHIFT, "A")
    gate.key_input("Shift_L", False, 0, "")
    gate.key_input("c", True, Modifier.CTRL, "\x03")
    gate.key_input("c", False, Modifier.CTRL, "\x03")
    gate.key_input("Control_L", False, 0, "")
    assert fake.calls == [
        ("key", "Shift_L", True), ("type", "A"), ("key", "Shift_L", False),
        ("key", "Control_L", True), ("key", "c", True), ("key", "c", False), ("key", "Control_L", False),
    ]  # fmt: skip


def test_a_lost_modifier_release_is_repaired_by_the_next_key() -> None:
    gate, fake = gate_with_fake()
    gate.grant()
    gate.key_input("Control_L", True, Modifier.CTRL, "")
    gate.key_input("x", True, 0, "x")  # the viewer lost Control_L's release
    assert fake.calls == [("key", "Control_L", True), ("key", "Control_L", False), ("type", "x")]


def test_injection_errors_are_logged_and_counted_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    gate, fake = gate_with_fake()
    gate.grant()
    with caplog.at_level(logging.WARNING):
        gate.key("Bogus", True)
    assert gate.failed == 1
    assert "Bogus" in caplog.text
    gate.key("Return", True)
    assert fake.calls == [("key", "Return", True)]
