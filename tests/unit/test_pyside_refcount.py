"""Guard against PySide6 6.12.0's ``none_dealloc`` bug.

PySide6 6.12.0 dropped one reference to ``None`` for each call of a wrapped C++ method
returning ``void``; after enough calls Python's ``None`` is deallocated and the interpreter
aborts with "Fatal Python error: none_dealloc: deallocating None". (On Python 3.11 ``None`` is
not immortal, so the leak shows in its reference count.) Ferry pins 6.11.3; this test fails if
an upgrade brings the bug back, before any long-running app crashes in the field.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

CALLS = 20_000


def test_void_qt_calls_do_not_drop_none_references(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    timer = QTimer()
    obj = QObject()
    calls = (
        lambda i: timer.setInterval(i % 1000 + 1),
        lambda i: widget.update(),
        lambda i: widget.setMinimumWidth(i % 50),
        lambda i: obj.setObjectName("x"),
    )
    before = sys.getrefcount(None)
    for i in range(CALLS):
        calls[i % len(calls)](i)
    after = sys.getrefcount(None)
    # Other code may take a few references meanwhile; the bug would lose ~CALLS of them.
    assert after >= before - 100, f"None lost {before - after} references over {CALLS} void Qt calls"
