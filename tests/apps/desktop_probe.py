"""A customer-side probe: reads and sets the customer's clipboard, and reports the keys it receives.

Run on the customer's display (its own process, so its clipboard is the customer's, not the test's).
Commands on stdin, one per line: ``set_text TEXT``, ``set_image W H R G B`` (a one-colour picture),
``get`` (report the clipboard), ``quit``. Prints JSON lines: ``ready``, ``clipboard`` (``text``, or
``image`` as [w, h, r, g, b] of its centre pixel, or neither), ``key`` (Qt key name and modifiers of
every key press its focused window gets).
"""

from __future__ import annotations

import json
import sys
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def emit(record: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


class Commands(QObject):
    command = Signal(str)


class KeyWindow(QWidget):
    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers()
        names = [name for name, flag in (("ctrl", Qt.KeyboardModifier.ControlModifier),
                                          ("alt", Qt.KeyboardModifier.AltModifier),
                                          ("shift", Qt.KeyboardModifier.ShiftModifier)) if mods & flag]
        emit({"event": "key", "key": Qt.Key(event.key()).name, "modifiers": names})


def report_clipboard() -> None:
    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData()
    record: dict[str, object] = {"event": "clipboard"}
    if mime is not None and mime.hasImage():
        image = clipboard.image()
        colour = image.pixelColor(image.width() // 2, image.height() // 2)
        record["image"] = [image.width(), image.height(), colour.red(), colour.green(), colour.blue()]
    elif mime is not None and mime.hasText():
        record["text"] = mime.text()
    emit(record)


def run(line: str) -> None:
    name, _, rest = line.rstrip("\n").partition(" ")
    clipboard = QGuiApplication.clipboard()
    if name == "set_text":
        clipboard.setText(rest)
        emit({"event": "set"})
    elif name == "set_image":
        w, h, r, g, b = (int(v) for v in rest.split())
        image = QImage(w, h, QImage.Format.Format_RGB32)
        image.fill(QColor(r, g, b))
        clipboard.setImage(image)
        emit({"event": "set"})
    elif name == "get":
        report_clipboard()
    elif name == "quit":
        QApplication.quit()


def read_stdin(commands: Commands) -> None:
    for line in sys.stdin:
        commands.command.emit(line)
    commands.command.emit("quit")


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = KeyWindow()
    window.setWindowTitle("Ferry desktop probe")
    window.setGeometry(0, 0, 600, 400)
    window.show()
    window.activateWindow()
    commands = Commands()
    commands.command.connect(run, Qt.ConnectionType.QueuedConnection)
    threading.Thread(target=read_stdin, args=(commands,), daemon=True).start()
    QTimer.singleShot(300, lambda: emit({"event": "ready"}))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
