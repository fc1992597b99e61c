"""A customer-side test window: a colour panel the test sets, a line edit and a button.

Run on the customer's display. Reads commands on stdin, one per line:
``color R G B`` paints the panel; ``label TEXT`` writes TEXT large on it; ``quit`` exits. Prints JSON lines on stdout:
``ready`` (global geometry of the panel, the edit and the button), ``text`` (the
edit's text after every change), ``clicked`` (with a count), ``pressed`` (any
mouse press on the window, with global position).
"""

from __future__ import annotations

import json
import sys
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget


def emit(record: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


class Commands(QObject):
    color = Signal(int, int, int)
    label = Signal(str)
    quit = Signal()


def geometry(widget: QWidget) -> dict[str, int]:
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return {"x": top_left.x(), "y": top_left.y(), "w": widget.width(), "h": widget.height()}


class ProbeWindow(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Ferry probe window")
        self.panel = QWidget()
        self.panel.setAutoFillBackground(True)
        self.panel.setMinimumHeight(600)
        self.label = QLabel("", self.panel)
        self.label.setStyleSheet("font-size: 48px; color: white")
        self.label.setGeometry(20, 20, 1100, 120)
        self.edit = QLineEdit()
        self.button = QPushButton("Press me")
        self.clicks = 0
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        self.edit.textChanged.connect(lambda text: emit({"event": "text", "text": text}))
        self.button.clicked.connect(self._on_button_clicked)
        self.set_color(40, 40, 40)

    def set_color(self, r: int, g: int, b: int) -> None:
        palette = self.panel.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(r, g, b))
        self.panel.setPalette(palette)
        self.panel.update()

    def _on_button_clicked(self) -> None:
        self.clicks += 1
        emit({"event": "clicked", "count": self.clicks})

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.globalPosition().toPoint()
        emit({"event": "pressed", "x": pos.x(), "y": pos.y()})

    def report_ready(self) -> None:
        emit({"event": "ready", "panel": geometry(self.panel), "edit": geometry(self.edit),
              "button": geometry(self.button)})


def read_stdin(commands: Commands) -> None:
    for line in sys.stdin:
        parts = line.split()
        if parts[:1] == ["color"] and len(parts) == 4:
            commands.color.emit(int(parts[1]), int(parts[2]), int(parts[3]))
        elif parts[:1] == ["label"]:
            commands.label.emit(line.split(" ", 1)[1].strip())
        elif parts[:1] == ["quit"]:
            break
    commands.quit.emit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = ProbeWindow()
    commands = Commands()
    commands.color.connect(window.set_color, Qt.ConnectionType.QueuedConnection)
    commands.label.connect(window.label.setText, Qt.ConnectionType.QueuedConnection)
    commands.quit.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    window.setGeometry(0, 0, 1200, 800)
    window.show()
    QTimer.singleShot(500, window.report_ready)
    threading.Thread(target=read_stdin, args=(commands,), daemon=True).start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
