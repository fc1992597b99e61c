"""The mouse trace over the picture: a fading trail of the customer's pointer and a marker where it is now.

Rules: a transparent child of the FrameView, as large as it, that never takes input (the view below gets
every click); points are host pixels, mapped with the view's own picture rectangle so the trail lies
exactly over the picture at any scale. A point fades out within TRAIL_S; the marker stays at the last
position until the trace is switched off. GUI thread only.
"""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from viewer.frame_view import FrameView

Point = tuple[int, int]
TRAIL_S = 1.5
MAX_TRAIL = 240
TRAIL_COLOUR = QColor(255, 200, 0)
MARKER_RADIUS = 6
REPAINT_MS = 40


def view_position(view: FrameView, point: Point) -> QPointF | None:
    """Where host pixel ``point`` (its centre) is on ``view``; None without a picture."""
    image = view.image
    if image is None or not image.width() or not image.height():
        return None
    rect = view.target_rect()
    return QPointF(rect.x() + (point[0] + 0.5) * rect.width() / image.width(),
                   rect.y() + (point[1] + 0.5) * rect.height() / image.height())


class TraceLayer(QWidget):
    """Paints the customer's pointer trail over ``view``; see the module rules."""

    def __init__(self, view: FrameView) -> None:
        super().__init__(view)
        self._view = view
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.trail: deque[tuple[Point, float]] = deque(maxlen=MAX_TRAIL)
        self.latest: Point | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.setGeometry(view.rect())
        self.show()

    def add(self, points: list[Point], now: float | None = None) -> None:
        """The customer's pointer went through ``points`` (oldest first)."""
        if not points:
            return
        now = time.monotonic() if now is None else now
        self.trail.extend((point, now) for point in points)
        self.latest = points[-1]
        self.raise_()
        if not self._timer.isActive():
            self._timer.start()
        self.update()

    def clear(self) -> None:
        self.trail.clear()
        self.latest = None
        self._timer.stop()
        self.update()

    def _on_timer_timeout(self) -> None:
        cutoff = time.monotonic() - TRAIL_S
        while self.trail and self.trail[0][1] < cutoff:
            self.trail.popleft()
        if not self.trail:
            self._timer.stop()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        now = time.monotonic()
        previous: QPointF | None = None
        for point, seen in self.trail:
            position = view_position(self._view, point)
            if position is None:
                break
            if previous is not None:
                colour = QColor(TRAIL_COLOUR)
                colour.setAlphaF(max(0.0, 1.0 - (now - seen) / TRAIL_S))
                painter.setPen(QPen(colour, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawLine(previous, position)
            previous = position
        self._paint_marker(painter)
        painter.end()

    def _paint_marker(self, painter: QPainter) -> None:
        if self.latest is None:
            return
        position = view_position(self._view, self.latest)
        if position is not None:
            painter.setPen(QPen(QColor(0, 0, 0), 2))
            painter.setBrush(QBrush(TRAIL_COLOUR))
            painter.drawEllipse(position, MARKER_RADIUS, MARKER_RADIUS)
