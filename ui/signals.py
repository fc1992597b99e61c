"""Unix signals (Ctrl+C, SIGTERM) turned into a clean stop on the GUI thread."""

from __future__ import annotations

import signal
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer


def stop_on_signals(stop: Callable[[], object]) -> None:
    """Call ``stop`` on the GUI thread at SIGINT or SIGTERM, so sessions end with a reason."""

    def handler(_signum: int, _frame: object) -> None:
        QTimer.singleShot(0, stop)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    heartbeat = QTimer(QCoreApplication.instance())
    heartbeat.timeout.connect(lambda: None)  # wakes the interpreter so it runs its signal handlers
    heartbeat.start(200)
