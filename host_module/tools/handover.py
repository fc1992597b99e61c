"""Session share and transfer on the customer's side: another agent watches or takes over, only after the
customer agreed.

Rules: the agent's viewer first asks the customer (PermissionRequest ``session_share`` / ``session_transfer``
whose detail names the invited agent; HostPolicy asks unless transfer_auto_accept), then sends ToolRequest
"handover" with a JSON argument ``{"kind", "session_id", "host_token", "secret", "agent"}`` — the child
session the server made for the invited agent. The host acts only when a grant of that kind for exactly that
agent is unused (each grant is used once; grants are paired with their request by id); otherwise it refuses.
Share opens a view-only WatchLink; transfer asks HostApp.hand_over to move the session to the new agent.
Answers are ToolResult "handover" with a JSON body ``{"state", "agent", "reason"}``, state one of
"connecting", "watching", "ended", "failed" (a transfer's new link ended before it was live: the session goes
on) and "refused"; ``ok`` is False for the last three. A transfer that took over gets no answer: the old
agent's link ends with the reason. The notice window says who is watching. Every watcher's link ends with the
session and when it is handed over; no grant of the agent who left carries over.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from host_module.errors import HostError
from host_module.tools.actions_ledger import PermissionLedger
from host_module.tools.handover_link import WatchLink
from protocol.messages import PermissionRequest, ToolRequest, ToolResult
from protocol.session import Role
from transport.link import LinkConfig, relay_url

if TYPE_CHECKING:
    from host_module.app import HostApp

TOOL = "handover"
SHARE = "session_share"
TRANSFER = "session_transfer"
KIND_OF = {"share": SHARE, "transfer": TRANSFER}  # the order's kind -> the PermissionRequest kind it needs
MAX_WATCHERS = 3
SESSION_ID = re.compile(r"[0-9a-f]{32}")


class HandoverRefusedError(HostError):
    """A handover order the host does not carry out; the message (English, for the agent) says why."""

    def __init__(self, reason: str, request_id: int = 0) -> None:
        super().__init__(reason)
        self.request_id = request_id


@dataclasses.dataclass(frozen=True)
class HandoverOrder:
    """What the agent's viewer sent: whom to connect, and the child session's host credentials."""

    request_id: int
    kind: str
    session_id: str
    host_token: str = dataclasses.field(repr=False)
    secret: bytes = dataclasses.field(repr=False)
    agent: str


@dataclasses.dataclass(frozen=True)
class WatchChanged:
    """A watcher's link went live or ended (posted to the GUI thread)."""

    watcher: WatchLink
    state: str
    reason: str


