"""The sample application the demo's "customer desktop" runs.

A plain PySide6 window filling its screen: a title, a line edit, a button counting clicks and
a label. It prints one JSON line to stdout per change so a script can check what remote input did:

    {"event": "ready", "widget": "line_edit", "x": …, "y": …, "w": …, "h": …}
    {"event": "ready", "widget": "button", "x": …, "y": …, "w": …, "h": …}
    {"event": "text", "text": "hello"}
    {"event": "clicked", "count": 1}

The two "ready" lines give global screen coordinates (pixels) once the window is exposed;
they are printed again if the window later moves or changes size (a window manager may do that).

Run: ``python tools/sample_app.py`` (DISPLAY selects the screen).
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

TITLE = "Ferry sample application"


def emit(event: str, **fields: object) -> None:
    """One JSON line on stdout, flushed."""
    print(json.dumps({"event": event, **fields}, ensure_ascii=False), flush=True)


def global_rect(widget: QWidget) -> QRect:
    """The widget's rectangle in global screen coordinates."""
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


class SampleWindow(QWidget):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(TITLE)
        self.count = 0
        big = QFont(self.font())
        big.setPointSize(20)
        self.title_label = QLabel(TITLE, self)
        title_font = QFont(big)
        title_font.setPointSize(28)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.line_edit = QLineEdit(self)
        self.line_edit.setFont(big)
        self.line_edit.setPlaceholderText("Type here")
        self.line_edit.setMinimumHeight(60)
        self.button = QPushButton("Click me", self)
        self.button.setFont(big)
        self.button.setMinimumHeight(80)
        self.status_label = QLabel("Clicked 0 times", self)
        self.status_label.setFont(big)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 60, 80, 60)
        layout.setSpacing(30)
        layout.addWidget(self.title_label)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.button)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self.line_edit.textChanged.connect(self._on_line_edit_text_changed)
        self.button.clicked.connect(self._on_button_clicked)
        self._report_timer = QTimer(self)
        self._report_timer.setSingleShot(True)
        self._report_timer.setInterval(100)
        self._report_timer.timeout.connect(self._report_geometry)

    def _on_line_edit_text_changed(self, text: str) -> None:
        self.status_label.setText(f"Text: {text}")
        emit("text", text=text)

    def _on_button_clicked(self) -> None:
        self.count += 1
        self.status_label.setText(f"Clicked {self.count} times")
        emit("clicked", count=self.count)

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Show, QEvent.Type.Move, QEvent.Type.Resize):
            self._report_timer.start()  # settle first: report once the geometry stops changing
        return super().event(event)

    def _report_geometry(self) -> None:
        handle = self.windowHandle()
        if handle is None or not handle.isExposed():
            self._report_timer.start()
            return
        for name, widget in (("line_edit", self.line_edit), ("button", self.button)):
            rect = global_rect(widget)
            emit("ready", widget=name, x=rect.x(), y=rect.y(), w=rect.width(), h=rect.height())


def main() -> int:
    """Show the window on the primary screen and run until killed or closed."""
    app = QApplication(sys.argv[:1])
    app.setApplicationName(TITLE)
    window = SampleWindow()
    screen = app.primaryScreen().availableGeometry()
    window.setGeometry(screen)
    window.setWindowState(Qt.WindowState.WindowMaximized)
    window.show()
    window.activateWindow()
    window.line_edit.setFocus()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
