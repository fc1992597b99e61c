"""The clipboard contents Ferry exchanges, as (mime, bytes): text ("text/plain", UTF-8) or a picture
("image/png"), at most MAX_CLIPBOARD_BYTES. Shared by the customer's and the agent's side; GUI thread only."""

from __future__ import annotations

import hashlib
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData
from PySide6.QtGui import QClipboard, QImage

TEXT, PNG = "text/plain", "image/png"
MAX_CLIPBOARD_BYTES = 10 * 1024 * 1024
PNG_FORMAT: Any = "PNG"  # PySide6 wants str here at run time; its stubs say bytes


def read_clipboard(clipboard: QClipboard) -> tuple[str, bytes] | None:
    """The clipboard as (mime, bytes): a picture as PNG, else text; None when it holds neither."""
    mime = clipboard.mimeData()
    if mime is None:
        return None
    if mime.hasImage():
        image = clipboard.image()
        if not image.isNull():
            return PNG, png_bytes(image)
    text = mime.text() if mime.hasText() else ""
    return (TEXT, text.encode("utf-8")) if text else None


def png_bytes(image: QImage) -> bytes:
    """``image`` as a PNG file's bytes."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, PNG_FORMAT)
    return bytes(buffer.data().data())


def content_key(mime: str, data: bytes) -> bytes:
    """What the content is, independent of how a PNG was compressed (for telling echoes apart)."""
    if mime == PNG:
        image = QImage.fromData(QByteArray(data), PNG_FORMAT).convertToFormat(QImage.Format.Format_ARGB32)
        data = f"{image.width()}x{image.height()}".encode() + bytes(image.constBits())
    return hashlib.sha256(mime.encode() + b"\0" + data).digest()


def write_clipboard(clipboard: QClipboard, mime: str, data: bytes) -> bool:
    """Put ``data`` on the clipboard; False when it is neither UTF-8 text nor a PNG picture."""
    content = QMimeData()
    if mime == PNG:
        image = QImage.fromData(QByteArray(data), PNG_FORMAT)
        if image.isNull():
            return False
        content.setImageData(image)
    elif mime == TEXT:
        try:
            content.setText(data.decode("utf-8"))
        except UnicodeDecodeError:
            return False
    else:
        return False
    clipboard.setMimeData(content)
    return True


class ClipboardExchange:
    """One side's clipboard in the exchange: what it writes there is not taken for a change of the user's own,
    and content already exchanged (either way) is not offered again, so the two clipboards never echo."""

    def __init__(self, clipboard: QClipboard) -> None:
        self.clipboard = clipboard
        self.writing = False  # True while this side writes what the other side sent
        self._last_key = b""  # the content last exchanged, either way

    def write(self, mime: str, data: bytes) -> bool:
        """Put what the other side sent on the clipboard; False when it is neither UTF-8 text nor a PNG."""
        self.writing = True
        try:
            written = write_clipboard(self.clipboard, mime, data)
        finally:
            self.writing = False
        if written:
            self._last_key = content_key(mime, data)
        return written

    def sent(self, mime: str, data: bytes) -> None:
        """``data`` went to the other side: it is not offered again."""
        self._last_key = content_key(mime, data)

    def new_content(self) -> tuple[str, bytes] | None:
        """The clipboard's content when it is the user's own change, not yet exchanged and small enough."""
        if self.writing:
            return None
        content = read_clipboard(self.clipboard)
        if content is None or len(content[1]) > MAX_CLIPBOARD_BYTES or content_key(*content) == self._last_key:
            return None
        return content
