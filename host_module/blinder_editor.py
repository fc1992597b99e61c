"""The customer's blinders on screen: the editor where they are drawn, and the outlines shown meanwhile.

Rules:
- The BlinderSet (capture/) is the model; the pump blacks it out of every frame whatever this
  module shows. These widgets only change the set and draw on the customer's own screen.
- The editor covers the shared monitor with a still picture of it, taken just before it opens (so it
  works with or without a compositing window manager); the customer drags rectangles on it, picks
  windows to hide, removes blinders, and closes it with Done (or Esc).
- The outlines overlay takes no input (clicks go through) and consists only of thin frames drawn
  *inside* each blinded area (a window mask): what it draws is blacked out of the frames anyway.
- Coordinates: the BlinderSet is in screen pixels of the shared monitor; widgets are in Qt's
  logical pixels: ``ScreenArea`` converts.
- BlinderController applies the policy: ``blinder`` off — no editor at all; ``blinder_autorun`` —
  the editor opens by itself when sharing starts (once).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Protocol

from PySide6.QtCore import QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap, QRegion
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from capture.blinders import Blinder, BlinderSet, Rect
from capture.windows import WindowInfo

OUTLINE = QColor(255, 170, 0)
OUTLINE_WIDTH = 3
MIN_DRAG = 8  # logical pixels: smaller drags are clicks, not rectangles
OUTLINE_REFRESH_MS = 100
OVERLAY_FLAGS = (Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool
                 | Qt.WindowType.X11BypassWindowManagerHint)


class WindowLister(Protocol):
    """Lists the top-level windows the customer may hide (capture.windows.X11Windows)."""

    def windows(self, exclude_pid: int = 0) -> list[WindowInfo]: ...


@dataclasses.dataclass(frozen=True)
class ScreenArea:
    """The shared monitor: its place in screen pixels and Qt's device pixel ratio."""

    left: int
    top: int
    width: int
    height: int
    ratio: float = 1.0

    @classmethod
    def primary(cls) -> ScreenArea:
        """The primary screen as Qt sees it (the pump's monitor 1 on a usual desktop)."""
        screen = QGuiApplication.primaryScreen()
        geometry, ratio = screen.geometry(), screen.devicePixelRatio()
        return cls(round(geometry.x() * ratio), round(geometry.y() * ratio), round(geometry.width() * ratio),
                   round(geometry.height() * ratio), ratio)

    def logical(self) -> QRect:
        """The monitor in Qt's global logical coordinates."""
        r = self.ratio
        return QRect(round(self.left / r), round(self.top / r), round(self.width / r), round(self.height / r))

    def to_screen(self, local: QRect) -> Rect:
        """A rectangle of a widget covering the monitor, in screen pixels."""
        r = self.ratio
        return (self.left + round(local.x() * r), self.top + round(local.y() * r), round(local.width() * r),
                round(local.height() * r))

    def to_local(self, rect: Rect) -> QRect:
        """A screen rectangle in the coordinates of a widget covering the monitor."""
        x, y, width, height = rect
        r = self.ratio
        return QRect(round((x - self.left) / r), round((y - self.top) / r), round(width / r), round(height / r))


class BlinderOutlines(QWidget):
    """Thin frames inside every blinded area, on top, click-through (see the module rules)."""

    def __init__(self, blinders: BlinderSet, area: ScreenArea) -> None:
        super().__init__(None, OVERLAY_FLAGS | Qt.WindowType.WindowTransparentForInput)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setWindowTitle(self.tr("Hidden areas"))
        self._blinders = blinders
        self._rects: list[QRect] = []
        self._active = False
        self.set_area(area)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)

    @property
    def rects(self) -> list[QRect]:
        return list(self._rects)

    @property
    def active(self) -> bool:
        """Whether the outlines are on (sharing)."""
        return self._active

    def set_area(self, area: ScreenArea) -> None:
        self._area = area
        self.setGeometry(area.logical())

    def start(self) -> None:
        """Show the outlines and keep them on the blinders (windows move)."""
        self._active = True
        self._timer.start(OUTLINE_REFRESH_MS)
        self.refresh()

    def stop(self) -> None:
        self._active = False
        self._timer.stop()
        self.hide()

    def refresh(self) -> None:
        """Follow the blinders now; hidden when there is none."""
        rects = [self._area.to_local(rect) for rect in self._blinders.regions()]
        if rects == self._rects and self.isVisible() == bool(rects and self._active):
            return
        self._rects = rects
        if not rects or not self._active:
            self.hide()
            return
        self.setMask(_rings(rects))
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), OUTLINE)  # the mask leaves only the rings
        painter.end()


