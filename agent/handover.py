"""Invitations to watch (session share) or take over (session transfer) another agent's session.

Rules: the server pushes ``handover_invited`` on /ws/agent; the agent sees a non-modal box naming who
invites and the customer's PC, and accepts or declines (POST /handover/{id}/accept | decline, on the
BackgroundRunner, never the GUI thread). Accepting starts a viewer for the child session with the secret the
server answers; a watcher's viewer gets its control tools switched off (the customer's host enforces it
anyway). An unanswered box closes when the invitation expires. ``handover_answered`` (the inviter's side)
becomes a sentence in ``told``. The server decides who may invite whom; this side only asks the agent.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from agent.api import LoginResult, ServerClient
from agent.background import BackgroundRunner
from agent.errors import AgentError
from agent.launcher import ViewerRequest
from agent.push import PushEvent

log = logging.getLogger(__name__)
INVITE_TTL_MS = 120_000
WATCH_OFF = ("mouse_control", "keyboard_control", "control_auto_enable", "laser_pointer", "send_ctrl_alt_del",
             "drawing", "send_url", "file_transfer", "file_drag_drop", "clipboard", "clipboard_auto_sync",
             "system_info", "process_info", "session_transfer", "session_share", "text_chat")


def watcher_policy(options: dict[str, object], kind: str) -> dict[str, object]:
    """The viewer options for a child session: a watcher's tools are off; a new agent in charge keeps theirs."""
    return {**options, **dict.fromkeys(WATCH_OFF, False)} if kind == "share" else dict(options)


class HandoverDesk(QObject):
    """Asks the agent about invitations and starts the viewer of an accepted one; see the module rules."""

    told = Signal(str)  # a sentence for the main window's status line
    viewer_started = Signal(str)  # the child session id whose viewer was launched

    def __init__(self, client: ServerClient, runner: BackgroundRunner, login: LoginResult,
                 launch: Callable[[ViewerRequest], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._runner = runner
        self._login = login
        self._launch = launch
        self._parent = parent
        self.boxes: dict[str, QMessageBox] = {}  # open invitations by handover id

    def on_push(self, event: PushEvent) -> bool:
        """Handle a handover push; False when ``event`` is not one."""
        if event.kind == "handover_invited":
            self._ask(event.data)
        elif event.kind == "handover_answered":
            self._tell_answer(event.data)
        else:
            return False
        return True

    def _ask(self, data: dict[str, Any]) -> None:
        handover_id, kind = str(data.get("handover_id", "")), str(data.get("kind", ""))
        if not handover_id or kind not in ("share", "transfer") or handover_id in self.boxes:
            return
        who, pc_name = str(data.get("from_name") or data.get("from_login") or "?"), str(data.get("pc_name") or "?")
        text = (self.tr("{who} invites you to watch their session with {pc}.") if kind == "share"
                else self.tr("{who} wants to hand you their session with {pc}.")).format(who=who, pc=pc_name)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Invitation"), text, QMessageBox.StandardButton.NoButton,
                          self._parent)
        box.addButton(self.tr("Accept"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Decline"), QMessageBox.ButtonRole.RejectRole)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setProperty("ferry_kind", kind)
        box.finished.connect(functools.partial(self._on_box_finished, handover_id, box))
        self.boxes[handover_id] = box
        QTimer.singleShot(INVITE_TTL_MS, box, box.close)
        box.show()

    def _on_box_finished(self, handover_id: str, box: QMessageBox, _result: int) -> None:
        if self.boxes.pop(handover_id, None) is None:
            return
        clicked = box.clickedButton()
        accepted = clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole
        kind = str(box.property("ferry_kind"))
        if accepted:
            self.accept(handover_id, kind)
        else:
            self.decline(handover_id)

    def accept(self, handover_id: str, kind: str) -> None:
        """Accept on the server, then start the viewer for the child session."""
        call = functools.partial(self._client.call, "POST", f"/handover/{handover_id}/accept")
        self._runner.run(call, functools.partial(self._on_accepted, handover_id, kind), self._on_failed)

    def decline(self, handover_id: str) -> None:
        call = functools.partial(self._client.call, "POST", f"/handover/{handover_id}/decline")
        self._runner.run(call, lambda _answer: self.told.emit(self.tr("You declined the invitation.")),
                         self._on_failed)

    def _on_accepted(self, handover_id: str, kind: str, answer: object) -> None:
        if not isinstance(answer, dict) or not answer.get("secret"):
            self.told.emit(self.tr("The server's answer to the invitation was incomplete: ask to be invited again."))
            return
        login = self._login
        self._launch(ViewerRequest(login.server_url, self._client.tls, handover_id, login.token,
                                   str(answer["secret"]), policy=watcher_policy(dict(login.options), kind)))
        self.viewer_started.emit(handover_id)

    def _on_failed(self, error: AgentError) -> None:
        self.told.emit(self.tr("The invitation could not be answered: {reason}").format(reason=str(error)))

    def _tell_answer(self, data: dict[str, Any]) -> None:
        who = str(data.get("login_id") or "?")
        self.told.emit(self.tr("{who} accepted your invitation.").format(who=who) if data.get("accepted") is True
                       else self.tr("{who} declined your invitation.").format(who=who))
