"""The customer's click-through overlay: the agent's pen strokes and laser dot over the shared monitor.

Rules: the window never takes input (the customer's clicks and keys reach the windows under it), never
takes focus and is not in the taskbar. It is visible only where something is drawn: its shape (mask) is
exactly the painted pixels, so on an X11 desktop without a compositor — where a translucent window shows
black — nothing but the strokes and the dot covers the customer's screen; with nothing drawn it is hidden.
Points are pixels of the shared picture (the monitor's own pixels, its top-left is 0, 0). GUI thread only.
"""

from __future__ import annotations

import dataclasses
import itertools

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QBitmap, QBrush, QColor, QPainter, QPaintEvent, QPen, QRegion
from PySide6.QtWidgets import QWidget

Point = tuple[int, int]
LASER_RADIUS = 9
LASER_COLOUR = QColor(255, 0, 40)
LASER_RING = QColor(255, 255, 255)
MAX_STROKES = 200  # the oldest stroke goes when the agent draws more
MAX_STROKE_POINTS = 20_000  # a longer stroke stops growing (the shape of each piece is kept in memory)


@dataclasses.dataclass
class Stroke:
    """One pen stroke: its colour, width and points (overlay pixels), and the shape it covers."""

    colour: QColor
    width: int
    points: list[Point]
    region: QRegion = dataclasses.field(default_factory=QRegion)

    def pen(self, colour: QColor | Qt.GlobalColor | None = None) -> QPen:
        return QPen(colour if colour is not None else self.colour, self.width, Qt.PenStyle.SolidLine,
                    Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)


def paint_segments(painter: QPainter, points: list[Point]) -> None:
    """The stroke through ``points`` as single segments (so a mask drawn piecewise matches it pixel for pixel)."""
    if len(points) == 1:
        painter.drawPoint(QPoint(*points[0]))
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        painter.drawLine(x1, y1, x2, y2)


def stroke_shape(stroke: Stroke, points: list[Point]) -> QRegion:
    """The pixels the pen of ``stroke`` covers along ``points``, as a region (a 1-bit picture of them)."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    margin = stroke.width // 2 + 2
    box = QRect(min(xs) - margin, min(ys) - margin, max(xs) - min(xs) + 2 * margin + 1,
                max(ys) - min(ys) + 2 * margin + 1)
    bitmap = QBitmap(box.size())
    bitmap.clear()
    painter = QPainter(bitmap)
    painter.setPen(stroke.pen(Qt.GlobalColor.color1))
    painter.translate(-box.x(), -box.y())
    paint_segments(painter, points)
    painter.end()
    return QRegion(bitmap).translated(box.topLeft())


def laser_shape(x: int, y: int) -> QRegion:
    size = 2 * LASER_RADIUS + 3
    bitmap = QBitmap(size, size)
    bitmap.clear()
    painter = QPainter(bitmap)
    painter.setPen(QPen(Qt.GlobalColor.color1, 2))
    painter.setBrush(QBrush(Qt.GlobalColor.color1))
    painter.drawEllipse(QPoint(size // 2, size // 2), LASER_RADIUS, LASER_RADIUS)
    painter.end()
    return QRegion(bitmap).translated(x - size // 2, y - size // 2)


class OverlayWindow(QWidget):
    """Strokes and the laser dot over the shared monitor; see the module rules."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
                         | Qt.WindowType.Tool | Qt.WindowType.WindowTransparentForInput
                         | Qt.WindowType.WindowDoesNotAcceptFocus | Qt.WindowType.NoDropShadowWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setWindowTitle(self.tr("Ferry: the agent's drawing"))
        self.strokes: dict[int, Stroke] = {}  # in drawing order
        self.laser: Point | None = None
        self._strokes_shape = QRegion()

    def set_area(self, left: int, top: int, width: int, height: int) -> None:
        """Cover the shared monitor (screen pixels)."""
        scale = self.devicePixelRatioF() or 1.0
        self.setGeometry(round(left / scale), round(top / scale), round(width / scale), round(height / scale))

    def add_points(self, stroke_id: int, colour: QColor, width: int, points: list[Point]) -> None:
        """Extend stroke ``stroke_id`` (a new one when unknown) with ``points``."""
        if not points:
            return
        points = [self._local(point) for point in points]
        stroke = self.strokes.get(stroke_id)
        if stroke is None:
            while len(self.strokes) >= MAX_STROKES:
                self.strokes.pop(next(iter(self.strokes)))
                self._rebuild_shape()
            stroke = self.strokes[stroke_id] = Stroke(colour, width, [])
        if len(stroke.points) + len(points) > MAX_STROKE_POINTS:
            return
        joined = stroke.points[-1:] + points  # the segment from the last batch's end joins the two
        stroke.points.extend(points)
        piece = stroke_shape(stroke, joined)
        stroke.region = stroke.region.united(piece)
        self._strokes_shape = self._strokes_shape.united(piece)
        self._refresh()

    def undo(self, stroke_id: int = 0) -> None:
        """Remove stroke ``stroke_id``, or the last one when it is 0 or unknown."""
        if not self.strokes:
            return
        self.strokes.pop(stroke_id if stroke_id in self.strokes else next(reversed(self.strokes)))
        self._rebuild_shape()
        self._refresh()

    def clear(self) -> None:
        """Remove every stroke."""
        self.strokes.clear()
        self._rebuild_shape()
        self._refresh()

    def set_laser(self, x: int, y: int, visible: bool) -> None:
        """Show the laser dot at (x, y), or hide it."""
        self.laser = self._local((x, y)) if visible else None
        self._refresh()

    def reset(self) -> None:
        """Nothing drawn, nothing shown (the session ended)."""
        self.strokes.clear()
        self.laser = None
        self._rebuild_shape()
        self._refresh()

    def visible_shape(self) -> QRegion:
        """Where the window is visible: the strokes' pixels and the dot's."""
        if self.laser is None:
            return QRegion(self._strokes_shape)
        return self._strokes_shape.united(laser_shape(*self.laser))

    def _local(self, point: Point) -> Point:
        scale = self.devicePixelRatioF() or 1.0
        return round(point[0] / scale), round(point[1] / scale)

    def _rebuild_shape(self) -> None:
        self._strokes_shape = QRegion()
        for stroke in self.strokes.values():
            self._strokes_shape = self._strokes_shape.united(stroke.region)

    def _refresh(self) -> None:
        shape = self.visible_shape()
        if shape.isEmpty():
            self.hide()  # an empty mask would mean "no mask": the whole window
            return
        self.setMask(shape)
        if not self.isVisible():
            self.show()
        self.raise_()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.fillRect(event.rect(), Qt.GlobalColor.transparent)
        for stroke in self.strokes.values():
            painter.setPen(stroke.pen())
            paint_segments(painter, stroke.points)
        if self.laser is not None:
            painter.setPen(QPen(LASER_RING, 2))
            painter.setBrush(QBrush(LASER_COLOUR))
            painter.drawEllipse(QPoint(*self.laser), LASER_RADIUS, LASER_RADIUS)
        painter.end()
