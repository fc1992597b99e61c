"""The customer's half of the agent's one-shot actions: clipboard, URL send, Ctrl+Alt+Del, system
information, the process list and ending a process.

Rules: the host decides, whatever the viewer sends. Each ToolRequest this module owns is answered by
exactly one ToolResult (other tools' requests are left to them):
- ``url_open`` needs no ToolRequest: a granted PermissionRequest("url_open", url) opens exactly that
  http(s) URL in the customer's browser, and the ToolResult (with the permission's request id) says
  whether it opened;
- ``process_end`` (argument ``{"pid": n, "permission": request_id}``) ends pid n only when that
  permission request was a granted "process_end" whose detail is exactly "<its name> (pid n)" — what
  the customer read; one grant ends one process;
- ``system_info`` needs system_info in the policy and a "system_info" grant;
  ``process_list`` needs process_info; ``ctrl_alt_del`` needs send_ctrl_alt_del and control granted;
- the clipboard: host_module.tools.actions_clipboard.
Slow work (psutil, dpkg-query, XTEST) runs on one worker thread; nothing here blocks the network thread.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from host_module import system_facts
from host_module.end_pages import safe_popup_url
from host_module.tools.actions_clipboard import HostClipboard
from host_module.tools.actions_ledger import PermissionLedger, watch_answers
from input_injection.errors import InjectionError
from input_injection.secure_attention import send_secure_attention
from protocol.messages import PermissionRequest, ToolRequest, ToolResult

if TYPE_CHECKING:
    from host_module.app import HostApp

log = logging.getLogger(__name__)
TOOLS = frozenset({"clipboard_get", "system_info", "process_list", "process_end", "ctrl_alt_del"})
PID_IN_DETAIL = re.compile(r"\(pid (\d+)\)\s*$")
Work = Callable[[], tuple[bool, str]]  # runs on the worker thread: (ok, ToolResult body)


@dataclasses.dataclass(frozen=True, slots=True)
class UrlGranted:
    """The customer agreed to open ``url`` (PermissionRequest ``request_id``)."""

    request_id: int
    url: str


def install(app: HostApp) -> HostActions:
    return HostActions(app)


class HostActions:
    """Answers the agent's action requests on the customer's side; see the module rules."""

    def _new_ledger(self) -> PermissionLedger:
        return PermissionLedger(frozenset({"url_open", "process_end"}), self._on_granted)

    def _forget_grants(self) -> None:
        """Another agent took over: the old agent's questions and grants mean nothing to the new one's ids."""
        self.ledger = self._new_ledger()

    def __init__(self, app: HostApp) -> None:
        self._app = app
        self.clipboard = HostClipboard(app)
        self.ledger = self._new_ledger()
        watch_answers(app.session, lambda: self.ledger)
        app.on_transfer.append(self._forget_grants)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ferry-actions")
        self._closed = False
        self.opened_urls: list[str] = []
        app.session.add_handler(PermissionRequest, self._on_permission_request)
        app.session.add_handler(ToolRequest, self._on_tool_request)
        app.on_gui(UrlGranted, self._on_url_granted)
        app.on_finish.append(self.close)

    def _on_permission_request(self, message: object) -> None:  # network thread, after the session's handler
        assert isinstance(message, PermissionRequest)
        self.ledger.asked(message.request_id, message.kind, message.detail)

    def _on_granted(self, request_id: int, kind: str, detail: str) -> None:
        if kind == "url_open":
            self._app.bridge.post(UrlGranted(request_id, detail))

    def _on_url_granted(self, event: object) -> None:
        assert isinstance(event, UrlGranted)
        ok, why = self._open(event.url)
        self._app.session.send(ToolResult(event.request_id, "url_open", ok, why))

    def _open(self, url: str) -> tuple[bool, str]:
        safe = safe_popup_url(url)
        if safe is None or safe != url:
            return False, "only addresses starting with http:// or https:// (without spaces) are opened"
        if not self._app.options.browser:
            return False, "the customer's program runs without a browser (--no-browser); nothing was opened"
        try:
            self._app.open_url(url)
        except Exception as exc:  # no browser must not end the session
            log.warning("could not open %s: %s", url[:200], exc)
            return False, f"the customer's browser could not be started ({exc})"
        self.opened_urls.append(url)
        return True, f"{url} was opened in the customer's browser"

    def _on_tool_request(self, message: object) -> None:  # network thread
        assert isinstance(message, ToolRequest)
        if message.tool not in TOOLS:
            return  # another tool's request
        if message.tool == "clipboard_get":
            self.clipboard.on_get(message)
            return
        why = self._refusal(message)
        work: Work | None = None
        if why is None:
            why, work = self._process_end(message) if message.tool == "process_end" else (None, self._work(message))
        if work is None:
            self._answer(message, False, why or "refused")
        else:
            self._run(message, work)

    def _refusal(self, request: ToolRequest) -> str | None:
        """Why the policy or the customer's grants forbid ``request``; None when it may run."""
        policy, session = self._app.policy, self._app.session
        why: str | None = None
        if request.tool == "system_info":
            if not policy.system_info:
                why = "the policy of this session does not allow system information"
            elif "system_info" not in session.granted_kinds:
                why = "the customer has not agreed to show the system information"
        elif request.tool in ("process_list", "process_end") and not policy.process_info:
            why = "the policy of this session does not allow the process list"
        elif request.tool == "ctrl_alt_del":
            if not policy.send_ctrl_alt_del:
                why = "the policy of this session does not allow Ctrl+Alt+Del"
            elif not session.gate.granted:
                why = "Ctrl+Alt+Del needs control of the customer's computer first"
        return why

    def _process_end(self, request: ToolRequest) -> tuple[str | None, Work | None]:
        """(why not, None), or (None, the work) when the customer agreed to end exactly this pid."""
        pid, permission = _process_end_argument(request.argument)
        if pid is None:
            return 'process_end needs {"pid": <number>, "permission": <request id>}', None
        detail = self.ledger.take_grant(permission, "process_end")
        match = PID_IN_DETAIL.search(detail or "")
        if detail is None or match is None or int(match.group(1)) != pid:
            return f"the customer has not agreed to end process {pid}", None
        return None, lambda: _end_agreed(pid, detail)

    def _work(self, request: ToolRequest) -> Work:
        display = self._app.options.display
        if request.tool == "system_info":
            return lambda: (True, json.dumps(system_facts.system_info()))
        if request.tool == "process_list":
            return lambda: (True, json.dumps(system_facts.process_list()))
        return lambda: _ctrl_alt_del(display)

    def _run(self, request: ToolRequest, work: Work) -> None:
        if self._closed:
            return

        def run() -> None:
            try:
                ok, body = work()
            except Exception as exc:  # a failing tool answers with the reason, it never ends the session
                log.exception("the %s tool failed", request.tool)
                ok, body = False, f"{request.tool} failed on the customer's computer: {exc}"
            self._answer(request, ok, body)

        self._pool.submit(run)

    def _answer(self, request: ToolRequest, ok: bool, body: str) -> None:
        self._app.session.send(ToolResult(request.request_id, request.tool, ok, body))

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)


def _process_end_argument(argument: str) -> tuple[int | None, int]:
    """(pid, permission request id) of a process_end argument; pid None when it is malformed."""
    try:
        value = json.loads(argument)
        pid, permission = value["pid"], value["permission"]
    except (ValueError, TypeError, KeyError):
        return None, 0
    if type(pid) is not int or type(permission) is not int or pid <= 0:
        return None, 0
    return pid, permission


def _end_agreed(pid: int, detail: str) -> tuple[bool, str]:
    """End ``pid`` when it still is the process the customer read about ("<name> (pid <n>)")."""
    name = system_facts.process_name(pid)
    if name is None:
        return False, f"there is no process {pid} (any more)"
    if detail.strip() != f"{name} (pid {pid})":
        return False, f"process {pid} is {name}, not what the customer agreed to end ({detail[:100]})"
    return system_facts.end_process(pid)


def _ctrl_alt_del(display: str | None) -> tuple[bool, str]:
    try:
        return True, send_secure_attention(display)
    except InjectionError as exc:
        return False, str(exc)
