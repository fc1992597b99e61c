"""The agent's one-shot actions on the customer's computer: clipboard, web address, Ctrl+Alt+Del,
system information and the process list.

Rules: each action is on the toolbar only when the agent's options allow it (clipboard, send_url,
send_ctrl_alt_del, system_info, process_info) and only while the session is live. Whatever needs the
customer's consent asks through a PermissionRequest first (clipboard, url_open, system_info,
process_end); the host decides and enforces, and each answer or refusal is shown in the status bar
or the dialog. Results come back as ToolResult and are shown here; nothing blocks the GUI thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from protocol.messages import PermissionDecision, ToolRequest, ToolResult
from viewer.tools.actions_clipboard import ViewerClipboard
from viewer.tools.actions_dialogs import ProcessDialog, SystemInfoDialog, UrlDialog

if TYPE_CHECKING:
    from viewer.window import ViewerWindow


def install(window: ViewerWindow) -> ViewerActions:
    return ViewerActions(window)


class ViewerActions(QObject):
    """The actions, their dialogs and the answers from the host; see the module rules."""

    def __init__(self, window: ViewerWindow) -> None:
        super().__init__(window)
        self._window = window
        self.clipboard = ViewerClipboard(window)
        self.system_info_granted = False
        self.url_dialog: UrlDialog | None = None
        self.info_dialog: SystemInfoDialog | None = None
        self.process_dialog: ProcessDialog | None = None
        self.send_clipboard_action = self._action(self.tr("Send my clipboard"), self.clipboard.send_mine, "clipboard")
        self.get_clipboard_action = self._action(self.tr("Get the customer's clipboard"), self.clipboard.get_theirs,
                                                 "clipboard")
        self.url_action = self._action(self.tr("Open a web page…"), self.ask_url, "send_url")
        self.ctrl_alt_del_action = self._action(self.tr("Send Ctrl+Alt+Del"), self.send_ctrl_alt_del,
                                                "send_ctrl_alt_del")
        self.system_info_action = self._action(self.tr("System information"), self.show_system_info, "system_info")
        self.processes_action = self._action(self.tr("Processes"), self.show_processes, "process_info")
        self.send_clipboard_action.enabledChanged.connect(self._on_send_clipboard_action_enabled_changed)
        window.on_message(ToolResult, self._on_tool_result)
        window.on_finish.append(self._on_session_finished)

    def _on_session_finished(self) -> None:
        """Nothing more can be asked of the customer's computer: the dialogs that ask go."""
        for dialog in (self.url_dialog, self.process_dialog):
            if dialog is not None:
                dialog.close()

    def _action(self, text: str, slot: Callable[[], None], option: str) -> QAction:
        action = QAction(text, self._window)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.add_tool(action, option)
        return action

    def _on_send_clipboard_action_enabled_changed(self, enabled: bool) -> None:
        if enabled and self._window.live:
            self.clipboard.session_live()

    def _tool(self, tool: str, argument: str = "") -> int:
        request_id = self._window.next_request_id()
        self._window.session.send(ToolRequest(request_id, tool, argument))
        return request_id

    # --- web address -----------------------------------------------------------------------------

    def ask_url(self) -> None:
        """Ask the agent for a web address, then the customer to open it."""
        dialog = UrlDialog(self._window)
        dialog.url_chosen.connect(self.send_url)
        self.url_dialog = dialog
        dialog.show()

    def send_url(self, url: str) -> None:
        self._window.request_permission("url_open", url, self._on_url_decision)
        self._window.show_status(self.tr("Asked the customer to open {url}…").format(url=url))

    def _on_url_decision(self, decision: PermissionDecision) -> None:
        if not decision.granted:
            self._window.show_status(self.tr("The web page was not opened: {reason}").format(reason=decision.reason))

    # --- Ctrl+Alt+Del ----------------------------------------------------------------------------

    def send_ctrl_alt_del(self) -> None:
        self._tool("ctrl_alt_del")
        self._window.show_status(self.tr("Sending Ctrl+Alt+Del…"))

    # --- system information ----------------------------------------------------------------------

    def show_system_info(self) -> None:
        """Ask for the customer's system information (asking the customer first when needed)."""
        if self.system_info_granted:
            self._tool("system_info")
            self._window.show_status(self.tr("Collecting the customer's system information…"))
            return
        self._window.request_permission("system_info", "", self._on_system_info_decision)
        self._window.show_status(self.tr("Asked the customer to show the system information…"))

    def _on_system_info_decision(self, decision: PermissionDecision) -> None:
        if not decision.granted:
            self._window.show_status(self.tr("System information is not available: {reason}").format(
                reason=decision.reason))
            return
        self.system_info_granted = True
        self.show_system_info()

    # --- processes -------------------------------------------------------------------------------

    def show_processes(self) -> None:
        """Open the process list and ask the host for it."""
        if self.process_dialog is None:
            dialog = ProcessDialog(self._window)
            dialog.refresh_requested.connect(self.refresh_processes)
            dialog.end_requested.connect(self.end_process)
            self.process_dialog = dialog
        self.process_dialog.show()
        self.process_dialog.raise_()
        self.refresh_processes()

    def refresh_processes(self) -> None:
        self._tool("process_list")
        if self.process_dialog is not None:
            self.process_dialog.status.setText(self.tr("Reading the customer's processes…"))

    def end_process(self, pid: int, name: str) -> None:
        """Ask the customer to agree to ending ``name`` (``pid``), then end exactly that process."""
        def decided(decision: PermissionDecision) -> None:
            if decision.granted:
                self._tool("process_end", json.dumps({"pid": pid, "permission": decision.request_id}))
            else:
                self._process_status(self.tr("{name} was not ended: {reason}").format(name=name,
                                                                                      reason=decision.reason))

        self._window.request_permission("process_end", f"{name} (pid {pid})", decided)
        self._process_status(self.tr("Asked the customer to agree to ending {name}…").format(name=name))

    def _process_status(self, text: str) -> None:
        self._window.show_status(text)
        if self.process_dialog is not None:
            self.process_dialog.status.setText(text)

    # --- answers ---------------------------------------------------------------------------------

    def _on_tool_result(self, result: ToolResult) -> None:
        if result.tool == "system_info":
            self._show_info(result)
        elif result.tool == "process_list":
            self._show_processes(result)
        elif result.tool == "process_end":
            text = (self.tr("Ended on the customer's computer: {detail}") if result.ok
                    else self.tr("The process was not ended: {reason}"))
            self._process_status(text.format(detail=result.body, reason=result.body))
            if result.ok:
                self.refresh_processes()
        elif result.tool == "url_open":
            self._window.show_status(self.tr("The customer's browser opened the page.") if result.ok else
                                     self.tr("The web page was not opened: {reason}").format(reason=result.body))
        elif result.tool == "ctrl_alt_del":
            self._window.show_status(self.tr("Ctrl+Alt+Del was sent.") if result.ok else
                                     self.tr("Ctrl+Alt+Del: {reason}").format(reason=result.body))

    def _show_info(self, result: ToolResult) -> None:
        info = _json_object(result.body) if result.ok else None
        if info is None:
            reason = result.body if not result.ok else self.tr("the answer was not readable")
            self._window.show_status(self.tr("System information is not available: {reason}").format(reason=reason))
            return
        if self.info_dialog is not None:
            self.info_dialog.close()
        self.info_dialog = SystemInfoDialog(info, self._window)
        self.info_dialog.show()
        self._window.show_status(self.tr("The customer's system information arrived."))

    def _show_processes(self, result: ToolResult) -> None:
        if self.process_dialog is None:
            return
        try:
            rows = json.loads(result.body) if result.ok else None
        except ValueError:
            rows = None
        if not isinstance(rows, list):
            self._process_status(self.tr("The process list is not available: {reason}").format(reason=result.body))
            return
        self.process_dialog.set_processes([row for row in rows if isinstance(row, dict)])


def _json_object(body: str) -> dict[str, object] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
