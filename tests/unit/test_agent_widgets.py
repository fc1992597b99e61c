"""Shared widgets from ui/: the big code label and the expiry countdown (clock passed in)."""

from __future__ import annotations

from ui.widgets import CodeLabel, CountdownLabel, format_countdown, group_code


def test_format_countdown_rounds_up_and_ends() -> None:
    assert format_countdown(600) == "10:00"
    assert format_countdown(599.2) == "10:00"
    assert format_countdown(61) == "01:01"
    assert format_countdown(0.01) == "00:01"
    assert format_countdown(0) is None
    assert format_countdown(-5) is None


def test_code_label_groups_digits(qtbot) -> None:
    label = CodeLabel()
    qtbot.addWidget(label)
    label.set_code("123456")
    assert label.code() == "123456"
    assert label.text() == "123 456"
    assert group_code("12345678") == "123 456 78"


def test_countdown_ticks_and_expires(qtbot) -> None:
    now = [1000.0]
    label = CountdownLabel(clock=lambda: now[0], interval_ms=10)
    qtbot.addWidget(label)
    label.start(1000.0 + 125)
    assert label.text() == "Expires in 02:05"
    now[0] += 64.5
    qtbot.waitUntil(lambda: label.text() == "Expires in 01:01")
    now[0] += 61
    with qtbot.waitSignal(label.expired):
        pass
    assert label.text() == "Expired"
    assert not label.running
    label.stop("No code yet")
    assert label.text() == "No code yet"
