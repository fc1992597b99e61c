"""Machine-readable event lines (``--events-stdout``) so a demo script can drive and observe the agent.

Rules: one JSON object per line, flushed at once, always with an "event" key. Tokens,
passwords and session secrets are never written.
"""

from __future__ import annotations

import json
from typing import TextIO

from PySide6.QtCore import QObject, Signal


class EventLog(QObject):
    """Writes events to ``stream`` (None: nowhere) and re-emits them as ``emitted`` for tests."""

    emitted = Signal(dict)

    def __init__(self, stream: TextIO | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stream = stream

    def record(self, event: str, **fields: object) -> None:
        """Record ``event`` with ``fields`` (JSON-serialisable values)."""
        line = {"event": event, **fields}
        if self._stream is not None:
            self._stream.write(json.dumps(line, ensure_ascii=False) + "\n")
            self._stream.flush()
        self.emitted.emit(line)
