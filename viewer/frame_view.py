"""The widget that shows the customer's screen and turns local input into messages.

It keeps only the newest picture, paints it scaled to fit with the right aspect
ratio, and maps pointer positions back to exact host pixels.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from protocol.messages import KeyInput, Message, PointerButton, PointerMove, Wheel
from viewer.keys import keysym_name, printable_text, wire_modifiers

_BUTTONS = {Qt.MouseButton.LeftButton: 1, Qt.MouseButton.MiddleButton: 2, Qt.MouseButton.RightButton: 3}


def image_from_bgra(bgra: np.ndarray) -> QImage:
    """A QImage sharing an H×W×4 uint8 BGRA array (the array must outlive the image's use)."""
    height, width, _ = bgra.shape
    return QImage(bgra.data, width, height, bgra.strides[0], QImage.Format.Format_RGB32)


def fit_rect(source_w: int, source_h: int, target_w: int, target_h: int) -> QRectF:
    """The largest rectangle of the source's aspect ratio centred in the target."""
    if source_w <= 0 or source_h <= 0:
        return QRectF(0, 0, target_w, target_h)
    scale = min(target_w / source_w, target_h / source_h)
    width, height = source_w * scale, source_h * scale
    return QRectF((target_w - width) / 2, (target_h - height) / 2, width, height)


class FrameView(QWidget):
    """Shows frames; emits ``input_produced(message)`` for pointer and key input."""

    input_produced = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None
        self.input_enabled = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def image(self) -> QImage | None:
        return self._image

    def set_frame(self, bgra: np.ndarray) -> None:
        """Show a new BGRA frame (the view keeps a reference to the array)."""
        self._pixels = bgra
        self._image = image_from_bgra(bgra)
        self.update()

    def target_rect(self) -> QRectF:
        if self._image is None:
            return QRectF(self.rect())
        return fit_rect(self._image.width(), self._image.height(), self.width(), self.height())

    def to_host(self, pos: QPointF) -> tuple[int, int] | None:
        """Host pixel under a widget position, or None outside the picture."""
        if self._image is None:
            return None
        rect = self.target_rect()
        if not rect.contains(pos):
            return None
        x = int((pos.x() - rect.x()) * self._image.width() / rect.width())
        y = int((pos.y() - rect.y()) * self._image.height() / rect.height())
        return min(x, self._image.width() - 1), min(y, self._image.height() - 1)

    def paintEvent(self, event: QEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(24, 24, 24))
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.target_rect(), self._image)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = self.to_host(event.position())
        if point is not None:
            self._produce(PointerMove(*point))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._button(event, pressed=True)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._button(event, pressed=False)

    def _button(self, event: QMouseEvent, pressed: bool) -> None:
        point = self.to_host(event.position())
        button = _BUTTONS.get(event.button())
        if point is not None and button is not None:
            self._produce(PointerButton(point[0], point[1], button, pressed))

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        steps_x, steps_y = round(delta.x() / 120), round(delta.y() / 120)
        if steps_x or steps_y:
            self._produce(Wheel(steps_x, steps_y))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._key(event, pressed=True)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if not event.isAutoRepeat():
            self._key(event, pressed=False)

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab goes to the customer, not to our focus chain

    def _key(self, event: QKeyEvent, pressed: bool) -> None:
        text = printable_text(event.text())
        name = keysym_name(event.key(), text)
        if name is not None:
            self._produce(KeyInput(name, pressed, wire_modifiers(event.modifiers()), text))

    def _produce(self, message: Message) -> None:
        if self.input_enabled:
            self.input_produced.emit(message)
