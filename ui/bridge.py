"""The one path from worker threads to the GUI thread.

Workers call ``post(obj)`` from any thread; connected slots run on the thread the
bridge lives on (the GUI thread) through a queued signal. Objects passed must be
immutable or owned by the receiver from then on (bytes, numpy arrays, QImage,
frozen dataclasses).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal


class EventBridge(QObject):
    """Carries events from worker threads to the GUI thread."""

    posted = Signal(object)

    def post(self, event: object) -> None:
        """Hand ``event`` to the GUI thread (thread-safe)."""
        self.posted.emit(event)

    def connect_handler(self, handler: object) -> None:
        """Connect ``handler(event)``, always queued to this object's thread."""
        self.posted.connect(handler, Qt.ConnectionType.QueuedConnection)
