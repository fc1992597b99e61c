"""The customer's half of the clipboard exchange.

Rules: nothing of the customer's clipboard leaves, and nothing is written to it, unless the policy
offers the clipboard and the customer (or the policy) granted a "clipboard" PermissionRequest in
this session — whatever the viewer sends. Contents are text ("text/plain", UTF-8) or a picture
("image/png"), at most MAX_CLIPBOARD_BYTES. With clipboard_auto_sync the customer's clipboard goes
to the agent whenever it changes, except a change this module made itself (what the agent just
sent), so the two clipboards never echo each other. The clipboard is touched on the GUI thread only.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication

from protocol.messages import ClipboardData, ToolRequest, ToolResult
from ui.clipboard import MAX_CLIPBOARD_BYTES, ClipboardExchange, read_clipboard

if TYPE_CHECKING:
    from host_module.app import HostApp

log = logging.getLogger(__name__)
TOO_BIG = "the clipboard holds more than 10 MB, which is more than Ferry exchanges"


@dataclasses.dataclass(frozen=True, slots=True)
class ClipboardArrived:
    """The agent's clipboard content, to be written to the customer's clipboard (GUI thread)."""

    mime: str
    data: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class ClipboardWanted:
    """The agent asked for the customer's clipboard (ToolRequest ``request_id``)."""

    request_id: int


class HostClipboard:
    """Writes the agent's clipboard here and sends the customer's there, when granted."""

    def __init__(self, app: HostApp) -> None:
        self._app = app
        self._clipboard = QGuiApplication.clipboard()
        self._exchange = ClipboardExchange(self._clipboard)
        self.received = 0
        self.sent = 0
        app.session.add_handler(ClipboardData, self._on_clipboard_data)
        app.on_gui(ClipboardArrived, self._on_arrived)
        app.on_gui(ClipboardWanted, self._on_wanted)
        self._clipboard.dataChanged.connect(self._on_clipboard_data_changed)
        app.on_finish.append(self.close)

    def refusal(self) -> str | None:
        """Why the clipboard may not be exchanged now; None when it may."""
        if not self._app.policy.clipboard:
            return "the policy of this session does not allow the clipboard"
        if "clipboard" not in self._app.session.granted_kinds:
            return "the customer has not agreed to exchange the clipboard"
        return None

    def _on_clipboard_data(self, message: object) -> None:  # network thread
        assert isinstance(message, ClipboardData)
        why = self.refusal() or (TOO_BIG if len(message.data) > MAX_CLIPBOARD_BYTES else None)
        if why is not None:
            self._app.session.send(ToolResult(0, "clipboard", False, why))
            return
        self._app.bridge.post(ClipboardArrived(message.mime, message.data))

    def on_get(self, request: ToolRequest) -> None:  # network thread
        """A ToolRequest "clipboard_get": the customer's clipboard goes back, or why it does not."""
        why = self.refusal()
        if why is not None:
            self._app.session.send(ToolResult(request.request_id, request.tool, False, why))
            return
        self._app.bridge.post(ClipboardWanted(request.request_id))

    def _on_arrived(self, event: object) -> None:
        assert isinstance(event, ClipboardArrived)
        if self.refusal() is not None:
            return  # the grant went away meanwhile
        if self._exchange.write(event.mime, event.data):
            self.received += 1
        else:
            self._app.session.send(ToolResult(0, "clipboard", False, f"the clipboard content ({event.mime[:40]}) "
                                                                      "is neither text nor a PNG picture"))

    def _on_wanted(self, event: object) -> None:
        assert isinstance(event, ClipboardWanted)
        content = read_clipboard(self._clipboard)
        if content is None:
            self._app.session.send(ToolResult(event.request_id, "clipboard_get", False,
                                              "the customer's clipboard holds no text or picture"))
            return
        if len(content[1]) > MAX_CLIPBOARD_BYTES:
            self._app.session.send(ToolResult(event.request_id, "clipboard_get", False, TOO_BIG))
            return
        self._send(*content)
        self._app.session.send(ToolResult(event.request_id, "clipboard_get", True, content[0]))

    def _on_clipboard_data_changed(self) -> None:
        if not self._app.policy.clipboard_auto_sync or self.refusal() is not None:
            return
        content = self._exchange.new_content()
        if content is not None:
            self._send(*content)

    def _send(self, mime: str, data: bytes) -> None:
        if self._app.session.send(ClipboardData(mime, data)):
            self._exchange.sent(mime, data)
            self.sent += 1

    def close(self) -> None:
        try:
            self._clipboard.dataChanged.disconnect(self._on_clipboard_data_changed)
        except (RuntimeError, TypeError):  # already disconnected
            log.debug("the clipboard watch was already disconnected")
