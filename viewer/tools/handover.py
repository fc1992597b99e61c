"""Session share and transfer from the agent's viewer: invite a logged-in colleague to watch the customer's
screen, or hand the session over to them.

Rules: each action is on the toolbar when the agent's options allow it (session_share; session_transfer),
enabled while live. It lists the colleagues the server says can be invited now (GET
/sessions/{id}/handover/agents), the agent picks one, the customer is asked (PermissionRequest
``session_share`` / ``session_transfer`` naming that agent; the host's policy decides whether the customer
sees a box), and only after the customer agreed does the viewer ask the server for the child session (POST
/sessions/{id}/handover with the kind) and hand its host credentials to the customer's host in the encrypted
channel (ToolRequest "handover"). The host's ToolResults say when the colleague watches and when they stop,
or why a transfer failed (the session then goes on here); a transfer that worked ends this viewer's session
with the reason "the session was handed to …". Server calls run on a worker thread; the server's answers and
refusals are shown as they come. The viewer needs the server's address, its token and the session id
(``connect_server``).
"""

from __future__ import annotations

import dataclasses
import json
import ssl
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import requests
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from protocol.messages import PermissionDecision, ToolRequest, ToolResult
from transport.tls import PinnedSession, TlsError

if TYPE_CHECKING:
    from viewer.window import ViewerWindow

TOOL = "handover"
TIMEOUT_S = 10.0
PERMISSION = {"share": "session_share", "transfer": "session_transfer"}  # the kind -> its option and request


class HandoverApiError(Exception):
    """A server call for session share failed; the message is the server's sentence or says what to check."""


@dataclasses.dataclass(frozen=True)
class Colleague:
    """An agent who can be invited."""

    login_id: str
    name: str

    @property
    def label(self) -> str:
        """How the customer's box and the host name this agent."""
        return f"{self.name} ({self.login_id})"


