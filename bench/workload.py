"""A desktop-like workload for the pipeline benchmark, run on the host's display.

At 30 fps it types a character, scrolls a page of text by a few pixels, drags a
window across the screen, and stamps a frame counter into the top-left corner
(bench/stamp.py), recording when each counter became visible. Commands on stdin:
``busy`` starts the animation, ``static`` stops it, ``quit`` writes the log (JSON
{"frames": [[counter, t_visible_ns], ...]}) to the path given as argv[1] and exits.
"""

from __future__ import annotations

import json
import sys
import threading
import time

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

from bench.stamp import CELL, bits_of

LOREM = ("Ferry moves pixels from the customer to the agent; every frame carries a counter so the "
         "benchmark can tell when it became visible and when the viewer decoded it. ")


class Workload(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.counter = 0
        self.visible_ns: list[tuple[int, int]] = []
        self.typed = ""
        self.scroll_y = 0
        self.drag_x = 0
        self.font_ = QFont("DejaVu Sans", 13)
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.step)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def step(self) -> None:
        self.counter += 1
        self.typed = (self.typed + LOREM[self.counter % len(LOREM)])[-400:]
        self.scroll_y = (self.scroll_y + 3) % 2000
        self.drag_x = (self.drag_x + 12) % 1300
        self.repaint()
        self.visible_ns.append((self.counter, time.monotonic_ns()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(236, 239, 244))
        painter.setFont(self.font_)
        self._paint_page(painter)
        self._paint_editor(painter)
        self._paint_dragged_window(painter)
        self._paint_stamp(painter)
        painter.end()

    def _paint_page(self, painter: QPainter) -> None:
        painter.fillRect(QRect(40, 60, 900, 900), QColor("white"))
        painter.setPen(QColor(30, 30, 30))
        first = self.scroll_y // 22
        offset = self.scroll_y % 22
        for row in range(42):
            line = (first + row) * 7
            text = f"{first + row:5d}  " + (LOREM * 2)[line % len(LOREM):][:90]
            painter.drawText(52, 82 + row * 22 - offset, text)

    def _paint_editor(self, painter: QPainter) -> None:
        painter.fillRect(QRect(980, 60, 900, 300), QColor("white"))
        painter.setPen(QColor(10, 10, 80))
        for row in range(0, len(self.typed), 80):
            painter.drawText(992, 86 + (row // 80) * 24, self.typed[row:row + 80])

    def _paint_dragged_window(self, painter: QPainter) -> None:
        box = QRect(400 + self.drag_x // 2, 420 + (self.drag_x % 300), 420, 280)
        painter.fillRect(box, QColor(250, 250, 250))
        painter.fillRect(QRect(box.x(), box.y(), box.width(), 30), QColor(60, 90, 160))
        painter.setPen(QColor("white"))
        painter.drawText(box.x() + 10, box.y() + 20, "Dragged window")
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(box.x() + 10, box.y() + 60, f"frame {self.counter}")

    def _paint_stamp(self, painter: QPainter) -> None:
        for index, bit in enumerate(bits_of(self.counter)):
            colour = QColor("white") if bit else QColor("black")
            painter.fillRect(QRect(index * CELL, 0, CELL, CELL), colour)


class Commands(QObject):
    command = Signal(str)


def main() -> int:
    app = QApplication(sys.argv[:1])
    log_path = sys.argv[1]
    window = Workload()
    window.setGeometry(0, 0, 1920, 1080)
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    window.show()
    commands = Commands()

    def on_command(name: str) -> None:
        if name == "busy":
            window.timer.start(33)
        elif name == "static":
            window.timer.stop()
        elif name == "quit":
            with open(log_path, "w", encoding="utf-8") as out:
                json.dump({"frames": window.visible_ns}, out)
            app.quit()

    commands.command.connect(on_command, Qt.ConnectionType.QueuedConnection)

    def read() -> None:
        for line in sys.stdin:
            commands.command.emit(line.strip())
        commands.command.emit("quit")

    threading.Thread(target=read, daemon=True).start()
    QTimer.singleShot(300, lambda: print(json.dumps({"event": "ready"}), flush=True))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