def _rings(rects: list[QRect]) -> QRegion:
    """Frames OUTLINE_WIDTH wide just inside each rectangle."""
    region = QRegion()
    for rect in rects:
        inner = rect.adjusted(OUTLINE_WIDTH, OUTLINE_WIDTH, -OUTLINE_WIDTH, -OUTLINE_WIDTH)
        ring = QRegion(rect)
        region = region.united(ring.subtracted(QRegion(inner)) if inner.isValid() else ring)
    return region


class BlinderEditor(QWidget):
    """The full-screen editor: drag to hide an area, pick a window, remove, Done."""

    finished = Signal()

    def __init__(self, blinders: BlinderSet, area: ScreenArea, windows: WindowLister | None = None) -> None:
        super().__init__(None, OVERLAY_FLAGS)
        self.setWindowTitle(self.tr("Hide parts of your screen"))
        self._blinders = blinders
        self._area = area
        self._windows = windows
        self._backdrop = QPixmap()
        self._drag_from: QPoint | None = None
        self._drag_to = QPoint()
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.panel = self._build_panel()

    def _build_panel(self) -> QFrame:
        panel = QFrame(self)
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setAutoFillBackground(True)
        panel.setCursor(Qt.CursorShape.ArrowCursor)
        hint = QLabel(self.tr("Drag over any area the agent must not see, or pick a window to hide. "
                              "Hidden areas are black for the agent."))
        hint.setWordWrap(True)
        self.window_box = QComboBox()
        self.hide_window_button = QPushButton(self.tr("Hide this window"))
        self.hide_window_button.clicked.connect(self._on_hide_window_clicked)
        self.list = QListWidget()
        self.remove_button = QPushButton(self.tr("Show again"))
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.done_button = QPushButton(self.tr("Done"))
        self.done_button.clicked.connect(self.done)
        picker = QHBoxLayout()
        picker.addWidget(self.window_box, 1)
        picker.addWidget(self.hide_window_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        column = QVBoxLayout(panel)
        for widget in (QLabel(f"<b>{self.tr('Hide parts of your screen')}</b>"), hint):
            column.addWidget(widget)
        column.addLayout(picker)
        column.addWidget(self.list, 1)
        column.addLayout(buttons)
        panel.setFixedWidth(460)
        panel.setMaximumHeight(360)
        return panel

    def set_area(self, area: ScreenArea) -> None:
        """The monitor being shared (takes effect at the next ``open``)."""
        self._area = area

    def open(self) -> None:
        """Take a still picture of the monitor, then cover it with the editor."""
        self._backdrop = _grab(self._area)
        self.setGeometry(self._area.logical())
        self.panel.adjustSize()
        self.panel.move((self.width() - self.panel.width()) // 2, 24)
        self.reload()
        self.show()
        self.raise_()
        self.activateWindow()
        self.setFocus()

    def reload(self) -> None:
        """Fill the window picker and the list of blinders again."""
        self.window_box.clear()
        shown = self._windows.windows(exclude_pid=os.getpid()) if self._windows is not None else []
        for info in shown:
            self.window_box.addItem(info.title, info.window_id)
        self.window_box.setEnabled(bool(shown))
        self.hide_window_button.setEnabled(bool(shown) and self._blinders.follows_windows)
        self.list.clear()
        for blinder in self._blinders.blinders():
            item = QListWidgetItem(self._describe(blinder))
            item.setData(Qt.ItemDataRole.UserRole, blinder.blinder_id)
            self.list.addItem(item)
        self.remove_button.setEnabled(self.list.count() > 0)
        self.update()

    def _describe(self, blinder: Blinder) -> str:
        if blinder.rect is not None:
            x, y, width, height = blinder.rect
            return self.tr("Area {width}×{height} at {x}, {y}").format(width=width, height=height, x=x, y=y)
        return self.tr("Window: {title}").format(title=blinder.title or blinder.window_id)

    def hide_window(self, window_id: int, title: str) -> bool:
        """Hide a window wherever it goes; False when it is gone or cannot be followed."""
        added = self._blinders.add_window(window_id, title) is not None
        self.reload()
        return added

    def done(self) -> None:
        self.hide()
        self.finished.emit()

    def _on_hide_window_clicked(self) -> None:
        if self.window_box.currentIndex() >= 0:
            self.hide_window(int(self.window_box.currentData()), self.window_box.currentText())

    def _on_remove_clicked(self) -> None:
        item = self.list.currentItem() or self.list.item(self.list.count() - 1)
        if item is not None:
            self._blinders.remove(int(item.data(Qt.ItemDataRole.UserRole)))
        self.reload()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = self._drag_to = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            self._drag_to = event.position().toPoint()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is None or event.button() != Qt.MouseButton.LeftButton:
            return
        rect = _span(self._drag_from, event.position().toPoint())
        self._drag_from = None
        if rect.width() >= MIN_DRAG and rect.height() >= MIN_DRAG:
            self._blinders.add_rect(self._area.to_screen(rect))
        self.reload()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.done()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._backdrop.isNull():
            painter.fillRect(self.rect(), QColor(60, 60, 60))
        else:
            painter.drawPixmap(self.rect(), self._backdrop)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 90))
        painter.setPen(QPen(OUTLINE, OUTLINE_WIDTH))
        for rect in self._blinders.regions():
            local = self._area.to_local(rect)
            painter.fillRect(local, QColor(0, 0, 0))
            painter.drawRect(local.adjusted(1, 1, -2, -2))
        if self._drag_from is not None:
            painter.setPen(QPen(OUTLINE, 1, Qt.PenStyle.DashLine))
            painter.drawRect(_span(self._drag_from, self._drag_to))
        painter.end()