class HandoverApi:
    """The server calls of session share, with the agent's token (blocking: call them on a worker thread)."""

    def __init__(self, http: requests.Session, base_url: str, session_id: str, token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + "/api/v1"
        self._session_id = session_id
        self._token = token

    def colleagues(self) -> list[Colleague]:
        body = self._call("GET", f"/sessions/{self._session_id}/handover/agents")
        return [Colleague(str(item["login_id"]), str(item["name"])) for item in body]

    def invite(self, kind: str, login_id: str) -> dict[str, Any]:
        return dict(self._call("POST", f"/sessions/{self._session_id}/handover",
                               json={"kind": kind, "login_id": login_id}))

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            answer = self._http.request(method, self._base + path, timeout=TIMEOUT_S,
                                        headers={"Authorization": f"Bearer {self._token}"}, **kwargs)
        except (requests.RequestException, TlsError) as exc:
            raise HandoverApiError(f"the server could not be reached ({exc}); check the connection") from exc
        if answer.status_code >= 400:
            try:
                detail = str(answer.json()["detail"])
            except (ValueError, KeyError, TypeError):
                detail = f"the server answered HTTP {answer.status_code}"
            raise HandoverApiError(detail)
        return answer.json()


class ColleagueDialog(QDialog):
    """Pick the colleague to invite (non-modal: the session goes on meanwhile)."""

    chosen = Signal(object)  # Colleague

    def __init__(self, colleagues: list[Colleague], parent: QWidget | None = None, kind: str = "share") -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(self.tr("Invite an agent to watch") if kind == "share"
                            else self.tr("Hand the session over"))
        self.list = QListWidget()
        for colleague in colleagues:
            item = QListWidgetItem(colleague.label)
            item.setData(Qt.ItemDataRole.UserRole, colleague)
            self.list.addItem(item)
        if colleagues:
            self.list.setCurrentRow(0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.invite_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.invite_button.setText(self.tr("Invite") if kind == "share" else self.tr("Hand over"))
        self.invite_button.setEnabled(bool(colleagues))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        hint = self._hint(kind) if colleagues else self.tr("No other agent of your group is logged in now.")
        layout.addWidget(QLabel(hint))
        layout.addWidget(self.list)
        layout.addWidget(self.buttons)

    def _hint(self, kind: str) -> str:
        if kind == "share":
            return self.tr("The customer is asked first; the colleague only sees the screen.")
        return self.tr("The customer is asked first; the colleague then takes over and your session ends.")

    def _on_buttons_accepted(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()


class ViewerHandover(QObject):
    """The share action, the server calls and the host's answers; see the module rules."""

    _done = Signal(object, object)  # (callback, result or HandoverApiError) from a worker thread

    def __init__(self, window: ViewerWindow) -> None:
        super().__init__(window)
        self._window = window
        self.api: HandoverApi | None = None
        self.dialog: ColleagueDialog | None = None
        self.watching: list[str] = []  # colleagues watching now, as the host reports them
        self.share_action = QAction(self.tr("Invite an agent to watch…"), window)
        self.share_action.triggered.connect(self._on_share_action_triggered)
        window.add_tool(self.share_action, "session_share")
        self.transfer_action = QAction(self.tr("Hand the session over…"), window)
        self.transfer_action.triggered.connect(self._on_transfer_action_triggered)
        window.add_tool(self.transfer_action, "session_transfer")
        window.on_message(ToolResult, self._on_tool_result)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def connect_server(self, server_url: str, session_id: str, token: str, context: ssl.SSLContext) -> None:
        """Where the server is and who the agent is (the viewer's options)."""
        self.api = HandoverApi(PinnedSession(server_url, context=context), server_url, session_id, token)

    def _on_share_action_triggered(self) -> None:
        self._pick_colleague("share")

    def _on_transfer_action_triggered(self) -> None:
        self._pick_colleague("transfer")

    def _pick_colleague(self, kind: str) -> None:
        api = self.api
        if api is None:
            self._window.show_status(self.tr("Inviting a colleague is not available: this viewer does not know "
                                             "the server."))
            return
        self._window.show_status(self.tr("Looking for colleagues who are logged in…"))
        self._in_background(api.colleagues, lambda colleagues: self._show_colleagues(kind, colleagues))

    def _in_background(self, call: Callable[[], object], then: Callable[[object], None]) -> None:
        def run() -> None:
            try:
                result: object = call()
            except HandoverApiError as exc:
                result = exc
            self._done.emit(then, result)
        threading.Thread(target=run, name="ferry-handover", daemon=True).start()

    def _on_done(self, then: Callable[[object], None], result: object) -> None:
        if isinstance(result, HandoverApiError):
            self._window.show_status(self.tr("Inviting the colleague failed: {reason}").format(reason=str(result)))
            return
        then(result)

    def _show_colleagues(self, kind: str, colleagues: object) -> None:
        assert isinstance(colleagues, list)
        self.dialog = ColleagueDialog(colleagues, self._window, kind)
        self.dialog.chosen.connect(lambda colleague: self._ask_customer(kind, colleague))
        self.dialog.show()

    def _ask_customer(self, kind: str, colleague: Colleague) -> None:
        text = (self.tr("Asking the customer to let {name} watch…") if kind == "share"
                else self.tr("Asking the customer to let {name} take over…"))
        self._window.show_status(text.format(name=colleague.name))
        self._window.request_permission(PERMISSION[kind], colleague.label,
                                        lambda decision: self._on_decision(kind, colleague, decision))

    def _on_decision(self, kind: str, colleague: Colleague, decision: PermissionDecision) -> None:
        if not decision.granted:
            self._window.show_status(self.tr("The customer did not agree: {reason}").format(reason=decision.reason))
            return
        api = self.api
        assert api is not None
        self._in_background(lambda: api.invite(kind, colleague.login_id),
                            lambda created: self._hand_to_host(kind, colleague, created))

    def _hand_to_host(self, kind: str, colleague: Colleague, created: object) -> None:
        assert isinstance(created, dict)
        argument = json.dumps({"kind": kind, "session_id": created["handover_id"],
                               "host_token": created["host_token"], "secret": created["secret"],
                               "agent": colleague.label})
        self._window.session.send(ToolRequest(self._window.next_request_id(), TOOL, argument))
        self._window.show_status(self.tr("{name} is invited; waiting for them to accept…").format(name=colleague.name))

    def _on_tool_result(self, result: ToolResult) -> None:
        if result.tool != TOOL:
            return
        try:
            body = json.loads(result.body)
            state, agent, reason = str(body["state"]), str(body["agent"]), str(body.get("reason", ""))
        except (ValueError, KeyError, TypeError):
            return
        if state == "watching":
            self.watching.append(agent)
            self._window.show_status(self.tr("{agent} is watching the session.").format(agent=agent))
        elif state == "ended":
            if agent in self.watching:
                self.watching.remove(agent)
            self._window.show_status(self.tr("{agent} stopped watching: {reason}").format(agent=agent, reason=reason))
        elif state == "refused":
            self._window.show_status(self.tr("The customer's program refused: {reason}").format(reason=reason))
        elif state == "failed":
            self._window.show_status(self.tr("{agent} did not take over, so the session goes on here: {reason}")
                                     .format(agent=agent, reason=reason))


def install(window: ViewerWindow) -> ViewerHandover:
    return ViewerHandover(window)
