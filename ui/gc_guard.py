"""Run Python's garbage collector on the GUI thread only.

Left automatic, the collector runs on whichever thread allocates next — in these programs often a network or
worker thread. A Qt widget in a reference cycle is then destroyed there, and QWidget's destructor waits for the
GUI thread to process window events: if the GUI thread is waiting for that worker, both wait forever. With
this guard the automatic collector is off and a timer on the GUI thread collects instead, by the same
thresholds (cheap young generations often, the full collection rarely).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Owns the timer; keep it alive as long as the application (parent it to the QApplication)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.runs = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)

    def start(self) -> None:
        """Switch automatic collection off and start collecting from this (the GUI) thread."""
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Back to automatic collection."""
        self._timer.stop()
        gc.enable()

    def collect(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds (as automatic gc would)."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = max((g for g in range(3) if counts[g] > thresholds[g]), default=-1)
        if generation >= 0:
            gc.collect(generation)
            self.runs += 1
