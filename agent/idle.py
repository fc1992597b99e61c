"""Auto-logout: notice when the agent has not touched mouse or keyboard for some minutes.

Rules: an application-wide event filter notes the time of every mouse and keyboard event (it never
swallows one); a timer compares that time with the clock every ``check_ms``. The clock is passed in
(monotonic seconds), so tests move time forward instead of sleeping. ``timed_out`` is emitted once per
idle spell; any input, or a new limit, starts a new spell.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

CHECK_MS = 1000
INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    """Emits ``timed_out`` after ``minutes`` without user input; off while ``minutes`` is None."""

    timed_out = Signal()

    def __init__(self, clock: Callable[[], float] = time.monotonic, check_ms: int = CHECK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._limit_s: float | None = None
        self._last_input = clock()
        self._fired = False
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check)
        self._app: QCoreApplication | None = None

    @property
    def minutes(self) -> int | None:
        return None if self._limit_s is None else int(self._limit_s // 60)

    def set_minutes(self, minutes: int | None) -> None:
        """Watch for ``minutes`` idle minutes (None or 0: stop watching); the idle spell starts now."""
        self._limit_s = minutes * 60.0 if minutes else None
        self.note_input()
        if self._limit_s is None:
            self._stop_watching()
        else:
            self._start_watching()

    def stop(self) -> None:
        """Stop watching for good (the login ended)."""
        self._limit_s = None
        self._stop_watching()

    def note_input(self) -> None:
        """The user did something: a new idle spell begins."""
        self._last_input = self._clock()
        self._fired = False

    def idle_seconds(self) -> float:
        return self._clock() - self._last_input

    def check(self) -> None:
        """Emit ``timed_out`` when the limit has passed (the timer calls this; tests may too)."""
        if self._limit_s is None or self._fired:
            return
        if self.idle_seconds() >= self._limit_s:
            self._fired = True
            self.timed_out.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in INPUT_EVENTS:
            self.note_input()
        return False

    def _start_watching(self) -> None:
        app = QCoreApplication.instance()
        if self._app is None and app is not None:
            app.installEventFilter(self)
            self._app = app
        self._timer.start()

    def _stop_watching(self) -> None:
        self._timer.stop()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None