def _span(start: QPoint, end: QPoint) -> QRect:
    """The rectangle dragged from ``start`` to ``end`` (the end point itself is outside it)."""
    return QRect(min(start.x(), end.x()), min(start.y(), end.y()), abs(end.x() - start.x()),
                 abs(end.y() - start.y()))


def _grab(area: ScreenArea) -> QPixmap:
    screen = QGuiApplication.primaryScreen()
    logical = area.logical()
    return screen.grabWindow(0, logical.x(), logical.y(), logical.width(), logical.height())


class BlinderController(QObject):
    """Blinders for one session, per policy: the editor on demand or at start, outlines while sharing."""

    editing_changed = Signal(bool)

    def __init__(self, blinders: BlinderSet, policy: Mapping[str, object], windows: WindowLister | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blinders = blinders
        self.available = bool(policy.get("blinder", True))
        self.autorun = self.available and bool(policy.get("blinder_autorun", False))
        self._area = ScreenArea.primary()
        self._windows = windows
        self._autoran = False
        self.editor: BlinderEditor | None = None
        self.outlines = BlinderOutlines(blinders, self._area)

    def set_monitor(self, left: int, top: int, width: int, height: int) -> None:
        """The monitor being shared, in screen pixels (the pump's Monitor)."""
        self._area = dataclasses.replace(self._area, left=left, top=top, width=width, height=height)
        self.outlines.set_area(self._area)

    def sharing_started(self) -> None:
        """Sharing began: show the outlines, and open the editor once when blinder_autorun applies."""
        if not self.available:
            return
        self.outlines.start()
        if self.autorun and not self._autoran:
            self._autoran = True
            self.open_editor()

    def open_editor(self) -> bool:
        """Open the editor (the notice window's Blinders button, the agent's menu); False when not allowed."""
        if not self.available:
            return False
        if self.editor is not None and self.editor.isVisible():
            self.editor.raise_()
            self.editor.activateWindow()
            return True
        if self.editor is None:
            self.editor = BlinderEditor(self.blinders, self._area, self._windows)
            self.editor.finished.connect(self._on_editor_finished)
        self.editor.set_area(self._area)
        self.editor.open()
        self.editing_changed.emit(True)
        return True

    def close(self) -> None:
        """The session is over: take every blinder widget off the screen."""
        self.outlines.stop()
        if self.editor is not None and self.editor.isVisible():
            self.editor.done()

    def _on_editor_finished(self) -> None:
        self.editing_changed.emit(False)
        if self.outlines.active:
            self.outlines.refresh()
