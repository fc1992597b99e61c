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
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from protocol.messages import ClipboardData, PermissionDecision, ToolRequest, ToolResult
from ui.clipboard import MAX_CLIPBOARD_BYTES, ClipboardExchange, read_clipboard

if TYPE_CHECKING:
    from viewer.window import ViewerWindow


class ViewerClipboard(QObject):
    """Sends the agent's clipboard and takes the customer's; see the module rules."""

    def __init__(self, window: ViewerWindow) -> None:
        super().__init__(window)
        self._window = window
        self._clipboard = QGuiApplication.clipboard()
        self.granted = False
        self._asking = False
        self._after_grant: list[Callable[[], None]] = []
        self._exchange = ClipboardExchange(self._clipboard)
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
        self._exchange.sent(mime, data)

    def _on_clipboard_data(self, message: ClipboardData) -> None:
        if not self._window.policy.allows("clipboard"):
            return
        if len(message.data) > MAX_CLIPBOARD_BYTES:
            self._window.show_status(self.tr("The customer's clipboard holds more than 10 MB; it was not taken."))
            return
        if self._exchange.write(message.mime, message.data):
            self._window.show_status(self.tr("The customer's clipboard is now on your clipboard."))

    def _on_tool_result(self, result: ToolResult) -> None:
        if result.tool in ("clipboard", "clipboard_get") and not result.ok:
            self._window.show_status(self.tr("Clipboard: {reason}").format(reason=result.body))

    def _on_clipboard_data_changed(self) -> None:
        if not self.auto or not self.granted or not self._window.live:
            return
        content = self._exchange.new_content()
        if content is not None:
            self._send(*content)

    def close(self) -> None:
        self.auto = False
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            self._clipboard.dataChanged.disconnect(self._on_clipboard_data_changed)
