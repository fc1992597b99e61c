"""Session share on the customer's side: another agent watches, only after the customer agreed.

Rules: the agent's viewer first asks the customer (PermissionRequest ``session_share`` whose detail names the
invited agent; HostPolicy asks unless transfer_auto_accept), then sends ToolRequest "handover" with a JSON
argument ``{"kind", "session_id", "host_token", "secret", "agent"}`` — the child session the server made for
the invited agent. The host opens a view-only WatchLink only when a grant of session_share for exactly that
agent is unused (each grant opens one link); otherwise it refuses. Answers are ToolResult "handover" with a
JSON body ``{"state": "connecting" | "watching" | "ended" | "refused", "agent", "reason"}``: ``ok`` is False
for "ended" and "refused". The notice window says who is watching. Every link ends with the session.
A transfer (kind "transfer") is refused: handing the session over needs the customer program to move its
session to the new link, which this version does not do.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from host_module.errors import HostError
from host_module.tools.handover_link import WatchLink
from protocol.messages import PermissionRequest, ToolRequest, ToolResult
from protocol.session import Role
from transport.link import LinkConfig, relay_url

if TYPE_CHECKING:
    from host_module.app import HostApp

TOOL = "handover"
SHARE = "session_share"
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
    """The customer-side half of session share; see the module rules."""

    def __init__(self, app: HostApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._asked: dict[int, str] = {}  # open session_share requests: id -> the agent named in it
        self._granted: list[str] = []  # agents the customer (or the policy) agreed to, each usable once
        self.watchers: dict[WatchLink, int] = {}  # link -> the ToolRequest id it answers
        app.session.add_handler(PermissionRequest, self._on_permission_request)
        app.session.add_handler(ToolRequest, self._on_tool_request)
        app.on_gui(HandoverOrder, self._on_order)
        app.on_gui(HandoverRefusedError, self._on_refused)
        app.on_gui(WatchChanged, self._on_watch_changed)
        app.on_permission.append(self._on_permission)
        app.on_finish.append(self.close)

    def _on_permission_request(self, request: object) -> None:
        """Network thread: remember whom a session_share request names (the customer's box shows it)."""
        if isinstance(request, PermissionRequest) and request.kind == SHARE:
            with self._lock:
                self._asked[request.request_id] = request.detail

    def _on_permission(self, kind: str, granted: bool) -> None:
        """GUI thread: a session_share answer. With one request open, a grant makes its agent usable once;
        with several open it is not clear whom the customer accepted, so none of them is (the agent asks again)."""
        if kind != SHARE:
            return
        with self._lock:
            asked, self._asked = list(self._asked.values()), {}
            if granted and len(asked) == 1:
                self._granted.append(asked[0])

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
        app = self._app
        config = LinkConfig(relay_url(app.options.server, order.session_id, Role.HOST), order.host_token,
                            Role.HOST, order.secret, app.ticket.ssl_context)
        watcher = WatchLink(config, app.session.pump, lambda: app.session.paused, order.agent, self._post_change)
        self.watchers[watcher] = order.request_id
        watcher.start()
        self._answer(order.request_id, "connecting", order.agent)

    def _refusal(self, order: HandoverOrder) -> str | None:
        if order.kind == "transfer":
            return "handing the session over is not available in this version of the customer's program"
        if not self._app.session.live:
            return "the session is not live"
        if len(self.watchers) >= MAX_WATCHERS:
            return f"at most {MAX_WATCHERS} agents can watch at once"
        with self._lock:
            if order.agent not in self._granted:
                return f"the customer has not agreed to let {order.agent} watch"
            self._granted.remove(order.agent)
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
        self._app.session.send(ToolResult(request_id, TOOL, state not in ("ended", "refused"), body))

    def close(self) -> None:
        """The session ends: every watcher's link ends with it."""
        for watcher in list(self.watchers):
            watcher.end("the customer's session ended")
            watcher.close()
        self.watchers.clear()


def install(app: HostApp) -> object:
    return HandoverTool(app)
