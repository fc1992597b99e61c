"""The agent's half of the clipboard exchange: "Send my clipboard", "Get the customer's clipboard",
and with clipboard_auto_sync both clipboards follow each other.

Rules: the first exchange of a session asks the customer (PermissionRequest "clipboard"; the host's
policy may answer for them); with clipboard_auto_sync it is asked as soon as the session is live.
What arrives from the customer is written to the agent's clipboard, and that change is not sent
back (no echo). Text ("text/plain", UTF-8) or a picture ("image/png"), at most MAX_CLIPBOARD_BYTES.
The host enforces all of this too.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QObject
from PySide6.QtGui import QClipboard, QGuiApplication, QImage

from protocol.messages import ClipboardData, PermissionDecision, ToolRequest, ToolResult

if TYPE_CHECKING:
    from viewer.window import ViewerWindow

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
            buffer = QBuffer()
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buffer, PNG_FORMAT)
            return PNG, bytes(buffer.data().data())
    text = mime.text() if mime.hasText() else ""
    return (TEXT, text.encode("utf-8")) if text else None


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


class ViewerClipboard(QObject):
    """Sends the agent's clipboard and takes the customer's; see the module rules."""

    def __init__(self, window: ViewerWindow) -> None:
        super().__init__(window)
        self._window = window
        self._clipboard = QGuiApplication.clipboard()
        self.granted = False
        self._asking = False
        self._after_grant: list[Callable[[], None]] = []
        self._writing = False
        self._last_key = b""
        self.auto = window.policy.allows("clipboard", "clipboard_auto_sync")
        window.on_message(ClipboardData, self._on_clipboard_data)
        window.on_message(ToolResult, self._on_tool_result)
        self._clipboard.dataChanged.connect(self._on_clipboard_data_changed)
        window.on_finish.append(self.close)

    def session_live(self) -> None:
        """With clipboard_auto_sync, ask the customer at once so both clipboards follow each other."""
        if self.auto:
            self._with_grant(lambda: None)

    def send_mine(self) -> None:
        """Send the agent's clipboard to the customer (asking first when needed)."""
        self._with_grant(self._send_now)

    def get_theirs(self) -> None:
        """Ask for the customer's clipboard (asking first when needed)."""
        self._with_grant(lambda: self._window.session.send(
            ToolRequest(self._window.next_request_id(), "clipboard_get")))

    def _with_grant(self, then: Callable[[], None]) -> None:
        if self.granted:
            then()
            return
        self._after_grant.append(then)
        if not self._asking:
            self._asking = True
            self._window.request_permission("clipboard", "", self._on_decision)
            self._window.show_status(self.tr("Asked the customer to allow the clipboard exchange…"))

    def _on_decision(self, decision: PermissionDecision) -> None:
        self._asking = False
        waiting, self._after_grant = self._after_grant, []
        if not decision.granted:
            self._window.show_status(self.tr("The clipboard is not exchanged: {reason}").format(
                reason=decision.reason))
            return
        self.granted = True
        for then in waiting:
            then()

    def _send_now(self) -> None:
        content = read_clipboard(self._clipboard)
        if content is None:
            self._window.show_status(self.tr("Your clipboard holds no text or picture to send."))
        elif len(content[1]) > MAX_CLIPBOARD_BYTES:
            self._window.show_status(self.tr("Your clipboard holds more than 10 MB; Ferry sends at most 10 MB."))
        else:
            self._send(*content)
            self._window.show_status(self.tr("Your clipboard was sent to the customer."))

    def _send(self, mime: str, data: bytes) -> None:
        self._window.session.send(ClipboardData(mime, data))
        self._last_key = content_key(mime, data)

    def _on_clipboard_data(self, message: ClipboardData) -> None:
        if not self._window.policy.allows("clipboard"):
            return
        if len(message.data) > MAX_CLIPBOARD_BYTES:
            self._window.show_status(self.tr("The customer's clipboard holds more than 10 MB; it was not taken."))
            return
        self._writing = True
        try:
            written = write_clipboard(self._clipboard, message.mime, message.data)
        finally:
            self._writing = False
        if written:
            self._last_key = content_key(message.mime, message.data)
            self._window.show_status(self.tr("The customer's clipboard is now on your clipboard."))

    def _on_tool_result(self, result: ToolResult) -> None:
        if result.tool in ("clipboard", "clipboard_get") and not result.ok:
            self._window.show_status(self.tr("Clipboard: {reason}").format(reason=result.body))

    def _on_clipboard_data_changed(self) -> None:
        if self._writing or not self.auto or not self.granted or not self._window.live:
            return
        content = read_clipboard(self._clipboard)
        if content is None or len(content[1]) > MAX_CLIPBOARD_BYTES:
            return
        if content_key(*content) != self._last_key:
            self._send(*content)

    def close(self) -> None:
        self.auto = False
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            self._clipboard.dataChanged.disconnect(self._on_clipboard_data_changed)