def parse_order(request: ToolRequest) -> HandoverOrder:
    """The order in ``request``'s JSON argument; HandoverRefusedError when it is not a valid one."""
    try:
        body = json.loads(request.argument)
        secret = bytes.fromhex(str(body["secret"]))
        order = HandoverOrder(request.request_id, str(body["kind"]), str(body["session_id"]),
                              str(body["host_token"]), secret, str(body["agent"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise HandoverRefusedError(f"the handover request is not valid JSON with kind, session_id, host_token, "
                                   f"secret and agent ({exc})") from exc
    if order.kind not in ("share", "transfer") or not SESSION_ID.fullmatch(order.session_id):
        raise HandoverRefusedError("the handover request needs kind share or transfer and a 32-hex session id")
    if len(order.secret) < 16 or not order.host_token or not order.agent.strip():
        raise HandoverRefusedError("the handover request lacks the session's host token, secret or agent")
    return order


class HandoverTool:
    """The customer-side half of session share and transfer; see the module rules."""

    def __init__(self, app: HostApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._granted: list[tuple[str, str]] = []  # (kind, agent) the customer agreed to, each usable once
        self.ledger = self._new_ledger()
        self.watchers: dict[WatchLink, int] = {}  # link -> the ToolRequest id it answers
        app.session.add_handler(PermissionRequest, self._on_permission_request)
        app.session.add_handler(ToolRequest, self._on_tool_request)
        app.session.answer_listeners.append(self._on_answered)  # by request id, before the answer leaves
        app.on_gui(HandoverOrder, self._on_order)
        app.on_gui(HandoverRefusedError, self._on_refused)
        app.on_gui(WatchChanged, self._on_watch_changed)
        app.on_finish.append(self.close)
        app.on_transfer.append(self._on_transfer)

    def _new_ledger(self) -> PermissionLedger:
        return PermissionLedger(frozenset(KIND_OF.values()), self._on_granted)

    def _on_permission_request(self, request: object) -> None:
        """Network thread: remember whom a share or transfer request names (the customer's box shows it)."""
        if isinstance(request, PermissionRequest):
            self.ledger.asked(request.request_id, request.kind, request.detail)

    def _on_answered(self, request_id: int, granted: bool) -> None:
        self.ledger.answered(request_id, granted)  # the ledger of the moment: a transfer starts a new one

    def _on_granted(self, _request_id: int, kind: str, agent: str) -> None:
        """Any thread: the customer (or the policy) agreed to let ``agent`` watch or take over, once."""
        with self._lock:
            self._granted.append((kind, agent))

    def _on_transfer(self) -> None:
        """GUI thread: another agent took over; nothing the agent who left was granted or opened goes on."""
        with self._lock:
            self._granted.clear()
            self.ledger = self._new_ledger()
        self.close("the session was handed over")

    def _on_tool_request(self, request: object) -> None:
        if not isinstance(request, ToolRequest) or request.tool != TOOL:
            return
        try:
            self._app.bridge.post(parse_order(request))
        except HandoverRefusedError as exc:
            self._app.bridge.post(HandoverRefusedError(str(exc), request.request_id))

    def _on_refused(self, error: object) -> None:
        if isinstance(error, HandoverRefusedError):
            self._answer(error.request_id, "refused", "", str(error))

    def _on_order(self, order: object) -> None:
        assert isinstance(order, HandoverOrder)
        reason = self._refusal(order)
        if reason is not None:
            self._answer(order.request_id, "refused", order.agent, reason)
            return
        if order.kind == "transfer":
            self._hand_over(order)
            return
        app = self._app
        config = LinkConfig(relay_url(app.options.server, order.session_id, Role.HOST), order.host_token,
                            Role.HOST, order.secret, app.ticket.ssl_context)
        watcher = WatchLink(config, app.session.pump, lambda: app.session.paused, order.agent, self._post_change)
        self.watchers[watcher] = order.request_id
        watcher.start()
        self._answer(order.request_id, "connecting", order.agent)

    def _hand_over(self, order: HandoverOrder) -> None:
        def failed(reason: str) -> None:
            self._answer(order.request_id, "failed", order.agent, reason)

        refused = self._app.hand_over(order.session_id, order.host_token, order.secret, order.agent, failed)
        if refused is not None:
            self._answer(order.request_id, "refused", order.agent, refused)
        else:
            self._answer(order.request_id, "connecting", order.agent)

    def _refusal(self, order: HandoverOrder) -> str | None:
        if not self._app.session.live:
            return "the session is not live"
        if order.kind == "share" and len(self.watchers) >= MAX_WATCHERS:
            return f"at most {MAX_WATCHERS} agents can watch at once"
        wanted = (KIND_OF[order.kind], order.agent)
        with self._lock:
            if wanted not in self._granted:
                return (f"the customer has not agreed to let {order.agent} watch" if order.kind == "share"
                        else f"the customer has not agreed to hand the session over to {order.agent}")
            self._granted.remove(wanted)
        return None

    def _post_change(self, watcher: WatchLink, state: str, reason: str) -> None:
        self._app.bridge.post(WatchChanged(watcher, state, reason))

    def _on_watch_changed(self, change: object) -> None:
        assert isinstance(change, WatchChanged)
        request_id = self.watchers.get(change.watcher)
        if request_id is None:
            return
        if change.state == "ended":
            del self.watchers[change.watcher]
            change.watcher.close()
        self._answer(request_id, change.state, change.watcher.agent, change.reason)
        self._show_watchers()

    def _show_watchers(self) -> None:
        watching = [w.agent for w in self.watchers if w.state == "watching"]
        notice = self._app.notice
        if watching:
            notice.set_state(QCoreApplication.translate("HostHandover", "Also watching your screen: {agents}").format(
                agents=", ".join(watching)))
        elif self._app.session.live:
            notice.set_state(QCoreApplication.translate("HostHandover", "Remote support in progress"))

    def _answer(self, request_id: int, state: str, agent: str, reason: str = "") -> None:
        body = json.dumps({"state": state, "agent": agent, "reason": reason})
        self._app.session.send(ToolResult(request_id, TOOL, state not in ("ended", "failed", "refused"), body))

    def close(self, reason: str = "the customer's session ended") -> None:
        """Every watcher's link ends (with the session, or when it is handed over)."""
        for watcher in list(self.watchers):
            watcher.end(reason)
            watcher.close()
        self.watchers.clear()


def install(app: HostApp) -> object:
    return HandoverTool(app)
