"""Small shared widgets: a big connection-code label and an expiry countdown."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ui.theme import WARNING, colour_style, mono_font

CODE_POINT_SIZE = 40


def group_code(code: str, group: int = 3) -> str:
    """'123456' -> '123 456' (easier to read out on the phone)."""
    return " ".join(code[i:i + group] for i in range(0, len(code), group))


def format_countdown(seconds: float) -> str | None:
    """Seconds left as 'mm:ss' (rounded up, so '00:01' until it is really over); None when past."""
    if seconds <= 0:
        return None
    whole = math.ceil(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


class CodeLabel(QLabel):
    """Shows a connection code in big fixed-width digits, grouped by three; selectable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._code = ""
        self.setFont(mono_font(CODE_POINT_SIZE, bold=True))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(self.tr("Connection code"))
        self.setMinimumHeight(self.fontMetrics().height() + 16)

    def code(self) -> str:
        """The code as issued (no spaces)."""
        return self._code

    def set_code(self, code: str) -> None:
        self._code = code
        self.setText(group_code(code))

    def set_expired(self, expired: bool) -> None:
        """Strike the code through once it can no longer be used."""
        font = self.font()
        font.setStrikeOut(expired)
        self.setFont(font)
        self.setStyleSheet(colour_style(WARNING) if expired else "")


class CountdownLabel(QLabel):
    """'Expires in mm:ss', ticking; 'Expired' once the deadline (monotonic seconds) has passed."""

    expired = Signal()

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic,
                 interval_ms: int = 250) -> None:
        super().__init__(parent)
        self._clock = clock
        self._deadline: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._refresh)

    def start(self, deadline: float) -> None:
        """Count down to ``deadline`` on the label's clock."""
        self._deadline = deadline
        self.setStyleSheet("")
        self._timer.start()
        self._refresh()

    def stop(self, text: str = "") -> None:
        """Stop ticking and show ``text``."""
        self._deadline = None
        self._timer.stop()
        self.setStyleSheet("")
        self.setText(text)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _refresh(self) -> None:
        if self._deadline is None:
            return
        left = format_countdown(self._deadline - self._clock())
        if left is None:
            self._timer.stop()
            self._deadline = None
            self.setText(self.tr("Expired"))
            self.setStyleSheet(colour_style(WARNING))
            self.expired.emit()
        else:
            self.setText(self.tr("Expires in {0}").format(left))
