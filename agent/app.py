"""The agent after login: wires server calls, pushes, the session book, viewers and the window.

Rules: server calls go through the BackgroundRunner (never on the GUI thread); pushes arrive
through an EventBridge (queued to the GUI thread); every session change goes through the SessionBook,
then the window and the event log are told. ``shutdown`` is idempotent and never blocks for
long: it stops the listener, ends child viewers and logs out with a short timeout.
"""

from __future__ import annotations

import functools
import logging
import ssl
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from agent.api import IssuedCode, LoginResult, ServerClient, SessionInfo
from agent.background import BackgroundRunner
from agent.errors import AgentError
from agent.events import EventLog
from agent.launcher import ViewerLauncher, ViewerRequest
from agent.main_window import MainWindow
from agent.model import AgentState, Event, SessionBook, SessionRecord, SessionState
from agent.push import PushEvent, PushListener, PushStatus
from transport.tls import pinned_ssl_context
from ui.bridge import EventBridge

log = logging.getLogger(__name__)
SslContextFactory = Callable[[], ssl.SSLContext]
AUTO_CODE_FALLBACK_MS = 3000
EXPIRY_CHECK_MS = 1000
# GET /sessions/{id} states (server.models.SessionState): the customer entered the code / it is over
JOINED_STATES = frozenset({"joined", "live"})
ENDED_STATES = frozenset({"ended"})


