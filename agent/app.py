"""The agent after login: wires server calls, pushes, the session book, viewers and the window.

Rules: server calls go through the BackgroundRunner (never on the GUI thread); pushes arrive
through an EventBridge (queued to the GUI thread); every session change goes through the SessionBook,
then the window and the event log are told. A session that had a customer and ends asks for its
support log (through the SupportLogDesk, which outlives this login). A login ends in one of two ways:
``shutdown`` (the app quits: idempotent, bounded wait for the logout) or ``end_login`` (forced or idle
logout: ``logged_out`` was emitted with the sentence why; the server logout runs in the background and
``finished`` tells the owner it may delete us). Both stop the listener and end child viewers.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import ssl
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from agent import server_data
from agent.api import IssuedCode, LoginResult, ServerClient, SessionInfo, parse_time, seconds_left
from agent.background import BackgroundRunner
from agent.chat import ChatCoordinator
from agent.errors import AgentError, ApiError
from agent.events import EventLog
from agent.handover import HandoverDesk
from agent.history_dialog import HistoryDialog
from agent.idle import IdleWatcher
from agent.launcher import ViewerLauncher, ViewerRequest
from agent.main_window import MainWindow, UrlOpener
from agent.model import (
    ACTIVE,
    FINAL,
    AgentOptions,
    AgentState,
    Event,
    SessionBook,
    SessionRecord,
    SessionState,
    make_session_password,
)
from agent.push import PushEvent, PushListener, PushStatus
from agent.queue_api import QueueApi, file_fetcher
from agent.queue_chat import QueueChatDesk
from agent.queue_desk import QueueDesk
from agent.support_log_dialog import EndedSession, LogService, SupportLogDesk
from agent.team_panel import TeamWatcher
from transport.tls import pinned_ssl_context
from ui.bridge import EventBridge

log = logging.getLogger(__name__)
SslContextFactory = Callable[[], ssl.SSLContext]
AUTO_CODE_FALLBACK_MS = 3000
EXPIRY_CHECK_MS = 1000
ICON_NOTICE_MS = 30000
# GET /sessions/{id} states (server.models.SessionState): the customer entered the code / it is over
JOINED_STATES = frozenset({"joined", "live"})
ENDED_STATES = frozenset({"ended"})
HTTP_UNAUTHORIZED = 401


class AgentController(QObject):
    """Runs one login's work; owns the main window (``window``)."""

    logged_out = Signal(str)  # the login ended (forced, refused or idle); the sentence why
    finished = Signal()  # after end_login: the server logout is done; the owner may delete us

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
        desk: SupportLogDesk | None = None,
        open_url: UrlOpener | None = None,
        language: str | None = None,
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
        self._state = AgentState.AGENT_WAITING
        self._options = AgentOptions.from_options(login.options)
        self._raw_options: dict[str, object] = dict(login.options)
        self._own_desk = desk is None
        self._desk = desk or SupportLogDesk(self)
        self._auto_code_pending = False
        self._stopped = False
        self._quitting = False
        self._profile: server_data.Profile | None = None
        self.history: HistoryDialog | None = None
        self.window = MainWindow(login.agent) if open_url is None else MainWindow(login.agent, open_url=open_url)
        self.window.code_requested.connect(self.request_code)
        self.window.history_requested.connect(self.show_history)
        self._bridge = EventBridge(self)
        self._bridge.connect_handler(self._on_bridge_posted)
        self._listener = PushListener(login.server_url, login.token,
                                      ssl_context_factory or self._pinned_context,
                                      on_push=self._bridge.post, on_status=self._bridge.post)
        self.idle = IdleWatcher(clock, parent=self)
        self.idle.timed_out.connect(self._on_idle_timed_out)
        self.team = TeamWatcher(self.window.team_panel, runner,
                                functools.partial(server_data.group_members, client), parent=self)
        self.team.login_refused.connect(self._on_login_refused)
        self._connect_launcher(True)
        self.chat = ChatCoordinator(client, runner, launcher, login.options, clock, language=language, parent=self)
        self.window.settings_requested.connect(self.chat.open_settings)
        self.handover = HandoverDesk(client, runner, login, self._launcher.launch, parent=self.window)
        self.handover.told.connect(self._on_handover_told)
        self.queue = self._make_queue_desk()
        self._desk.saved.connect(self._on_desk_saved)
        self._expiry_timer = QTimer(self)
        self._expiry_timer.setInterval(EXPIRY_CHECK_MS)
        self._expiry_timer.timeout.connect(self._expire_codes)

    def _make_queue_desk(self) -> QueueDesk:
        """The queue view's desk: waiting customers, their chats (which may start a session) and reservations."""
        api = QueueApi(self._client, file_fetcher(self._client, self._login.token))
        chats = QueueChatDesk(api, self._runner, self.chat, self._login.options, parent=self)
        chats.code_issued.connect(self._on_code_issued)
        desk = QueueDesk(api, self._runner, self.window.queue_view, chats, parent=self)
        self.window.reservations_requested.connect(desk.show_reservations)
        return desk

    @property
    def book(self) -> SessionBook:
        return self._book

    @property
    def state(self) -> AgentState:
        return self._state

    @property
    def options(self) -> AgentOptions:
        return self._options

    @property
    def desk(self) -> SupportLogDesk:
        return self._desk

    def _pinned_context(self) -> ssl.SSLContext:
        tls = self._client.tls
        return pinned_ssl_context(self._login.server_url, fingerprint=tls.fingerprint, cafile=tls.cafile)

    def _connect_launcher(self, connect: bool) -> None:
        pairs = [(self._launcher.started, self._on_launcher_started),
                 (self._launcher.exited, self._on_launcher_exited),
                 (self._launcher.failed, self._on_launcher_failed),
                 (self._launcher.output, self._on_launcher_output)]
        for signal, slot in pairs:
            if connect:
                signal.connect(slot)
            else:
                signal.disconnect(slot)

    def start(self, auto_code: bool = False) -> None:
        """Show the window, start listening for pushes; with ``auto_code`` ask for a code once listening."""
        self.window.show_state(self._state)
        self.window.show()
        self._listener.start()
        self.chat.load_texts()
        self.queue.refresh()
        self._expiry_timer.start()
        self._follow_options()
        self._desk.attach(LogService(self._runner, functools.partial(server_data.write_support_log, self._client),
                                     functools.partial(server_data.categories, self._client)))
        if auto_code:
            self._auto_code_pending = True
            QTimer.singleShot(AUTO_CODE_FALLBACK_MS, self._auto_code)

    def _auto_code(self) -> None:
        if self._auto_code_pending and not self._stopped:
            self._auto_code_pending = False
            self.request_code()

    # --- options --------------------------------------------------------------------------

    def _apply_options(self, options: dict[str, object]) -> None:
        self._options = AgentOptions.from_options(options)
        self._raw_options = dict(options)
        self.chat.set_options(options)
        self.queue.chats.set_options(options)
        self._events.record("options_changed")
        self._follow_options()

    def _follow_options(self) -> None:
        """Make window, idle watch, group panel and expiry notice follow the current options."""
        self.window.apply_options(self._options)
        if self.idle.minutes != self._options.auto_logout_minutes:
            self.idle.set_minutes(self._options.auto_logout_minutes)
        self.team.set_enabled(self._options.agent_user_status)
        if self._options.expiry_notice:
            self._show_expiry()

    def _show_expiry(self) -> None:
        if self._profile is not None:
            self._on_profile_loaded(self._profile)
        else:
            self._runner.run(functools.partial(server_data.profile, self._client), self._on_profile_loaded,
                             self._on_profile_failed)

    def _on_profile_loaded(self, profile: server_data.Profile) -> None:
        self._profile = profile
        ends = parse_time(profile.expires_at) if profile.expires_at else None
        self.window.show_expiry(ends, dt.datetime.now(dt.UTC))

    def _on_profile_failed(self, error: AgentError) -> None:
        self.window.show_error(self.tr("Could not read your account's end date: {0}").format(error))

    # --- connection codes -------------------------------------------------------------------

    def request_code(self) -> None:
        """Ask the server for a new connection code (in the background)."""
        self.window.set_code_busy(True)
        self._runner.run(self._client.create_code, self._on_code_issued, self._on_code_failed)

    def _on_code_issued(self, issued: IssuedCode) -> None:
        self.window.set_code_busy(False)
        record = self._book.add(issued.session_id, issued.code, issued.connect_url, issued.secret,
                                self._clock() + issued.expires_in,
                                session_password=make_session_password(self._options))
        self.window.show_new_code(record)
        self._refresh()
        self._events.record("code", code=issued.code, session_id=issued.session_id,
                            expires_at=issued.expires_at, connect_url=issued.connect_url,
                            session_password=bool(record.session_password))

    def _on_code_failed(self, error: AgentError) -> None:
        self.window.set_code_busy(False)
        if isinstance(error, ApiError) and error.status == HTTP_UNAUTHORIZED:
            self._on_login_refused(str(error))
            return
        self.window.show_error(str(error))
        self._events.record("code_failed", detail=str(error))

    def _expire_codes(self) -> None:
        if self._book.expire_due(self._clock()):
            self._refresh()

    # --- pushes ---------------------------------------------------------------------------

    def _on_bridge_posted(self, report: object) -> None:
        if self._stopped:
            return  # queued before the listener stopped
        if isinstance(report, PushEvent):
            self._on_push(report)
        elif isinstance(report, PushStatus):
            self._on_push_status(report)

    def _on_push_status(self, status: PushStatus) -> None:
        self.window.show_push_status(status)
        if status.connected:
            self._events.record("push_connected")
            self._reconcile()
            self.queue.refresh()  # pushes missed while offline
            self._auto_code()
        else:
            self._events.record("push_disconnected", reason=status.reason, final=status.final)
            if status.final:
                self._on_login_refused(status.reason)

    def _on_handover_told(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    def _on_push(self, event: PushEvent) -> None:
        if self.handover.on_push(event) or self.queue.on_push(event):
            return
        sid = str(event.data.get("session_id", ""))
        if event.kind == "icon_session":
            self._icon_session(event.data)
        elif event.kind == "customer_joined":
            self._customer_joined(sid, str(event.data.get("pc_name") or ""), str(event.data.get("os") or ""))
        elif event.kind == "session_ended":
            self._server_ended(sid, str(event.data.get("reason") or ""))
        elif event.kind == "options_changed" and isinstance(event.data.get("options"), dict):
            self._apply_options(event.data["options"])
        elif event.kind == "logged_out":
            reason = str(event.data.get("reason") or "").strip().rstrip(".")
            self._login_ended(self.tr("You were logged out: {0}. Log in again to continue.").format(
                reason or self.tr("the server ended your login")))
        else:
            log.debug("ignored push %s", event.kind)

    def _icon_session(self, data: dict[str, object]) -> None:
        """A customer chose this agent's icon on an icon page: the server made the code; take it like our own."""
        sid, expires_at = str(data.get("session_id") or ""), str(data.get("expires_at") or "")
        if not sid or self._book.get(sid) is not None:
            return  # told twice: the code (and its session password) stays as first shown
        issued = IssuedCode(sid, str(data.get("code") or ""), expires_at, seconds_left(expires_at),
                            str(data.get("connect_url") or ""), str(data.get("secret") or ""))
        record = self._book.add(issued.session_id, issued.code, issued.connect_url, issued.secret,
                                self._clock() + issued.expires_in,
                                session_password=make_session_password(self._options))
        self.window.show_new_code(record)
        self._refresh()
        name = str(data.get("customer_name") or "").strip()
        notice = self.tr("A customer chose your icon ({0}).").format(name or self.tr("no name given"))
        self.window.code_panel.say(notice)
        self.window.statusBar().showMessage(notice, ICON_NOTICE_MS)
        QApplication.alert(self.window)
        self._events.record("icon_session", code=issued.code, session_id=sid, expires_at=expires_at,
                            customer_name=name, page=str(data.get("page") or ""), icon=data.get("icon"),
                            session_password=bool(record.session_password))

    def _customer_joined(self, sid: str, pc_name: str, os_name: str) -> None:
        record = self._book.apply(sid, Event.CUSTOMER_JOINED, pc_name=pc_name, os=os_name)
        if record is None:
            return  # not a code of ours, or already handled
        self._events.record("customer_joined", session_id=sid, pc_name=pc_name, os=os_name)
        self._refresh()
        self._launcher.launch(ViewerRequest(self._login.server_url, self._client.tls, sid,
                                            self._login.token, record.secret,
                                            password=record.session_password, policy=dict(self._raw_options)))

    def _server_ended(self, sid: str, reason: str) -> None:
        if self._apply(sid, Event.SERVER_ENDED, detail=reason) is not None:
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

    # --- viewer processes and the end of a session -----------------------------------------

    def _on_launcher_started(self, sid: str, pid: int) -> None:
        self._apply(sid, Event.VIEWER_STARTED)
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
        self._events.record("viewer_exited", session_id=sid, code=code, crashed=crashed)
        self._apply(sid, event, detail=detail)
        self._refresh()

    def _on_launcher_output(self, sid: str, line: str) -> None:
        self._events.record("viewer_output", session_id=sid, line=line)

    def _on_launcher_failed(self, sid: str, reason: str) -> None:
        self.window.show_error(reason)
        self._events.record("viewer_failed", session_id=sid, reason=reason)
        self._apply(sid, Event.VIEWER_FAILED, detail=reason)
        self._refresh()

    def _apply(self, sid: str, event: Event, **changes: str) -> SessionRecord | None:
        """Apply ``event`` to the book; a session with a customer that ends asks for its support log."""
        before = self._book.get(sid)
        after = self._book.apply(sid, event, **changes)
        if before is not None and after is not None and before.state in ACTIVE and after.state in FINAL:
            self._ask_for_log(after)
        return after

    def _ask_for_log(self, record: SessionRecord) -> None:
        if self._quitting or self._options.support_log == "off":
            return
        mode = self._options.support_log
        self._desk.open(EndedSession(record.session_id, record.code, record.pc_name), mode)
        self._events.record("support_log_asked", session_id=record.session_id, mode=mode)

    def _on_desk_saved(self, sid: str) -> None:
        self._events.record("support_log_saved", session_id=sid)

    # --- view -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        records: list[SessionRecord] = self._book.records()
        self.window.show_sessions(records)
        state = self._book.agent_state
        if state is not self._state:
            self._state = state
            self.window.show_state(state)
            self._events.record("state", state=state.value)
            if self._options.agent_user_status and not self._stopped:
                self.team.refresh()  # our own row changes with our state: do not wait for the next tick

    def show_history(self) -> None:
        """Open (or raise) the support history and load it."""
        if self.history is None:
            self.history = HistoryDialog(self._runner, functools.partial(server_data.history, self._client),
                                         functools.partial(server_data.history_detail, self._client), self.window)
        self.history.show()
        self.history.raise_()
        self.history.refresh()

    # --- the end of the login ---------------------------------------------------------------

    def _on_idle_timed_out(self) -> None:
        minutes = self.idle.minutes or 0
        self._login_ended(self.tr("You were logged out after %n minute(s) without activity. "
                                  "Log in again to continue.", "", minutes))

    def _on_login_refused(self, reason: str) -> None:
        reason = reason.strip().rstrip(".")
        self._login_ended(self.tr("Your login has ended ({0}). Log in again to continue.").format(reason))

    def _login_ended(self, sentence: str) -> None:
        """End this login (viewers, listener, window; logout in the background) and say why."""
        if self._stopped:
            return
        self._events.record("logged_out", reason=sentence)
        self.end_login()
        self.logged_out.emit(sentence)

    def _stop_work(self) -> None:
        self._stopped = True
        self._auto_code_pending = False
        self._expiry_timer.stop()
        self.idle.stop()
        self.team.stop()
        self._listener.stop()
        if self.chat.pending_saves():
            log.warning("%d chat line(s) were not saved on the server yet", self.chat.pending_saves())
        self.queue.shutdown()
        self.chat.shutdown()

    def end_login(self) -> None:
        """Forced or idle logout: end viewers (their sessions ask for logs, kept by the desk), close the
        window, log out in the background and emit ``finished`` afterwards; idempotent."""
        if self._stopped:
            return
        self._stop_work()
        self._launcher.terminate_all()  # exits arrive now: sessions end here and ask for their logs
        self._connect_launcher(False)
        self._desk.saved.disconnect(self._on_desk_saved)
        self._desk.detach()
        if self.history is not None:
            self.history.close()
        self.window.dismiss()
        self._runner.run(self._client.logout, self._on_logout_done, self._on_logout_done)

    def _on_logout_done(self, _: object) -> None:
        self._client.close()
        self.window.deleteLater()
        self.finished.emit()

    def shutdown(self, logout_timeout_ms: int = 3000) -> None:
        """The app quits: stop listening, end viewers, log out (bounded wait); idempotent."""
        if self._stopped:
            return
        self._quitting = True
        self._stop_work()
        self._launcher.terminate_all()
        self._connect_launcher(False)
        self._desk.saved.disconnect(self._on_desk_saved)
        if self._own_desk:
            self._desk.close_all()
        else:
            self._desk.detach()
        self._runner.forget()
        self._runner.run(self._client.logout, lambda _: None, lambda _: None)
        if self._runner.wait(logout_timeout_ms):
            self._client.close()
        else:
            log.warning("logging out took too long; quitting anyway")
        self._runner.forget()
