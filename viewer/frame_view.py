"""The widget that shows the customer's screen and turns local input into messages.

It keeps only the newest picture, paints it scaled to fit with the right aspect
ratio (``fit``) or pixel for pixel (``actual``: the view is at least the picture's size, so the
scroll area around it scrolls), and maps pointer positions back to exact host pixels in both.

Rules: every press it sends is matched by a release. Buttons and keys it pressed are
remembered; a release (or a move while a button is held) outside the picture is
clamped to its edge, and whatever is still held is released when the view loses
focus or input is disabled. Pointer input (moves, buttons, wheel) goes out only while
``allow_mouse``, keys only while ``allow_keys`` (the agent's mouse_control / keyboard_control);
what is not sent is not remembered as held. Without control the wheel scrolls the view.
A release carries its press's keysym. Wheel deltas
smaller than a notch (touchpads) add up until they make one. Areas the customer hid
(blinders, in frame pixels) are hatched over the picture, mapped like it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QImage, QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from protocol.messages import KeyInput, Message, PointerButton, PointerMove, Wheel
from viewer.keys import keysym_name, printable_text, wire_modifiers

_BUTTONS = {Qt.MouseButton.LeftButton: 1, Qt.MouseButton.MiddleButton: 2, Qt.MouseButton.RightButton: 3}
WHEEL_NOTCH = 120  # Qt's angleDelta of one wheel step (1/8 degree units)
HATCH_COLOUR = QColor(255, 170, 0)
FIT, ACTUAL = "fit", "actual"  # scale modes: fit the picture in the view / one host pixel per screen pixel
MINIMUM_SIZE = QSize(320, 180)
_POINTER_INPUT = (PointerMove, PointerButton, Wheel)


def image_from_bgra(bgra: np.ndarray) -> QImage:
    """A QImage sharing an H×W×4 uint8 BGRA array (the array must outlive the image's use)."""
    height, width, _ = bgra.shape
    return QImage(bgra.data, width, height, bgra.strides[0], QImage.Format.Format_RGB32)


def actual_rect(source_w: int, source_h: int, target_w: int, target_h: int) -> QRectF:
    """The source at its own size, centred on whole pixels where the target is larger, else at the edge."""
    return QRectF(max(0, (target_w - source_w) // 2), max(0, (target_h - source_h) // 2), source_w, source_h)


def fit_rect(source_w: int, source_h: int, target_w: int, target_h: int) -> QRectF:
    """The largest rectangle of the source's aspect ratio centred in the target."""
    if source_w <= 0 or source_h <= 0:
        return QRectF(0, 0, target_w, target_h)
    scale = min(target_w / source_w, target_h / source_h)
    width, height = source_w * scale, source_h * scale
    return QRectF((target_w - width) / 2, (target_h - height) / 2, width, height)


class FrameView(QWidget):
    """Shows frames; emits ``input_produced(message)`` for pointer and key input (see the module rules)."""

    input_produced = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None
        self._input_enabled = False
        self._buttons: set[int] = set()  # wire buttons pressed on the host
        self._keys: dict[int | str, KeyInput] = {}  # the press sent for each held key
        self._pointer = (0, 0)  # last host position sent
        self._wheel_rest = (0, 0)  # angleDelta not yet sent as whole notches
        self._blinders: list[tuple[int, int, int, int]] = []  # hidden areas, frame pixels
        self._scale_mode = FIT
        self.allow_mouse = True  # the agent's options: mouse_control
        self.allow_keys = True  # keyboard_control
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(MINIMUM_SIZE)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def image(self) -> QImage | None:
        return self._image

    @property
    def pixels(self) -> np.ndarray | None:
        """The frame shown now, BGRA as decoded (blinded areas black, no hatching); do not modify it."""
        return self._pixels

    @property
    def scale_mode(self) -> str:
        return self._scale_mode

    @scale_mode.setter
    def scale_mode(self, mode: str) -> None:
        """FIT or ACTUAL (see the module docstring)."""
        if mode not in (FIT, ACTUAL):
            raise ValueError(f"unknown scale mode {mode!r}: use {FIT!r} or {ACTUAL!r}")
        self._scale_mode = mode
        self._update_minimum_size()
        self.update()

    def _update_minimum_size(self) -> None:
        if self._scale_mode == ACTUAL and self._image is not None:
            self.setMinimumSize(self._image.size().expandedTo(MINIMUM_SIZE))
        else:
            self.setMinimumSize(MINIMUM_SIZE)

    @property
    def input_enabled(self) -> bool:
        """Whether local input goes to the host; disabling it first releases what is held."""
        return self._input_enabled

    @input_enabled.setter
    def input_enabled(self, enabled: bool) -> None:
        if not enabled:
            self.release_held()
            self._wheel_rest = (0, 0)
        self._input_enabled = enabled

    def release_held(self) -> None:
        """Send the release of every button and key this view pressed and has not released."""
        for button in sorted(self._buttons):
            self._produce(PointerButton(*self._pointer, button, False))
        self._buttons.clear()
        for press in reversed(list(self._keys.values())):
            self._produce(KeyInput(press.key, False, 0, press.text))
        self._keys.clear()

    def set_frame(self, bgra: np.ndarray) -> None:
        """Show a new BGRA frame (the view keeps a reference to the array)."""
        resized = self._pixels is None or self._pixels.shape[:2] != bgra.shape[:2]
        self._pixels = bgra
        self._image = image_from_bgra(bgra)
        if resized:
            self._update_minimum_size()
        self.update()

    def set_blinders(self, rects: list[tuple[int, int, int, int]]) -> None:
        """Hatch these (x, y, width, height) areas of the frame: the customer hid them."""
        self._blinders = list(rects)
        self.update()

    @property
    def blinders(self) -> list[tuple[int, int, int, int]]:
        return list(self._blinders)

    def blinder_rects(self) -> list[QRectF]:
        """The hidden areas in widget coordinates (mapped like the picture)."""
        if self._image is None or not self._image.width() or not self._image.height():
            return []
        target = self.target_rect()
        sx, sy = target.width() / self._image.width(), target.height() / self._image.height()
        return [QRectF(target.x() + x * sx, target.y() + y * sy, w * sx, h * sy) for x, y, w, h in self._blinders]

    def target_rect(self) -> QRectF:
        """Where the picture is painted, in widget coordinates."""
        if self._image is None:
            return QRectF(self.rect())
        if self._scale_mode == ACTUAL:
            return actual_rect(self._image.width(), self._image.height(), self.width(), self.height())
        return fit_rect(self._image.width(), self._image.height(), self.width(), self.height())

    def to_host(self, pos: QPointF, clamp: bool = False) -> tuple[int, int] | None:
        """Host pixel under a widget position; outside the picture None, or its nearest edge with ``clamp``."""
        if self._image is None:
            return None
        rect = self.target_rect()
        if clamp:
            pos = QPointF(min(max(pos.x(), rect.left()), rect.right()), min(max(pos.y(), rect.top()), rect.bottom()))
        elif not rect.contains(pos):
            return None
        x = int((pos.x() - rect.x()) * self._image.width() / rect.width())
        y = int((pos.y() - rect.y()) * self._image.height() / rect.height())
        return min(max(x, 0), self._image.width() - 1), min(max(y, 0), self._image.height() - 1)

    def paintEvent(self, event: QEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(24, 24, 24))
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._scale_mode == FIT)
            painter.drawImage(self.target_rect(), self._image)
            self._paint_blinders(painter)
        painter.end()

    def _paint_blinders(self, painter: QPainter) -> None:
        painter.setPen(QPen(HATCH_COLOUR, 1))
        for rect in self.blinder_rects():
            painter.fillRect(rect, QBrush(HATCH_COLOUR, Qt.BrushStyle.BDiagPattern))
            painter.drawRect(rect)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = self.to_host(event.position(), clamp=bool(self._buttons))
        if point is not None and self._produce(PointerMove(*point)):
            self._pointer = point

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = self.to_host(event.position())
        button = _BUTTONS.get(event.button())
        if point is not None and button is not None and self._produce(PointerButton(*point, button, True)):
            self._pointer = point
            self._buttons.add(button)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        button = _BUTTONS.get(event.button())
        if button not in self._buttons:
            return  # its press was never sent
        self._buttons.discard(button)
        point = self.to_host(event.position(), clamp=True) or self._pointer
        if self._produce(PointerButton(*point, button, False)):
            self._pointer = point

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not (self._input_enabled and self.allow_mouse):
            event.ignore()  # the scroll area around the view scrolls instead
            return
        delta = event.angleDelta()
        total_x, total_y = self._wheel_rest[0] + delta.x(), self._wheel_rest[1] + delta.y()
        steps_x, steps_y = int(total_x / WHEEL_NOTCH), int(total_y / WHEEL_NOTCH)  # towards zero
        self._wheel_rest = (total_x - steps_x * WHEEL_NOTCH, total_y - steps_y * WHEEL_NOTCH)
        if steps_x or steps_y:
            self._produce(Wheel(steps_x, steps_y))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = printable_text(event.text())
        name = keysym_name(event.key(), text)
        if name is None:
            return
        press = KeyInput(name, True, wire_modifiers(event.modifiers()), text)
        if self._produce(press):
            self._keys.setdefault(event.key() or name, press)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.isAutoRepeat():
            return
        text = printable_text(event.text())
        name = keysym_name(event.key(), text)
        press = self._keys.pop(event.key() or name or "", None)
        if press is not None:
            name = press.key  # the host releases only the keysym it pressed
        if name is not None:
            self._produce(KeyInput(name, False, wire_modifiers(event.modifiers()), text))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.release_held()
        super().focusOutEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab goes to the customer, not to our focus chain

    def _produce(self, message: Message) -> bool:
        """Emit ``message`` when input is enabled and the options allow its kind; whether it was."""
        allowed = self.allow_mouse if isinstance(message, _POINTER_INPUT) else self.allow_keys
        if self._input_enabled and allowed:
            self.input_produced.emit(message)
            return True
        return False