class AgentController(QObject):
    """Runs one login's work; owns the main window (``window``)."""

    def __init__(
        self,
        client: ServerClient,
        login: LoginResult,
        events: EventLog,
        launcher: ViewerLauncher,
        runner: BackgroundRunner,
        *,
        ssl_context_factory: SslContextFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._login = login
        self._events = events
        self._launcher = launcher
        self._runner = runner
        self._clock = clock
        self._book = SessionBook()
        self._state = AgentState.VIEWER_WAITING
        self._auto_code_pending = False
        self._stopped = False
        self.window = MainWindow(login.agent)
        self.window.code_requested.connect(self.request_code)
        self._bridge = EventBridge(self)
        self._bridge.connect_handler(self._on_bridge_posted)
        self._listener = PushListener(login.server_url, login.token,
                                      ssl_context_factory or self._pinned_context,
                                      on_push=self._bridge.post, on_status=self._bridge.post)
        launcher.started.connect(self._on_launcher_started)
        launcher.exited.connect(self._on_launcher_exited)
        launcher.failed.connect(self._on_launcher_failed)
        launcher.output.connect(self._on_launcher_output)
        self._expiry_timer = QTimer(self)
        self._expiry_timer.setInterval(EXPIRY_CHECK_MS)
        self._expiry_timer.timeout.connect(self._expire_codes)

    @property
    def book(self) -> SessionBook:
        return self._book

    @property
    def state(self) -> AgentState:
        return self._state

    def _pinned_context(self) -> ssl.SSLContext:
        tls = self._client.tls
        return pinned_ssl_context(self._login.server_url, fingerprint=tls.fingerprint, cafile=tls.cafile)

    def start(self, auto_code: bool = False) -> None:
        """Show the window, start listening for pushes; with ``auto_code`` ask for a code once listening."""
        self.window.show()
        self._listener.start()
        self._expiry_timer.start()
        if auto_code:
            self._auto_code_pending = True
            QTimer.singleShot(AUTO_CODE_FALLBACK_MS, self._auto_code)

    def _auto_code(self) -> None:
        if self._auto_code_pending and not self._stopped:
            self._auto_code_pending = False
            self.request_code()

    # --- connection codes -------------------------------------------------------------------

    def request_code(self) -> None:
        """Ask the server for a new connection code (in the background)."""
        self.window.set_code_busy(True)
        self._runner.run(self._client.create_code, self._on_code_issued, self._on_code_failed)

    def _on_code_issued(self, issued: IssuedCode) -> None:
        self.window.set_code_busy(False)
        record = self._book.add(issued.session_id, issued.code, issued.connect_url, issued.secret,
                                self._clock() + issued.expires_in)
        self.window.show_new_code(record)
        self._refresh()
        self._events.record("code", code=issued.code, session_id=issued.session_id,
                            expires_at=issued.expires_at, connect_url=issued.connect_url)

    def _on_code_failed(self, error: AgentError) -> None:
        self.window.set_code_busy(False)
        self.window.show_error(str(error))
        self._events.record("code_failed", detail=str(error))

    def _expire_codes(self) -> None:
        if self._book.expire_due(self._clock()):
            self._refresh()

    # --- pushes ---------------------------------------------------------------------------

    def _on_bridge_posted(self, report: object) -> None:
        if isinstance(report, PushEvent):
            self._on_push(report)
        elif isinstance(report, PushStatus):
            self._on_push_status(report)

    def _on_push_status(self, status: PushStatus) -> None:
        self.window.show_push_status(status)
        if status.connected:
            self._events.record("push_connected")
            self._reconcile()
            self._auto_code()
        else:
            self._events.record("push_disconnected", reason=status.reason, final=status.final)

    def _on_push(self, event: PushEvent) -> None:
        sid = str(event.data.get("session_id", ""))
        if event.kind == "customer_joined":
            self._customer_joined(sid, str(event.data.get("pc_name") or ""), str(event.data.get("os") or ""))
        elif event.kind == "session_ended":
            self._server_ended(sid, str(event.data.get("reason") or ""))
        else:
            log.debug("ignored push %s", event.kind)

    def _customer_joined(self, sid: str, pc_name: str, os_name: str) -> None:
        record = self._book.apply(sid, Event.CUSTOMER_JOINED, pc_name=pc_name, os=os_name)
        if record is None:
            return  # not a code of ours, or already handled
        self._events.record("customer_joined", session_id=sid, pc_name=pc_name, os=os_name)
        self._refresh()
        self._launcher.launch(ViewerRequest(self._login.server_url, self._client.tls, sid,
                                            self._login.token, record.secret))

    def _server_ended(self, sid: str, reason: str) -> None:
        if self._book.apply(sid, Event.SERVER_ENDED, detail=reason) is not None:
            self._events.record("session_ended", session_id=sid, reason=reason)
            self._refresh()

    def _reconcile(self) -> None:
        """After (re)connecting, ask about codes still waiting: a join may have happened while offline."""
        for record in self._book.records():
            if record.state in (SessionState.WAITING, SessionState.EXPIRED):
                self._runner.run(functools.partial(self._client.session_info, record.session_id),
                                 self._on_session_info,
                                 functools.partial(self._on_session_info_failed, record.session_id))

    @staticmethod
    def _on_session_info_failed(sid: str, error: AgentError) -> None:
        log.warning("could not check session %s: %s", sid, error)

    def _on_session_info(self, info: SessionInfo) -> None:
        if info.state in JOINED_STATES:
            self._customer_joined(info.session_id, info.pc_name or "", info.os or "")
        elif info.state in ENDED_STATES:
            self._server_ended(info.session_id, info.end_reason or info.state)

    # --- viewer processes -----------------------------------------------------------------

    def _on_launcher_started(self, sid: str, pid: int) -> None:
        self._book.apply(sid, Event.VIEWER_STARTED)
        self._events.record("viewer_started", session_id=sid, pid=pid)
        self._refresh()

    def _on_launcher_exited(self, sid: str, code: int, crashed: bool) -> None:
        if crashed:
            event, detail = Event.VIEWER_CRASHED, self.tr("The viewer crashed.")
        elif code != 0:
            event, detail = Event.VIEWER_FAILED, self.tr("The viewer exited with code {0}.").format(code)
        else:
            event, detail = Event.VIEWER_EXITED, ""
        current = self._book.get(sid)
        if current is not None and current.detail and not detail:
            detail = current.detail  # keep the server's end reason
        self._book.apply(sid, event, detail=detail)
        self._events.record("viewer_exited", session_id=sid, code=code, crashed=crashed)
        self._refresh()

    def _on_launcher_output(self, sid: str, line: str) -> None:
        self._events.record("viewer_output", session_id=sid, line=line)

    def _on_launcher_failed(self, sid: str, reason: str) -> None:
        self._book.apply(sid, Event.VIEWER_FAILED, detail=reason)
        self.window.show_error(reason)
        self._events.record("viewer_failed", session_id=sid, reason=reason)
        self._refresh()

    # --- view -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        records: list[SessionRecord] = self._book.records()
        self.window.show_sessions(records)
        state = self._book.agent_state
        if state is not self._state:
            self._state = state
            self.window.show_state(state)
            self._events.record("state", state=state.value)

    def shutdown(self, logout_timeout_ms: int = 3000) -> None:
        """Stop listening, end viewers, log out (bounded wait); idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._expiry_timer.stop()
        self._listener.stop()
        self._launcher.terminate_all()
        self._runner.forget()
        self._runner.run(self._client.logout, lambda _: None, lambda _: None)
        if self._runner.wait(logout_timeout_ms):
            self._client.close()
        else:
            log.warning("logging out took too long; quitting anyway")
        self._runner.forget()
