"""The idle watcher: a fake clock moves time; real Qt input events (sent to a widget) start a new spell."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from agent.idle import IdleWatcher


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_times_out_after_the_idle_minutes_once(qtbot) -> None:
    clock = FakeClock()
    watcher = IdleWatcher(clock, check_ms=10_000)
    watcher.set_minutes(5)
    fired: list[bool] = []
    watcher.timed_out.connect(lambda: fired.append(True))
    clock.now += 5 * 60 - 1
    watcher.check()
    assert fired == []
    clock.now += 1
    watcher.check()
    watcher.check()
    assert fired == [True]  # once per idle spell
    watcher.stop()


def test_keyboard_input_starts_a_new_spell(qtbot) -> None:
    clock = FakeClock()
    watcher = IdleWatcher(clock, check_ms=10_000)
    watcher.set_minutes(1)
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    clock.now += 50
    QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"))
    assert watcher.idle_seconds() == 0
    clock.now += 50
    fired: list[bool] = []
    watcher.timed_out.connect(lambda: fired.append(True))
    watcher.check()
    assert fired == []
    clock.now += 10
    watcher.check()
    assert fired == [True]  # 60 s since the key press
    watcher.stop()
    clock.now += 1000
    QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier, "b"))
    assert watcher.idle_seconds() == 1060  # stopped: the key press no longer counts


def test_off_never_fires_and_the_timer_checks(qtbot) -> None:
    clock = FakeClock()
    watcher = IdleWatcher(clock, check_ms=20)
    fired: list[bool] = []
    watcher.timed_out.connect(lambda: fired.append(True))
    watcher.set_minutes(None)
    clock.now += 10_000
    watcher.check()
    assert fired == [] and watcher.minutes is None
    watcher.set_minutes(1)
    clock.now += 61
    with qtbot.waitSignal(watcher.timed_out, timeout=2000):
        pass  # the watcher's own timer notices
    watcher.stop()
