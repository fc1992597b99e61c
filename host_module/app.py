"""The customer program's Qt side: code and password dialogs, consent boxes, notice window, end pages.

Rules: the HostSession (no Qt) does the work; this module only asks the customer
and shows state. Events reach it through the EventBridge on the GUI thread, each tagged with the
session it came from; only the session in charge's are handled. Each box answers the session it was
asked for. Under customer_alert_lock the agent's input is held back while any consent box is open,
so the agent cannot answer the boxes; without it the agent may. End pages open only
after a session that went live. Hooks for parts owned elsewhere are marked HOOK.
Transfer (``hand_over``, after the customer agreed): the new agent's session follows the one in charge
(host_module.session) with the same policy but no pre-consent. If its link ends before it is live, nothing
changed and ``on_failed`` says why. Once it took over, the old session's events are ignored, its boxes
close, its link ends with "the session was handed to <agent>", and the boxes, the notice window, the record
on the server and the end pages are the new agent's and the new session's; ``on_transfer`` hooks run.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from capture.blinders import BlinderSet
from capture.screen import Monitor
from capture.windows import open_windows
from host_module.blinder_editor import BlinderController
from host_module.customer_watch import CustomerPointerWatch
from host_module.dialogs import (
    consent_box,
    control_box,
    customer_reason,
    permission_box,
)
from host_module.end_pages import OpenUrl, open_end_pages, open_in_browser
from host_module.join import JoinTicket
from host_module.notice import NoticeWindow
from host_module.options import HostOptions
from host_module.permissions import GrantLog, PermissionAsked, customer_log_path
from host_module.policy import AGENT_RECORDING, HostPolicy
from host_module.record_poster import RecordPoster, server_post
from host_module.recording import RecordingController
from host_module.session import ENDING_EVENTS, ConsentNeeded, ControlAsked, ControlState, HostSession
from host_module.startup import obtain_password
from host_module.tools import install_tools
from input_injection.injector import PynputInjector
from input_injection.pointer import pointer_reader
from protocol.crypto import password_secret
from protocol.events import HandshakeComplete, SessionEnded, SessionLive
from protocol.session import Role
from transport.events import LinkReconnecting, LinkResumed
from transport.link import LinkConfig, relay_url
from transport.tls import pinned_session
from ui.bridge import EventBridge


def emit_json(enabled: bool, record: dict[str, object]) -> None:
    if enabled:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


TRANSFER_TIMEOUT_MS = 180_000  # the new agent's link must be live by then (their invitation lasts 120 s)


def handed_over_reason(agent: str) -> str:
    """The end reason of the old link after a transfer (English, like every protocol reason)."""
    return f"the session was handed to {agent}"


@dataclasses.dataclass(frozen=True, slots=True)
class FromSession:
    """An event of one HostSession, carried to the GUI thread (the app handles only the one in charge's)."""

    session: HostSession
    event: object


class SessionEvents:
    """A HostSession's ``on_event``: posts its events tagged with the session (set once it is made)."""

    def __init__(self, post: Callable[[object], None]) -> None:
        self._post = post
        self.session: HostSession | None = None

    def __call__(self, event: object) -> None:
        if self.session is not None:
            self._post(FromSession(self.session, event))


@dataclasses.dataclass
class Transfer:
    """A transfer under way: the new agent's session, not live yet."""

    session: HostSession
    previous: HostSession
    agent: str
    session_id: str
    host_token: str = dataclasses.field(repr=False)
    on_failed: Callable[[str], None]
    sas: str = ""


class HostApp:
    """Runs one support session for the customer."""

    def __init__(self, options: HostOptions, ticket: JoinTicket, *, password: str | None = None,
                 open_url: OpenUrl = open_in_browser, quit_app: Callable[[], None] = QApplication.quit) -> None:
        self.options = options
        self.ticket = ticket
        self.policy = HostPolicy.from_answer(ticket.policy)
        self.open_url = open_url
        self._quit = quit_app
        self.agent_name = ticket.agent_name  # the agent in charge: the customer's boxes name them
        self.session_id = ticket.session_id  # the session in charge's id on the server
        self.bridge = EventBridge()
        self.bridge.connect_handler(self._on_bridge_posted)
        self.notice = NoticeWindow(ticket.agent_name, ticket.company, blinders=self.policy.blinder)
        self.notice.end_requested.connect(self._on_notice_end_requested)
        self.notice.revoke_requested.connect(self._on_notice_revoke_requested)
        self.notice.pause_toggled.connect(self._on_notice_pause_toggled)
        if self.policy.session_password and password is None:
            password = obtain_password(options, ticket.agent_name)
        self.password_used = password is not None
        secret = password_secret(ticket.secret, password) if password is not None else ticket.secret
        config = LinkConfig(relay_url(options.server, ticket.session_id, Role.HOST), ticket.host_token,
                            Role.HOST, secret, ticket.ssl_context)
        self.injector = PynputInjector(options.display or "")
        self.grants = GrantLog(ticket.session_id, customer_log_path(), self.bridge.post)
        self.record = self._record_poster(ticket.session_id, ticket.host_token)
        self._blinder_source = open_windows(options.display)  # read on the video thread
        self._window_lister = open_windows(options.display)  # read by the editor (GUI thread)
        self.blinder_set = BlinderSet(self._blinder_source)
        self.blinders = BlinderController(self.blinder_set, ticket.policy or {}, self._window_lister)
        self.notice.blinders_requested.connect(self.blinders.open_editor)
        first = self._new_session(config, self.policy)
        self._video = first.video  # its session is the one in charge (a transfer moves it)
        self._transfer: Transfer | None = None
        self._handed_over: list[HostSession] = []
        self.customer_watch = None if self.policy.simultaneous_control else CustomerPointerWatch(
            pointer_reader(options.display), lambda: self.injector.last_target,
            self._note_customer_input)
        self.recording = RecordingController(self.policy, request_keyframe=self.session.pump.request_keyframe)
        self.session.pump.add_packet_listener(self.recording.on_packet)
        self.recording.recording_changed.connect(self._on_recording_changed)
        self.recording.failed.connect(self._show_recording_failure)
        self.on_permission: list[Callable[[str, bool], None]] = [self._on_permission_granted]
        self.notice.attach_chat(self.session)
        self._boxes: list[QMessageBox] = []
        self.consent_box: QMessageBox | None = None
        self.was_live = False
        self.opened_pages: list[str] = []
        self.ended_reason: str | None = None
        self.ended_on_error = False
        self.gui_handlers: dict[type, list[Callable[[object], None]]] = {}  # tools' events, on the GUI thread
        self.on_finish: list[Callable[[], None]] = []  # tools' clean-up when the session ends
        self.on_transfer: list[Callable[[], None]] = []  # tools' reset when another agent took over (GUI thread)
        self._dispatch: dict[type, Callable[[Any], None]] = {
            ConsentNeeded: lambda event: self._ask_consent(event.sas),
            ControlAsked: lambda _event: self._ask_control(),
            PermissionAsked: self._ask_permission,
            ControlState: lambda event: self.notice.set_control(event.granted),
            dict: self._on_grant_entry,
            HandshakeComplete: self._on_secured,
            SessionLive: lambda _event: self._on_live(),
            Monitor: lambda event: self.blinders.set_monitor(event.left, event.top, event.width, event.height),
            LinkReconnecting: self._on_reconnecting,
            LinkResumed: self._on_resumed,
            **dict.fromkeys(ENDING_EVENTS, self._on_ending),
        }
        self.tools = install_tools(self)

    @property
    def session(self) -> HostSession:
        """The session in charge: a transfer's session once it took over (host_module.session)."""
        return self._video.session

    def _new_session(self, config: LinkConfig, policy: HostPolicy, follows: HostSession | None = None) -> HostSession:
        events = SessionEvents(self.bridge.post)
        session = HostSession(config, self.options.display, self.injector, events, policy, grants=self.grants,
                              blinders=self.blinder_set, follows=follows)
        events.session = session
        return session

    def _note_customer_input(self) -> None:
        self.session.note_customer_input()  # the session in charge: a transfer changes it

    def _record_poster(self, session_id: str, host_token: str) -> RecordPoster:
        options = self.options
        return RecordPoster(server_post(
            lambda: pinned_session(options.server, fingerprint=options.fingerprint, cafile=options.ca_cert),
            options.server, session_id, host_token))

    def on_gui(self, event_type: type, handler: Callable[[object], None]) -> None:
        """Call ``handler(event)`` on the GUI thread for every ``event_type`` posted to ``bridge``."""
        self.gui_handlers.setdefault(event_type, []).append(handler)

    def start(self) -> None:
        self.notice.show()
        self.notice.place_top_right()
        self.session.start()
        self._emit({"event": "joined", "session_id": self.ticket.session_id})

    def _emit(self, record: dict[str, object]) -> None:
        emit_json(self.options.events_stdout, record)

    def _on_bridge_posted(self, event: object) -> None:
        if isinstance(event, FromSession):
            if not self._admitted(event.session, event.event):
                return
            event = event.event
        self._on_session_event(event)
        for handler in self.gui_handlers.get(type(event), ()):
            handler(event)

    def _admitted(self, session: HostSession, event: object) -> bool:
        """Whether ``event`` of ``session`` is handled: the session in charge's are; a transfer's own are its."""
        transfer = self._transfer
        if transfer is not None and session is transfer.session:
            return self._on_transfer_event(transfer, event)
        return session is self.session

    def _on_session_event(self, event: object) -> None:
        handler = self._dispatch.get(type(event))
        if handler is not None:
            handler(event)

    def _on_secured(self, event: HandshakeComplete) -> None:
        self.notice.set_sas(event.sas)
        self.notice.show_secured()
        self._emit({"event": "secured", "sas": event.sas})

    def _on_reconnecting(self, event: LinkReconnecting) -> None:
        self.notice.show_reconnecting(event.peer)
        self._emit({"event": "reconnecting", "peer": event.peer, "reason": event.reason})

    def _on_resumed(self, event: LinkResumed) -> None:
        self.notice.show_resumed(event.sas)
        self._emit({"event": "resumed", "sas": event.sas})

    def _on_ending(self, event: SessionEnded) -> None:
        self._finish(event.reason, failed=not isinstance(event, SessionEnded))

    def _on_live(self) -> None:
        if self.was_live:
            return  # a transfer's session went live: the session goes on (see _complete_transfer)
        self.was_live = True
        self.notice.show_live()
        self._emit({"event": "live"})
        self.blinders.sharing_started()  # outlines on; the editor once when blinder_autorun applies
        if self.customer_watch is not None:
            self.customer_watch.start()  # without simultaneous_control the customer's moves hold the agent's
        if self.policy.recording_customer and not self.recording.needs_consent:
            self.recording.start(consented=False)  # allowed without asking: recording_consent is off

    def _on_permission_granted(self, kind: str, granted: bool) -> None:
        """A recording request answered: start or stop the recording; the agent's blinder menu: the editor."""
        if kind == "blinders" and granted:
            self.blinders.open_editor()
        if kind != "recording":
            return
        if granted:
            self.recording.start(consented=True)
        else:
            self.recording.stop()

    def _on_recording_changed(self, recording: bool) -> None:
        self._emit({"event": "recording", "on": recording})

    def _show_recording_failure(self, text: str) -> None:
        self._emit({"event": "recording_failed", "reason": text})

    def _on_grant_entry(self, entry: dict[str, object]) -> None:
        self._emit(entry)
        self.record.add(entry)
        kind = str(entry["kind"])
        if (kind, entry.get("detail")) == ("recording", AGENT_RECORDING):
            kind = "agent_recording"  # the agent records on their PC: not the customer's recording
        for listener in self.on_permission:
            listener(kind, bool(entry["granted"]))

    def _ask_consent(self, sas: str) -> None:
        if self.options.accept:
            self.session.accept()
            return
        box = consent_box(self.agent_name, self.ticket.company, sas, self.notice,
                          recording=self.policy.mentions_recording,
                          control_at_start=self.policy.control_auto_enable and self.policy.control_allowed)
        box.finished.connect(lambda _r: self._on_consent_answered(box))
        self.consent_box = box
        self._open(box)

    def _on_consent_answered(self, box: QMessageBox) -> None:
        if _accepted(box):
            self.session.accept()
        else:
            self.session.refuse()

    def _ask_control(self) -> None:
        session = self.session
        if session.gate.granted or any(b.property("ferry_kind") == "control" for b in self._boxes):
            return  # already granted, or the customer is still answering the last request
        if self.options.grant_control:
            session.grant_control()
            self._emit({"event": "control_granted"})
            return
        box = control_box(self.agent_name, self.notice)
        box.setProperty("ferry_kind", "control")
        box.finished.connect(lambda _r: self._on_control_answered(box, session))
        self._open(box)

    def _on_control_answered(self, box: QMessageBox, session: HostSession) -> None:
        if session is not self.session:
            return  # asked for an agent who handed the session over
        if _accepted(box):
            session.grant_control()
            self._emit({"event": "control_granted"})
        else:
            session.revoke_control("the customer refused control")

    def _ask_permission(self, asked: PermissionAsked) -> None:
        session = self.session
        box = permission_box(self.agent_name, asked.kind, asked.detail, self.notice)
        box.finished.connect(lambda _r: session.answer_permission(asked.request_id, _accepted(box)))
        self._open(box)

    def _open(self, box: QMessageBox) -> None:
        box.setWindowModality(Qt.WindowModality.NonModal)  # End and Take back stay usable meanwhile
        box.finished.connect(lambda _r: self._close_box(box))
        self._boxes.append(box)
        self._hold_input()
        box.show()
        box.raise_()

    def _close_box(self, box: QMessageBox) -> None:
        if box in self._boxes:
            self._boxes.remove(box)
        self._hold_input()

    def _hold_input(self) -> None:
        """customer_alert_lock: the agent's input waits while any consent box is open."""
        self.session.hold_input(self.policy.customer_alert_lock and bool(self._boxes))

    def _on_notice_revoke_requested(self) -> None:
        self.session.revoke_control()

    def _on_notice_pause_toggled(self, paused: bool) -> None:
        reason = "the customer paused sharing" if paused else "the customer resumed sharing"
        if self.session.pause_sharing(paused, reason):
            self._emit({"event": "sharing", "paused": paused})
        self.notice.show_paused(self.session.paused)

    def _on_notice_end_requested(self) -> None:
        self.end_now("ended by the customer")

    def hand_over(self, session_id: str, host_token: str, secret: bytes, agent: str,
                  on_failed: Callable[[str], None]) -> str | None:
        """Open the session ``agent`` takes over (the customer agreed; see the module rules).

        None when it is under way, else why not (English, for the agent). ``on_failed(reason)`` is called on
        the GUI thread if the new link ends before it is live; the old session then simply goes on.
        """
        if self._transfer is not None:
            return "the session is being handed over already"
        if not self.session.live or self.ended_reason is not None:
            return "the session is not live"
        config = LinkConfig(relay_url(self.options.server, session_id, Role.HOST), host_token, Role.HOST, secret,
                            self.ticket.ssl_context)
        policy = dataclasses.replace(self.policy, pre_consent=False)  # the customer agreed to the transfer
        previous = self.session
        transfer = Transfer(self._new_session(config, policy, follows=previous), previous, agent, session_id,
                            host_token, on_failed)
        self._transfer = transfer
        transfer.session.start()
        QTimer.singleShot(TRANSFER_TIMEOUT_MS, lambda: self._transfer_failed(
            transfer, f"{agent} did not connect in time"))
        self._emit({"event": "transfer", "agent": agent, "session_id": session_id})
        return None

    def _on_transfer_event(self, transfer: Transfer, event: object) -> bool:
        """An event of the transfer's session: whether the app handles it as the session in charge's."""
        if isinstance(event, HandshakeComplete):
            transfer.sas = event.sas  # shown once it took over
            return False
        if transfer.session.in_charge:
            self._complete_transfer(transfer)
            return not isinstance(event, SessionLive)
        if isinstance(event, ENDING_EVENTS):
            self._transfer_failed(transfer, event.reason)
        return False

    def _complete_transfer(self, transfer: Transfer) -> None:
        """The new agent's session took over: end the old link, close its boxes, name the new agent."""
        self._transfer = None
        previous = transfer.previous
        previous.end(handed_over_reason(transfer.agent))
        self._handed_over.append(previous)
        for box in list(self._boxes):
            box.close()  # questions of the agent who left; each answers its own session, which is over
        self.agent_name, self.session_id = transfer.agent, transfer.session_id
        self.record.close(wait_s=0)  # what is queued still goes to the old session's record
        self.record = self._record_poster(transfer.session_id, transfer.host_token)
        self.notice.show_transferred(transfer.agent, self.ticket.company, transfer.sas, self.session)
        self.notice.set_control(self.session.gate.granted)
        self._hold_input()
        self._emit({"event": "transferred", "agent": transfer.agent, "session_id": transfer.session_id})
        for reset in self.on_transfer:
            reset()

    def _transfer_failed(self, transfer: Transfer, reason: str) -> None:
        if self._transfer is not transfer:
            return  # it took over, failed already or the session ended
        self._transfer = None
        transfer.session.end(reason)
        threading.Thread(target=transfer.session.close, name="ferry-transfer-close", daemon=True).start()
        self._emit({"event": "transfer_failed", "agent": transfer.agent, "reason": reason})
        transfer.on_failed(reason)

    def _close_transfer(self, reason: str) -> None:
        """The session ends: a transfer under way ends with it; handed-over links are closed."""
        transfer, self._transfer = self._transfer, None
        if transfer is not None:
            transfer.session.end(reason)
            transfer.session.close()
        for previous in self._handed_over:
            previous.close()

    def end_now(self, reason: str) -> None:
        """End the session for both sides and quit."""
        self.session.end(reason)
        self._finish(reason)

    def _finish(self, reason: str, failed: bool = False) -> None:
        if self.ended_reason is not None:
            return
        self.ended_reason = reason
        self.ended_on_error = failed
        if self.customer_watch is not None:
            self.customer_watch.stop()
        self._close_transfer(reason)
        self.session.close()
        for path in self.recording.stop():
            self._emit({"event": "recording_saved", "path": str(path)})
        self.blinders.close()
        for clean_up in self.on_finish:
            clean_up()
        self.record.close()
        for source in (self._blinder_source, self._window_lister):
            if source is not None:
                source.close()
        self.injector.close()
        for box in list(self._boxes):
            box.close()
        shown = customer_reason(reason, self.password_used)
        self.notice.show_ended(shown)
        self._emit({"event": "ended", "reason": reason, "frames_sent": self.session.pump.frames_sent,
                    "video_bytes": self.session.pump.bytes_sent, "input_dropped": self.session.gate.dropped})
        if self.was_live:
            self._open_end_pages()
        if failed and not self.was_live and not self.options.accept:
            self._show_failure(shown)
        else:
            QTimer.singleShot(800, self._quit)

    def _open_end_pages(self) -> None:
        opener = self.open_url if self.options.browser else _no_browser
        self.opened_pages = open_end_pages(self.policy, self.options.server, self.session_id, opener)
        for url in self.opened_pages:
            self._emit({"event": "end_page", "url": url})

    def _show_failure(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, QApplication.translate("HostDialogs", "Ferry remote support"),
                          text, QMessageBox.StandardButton.Ok, self.notice)
        box.finished.connect(lambda _r: self._quit())
        box.show()
        self.failure_box = box


def _accepted(box: QMessageBox) -> bool:
    return box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole


def _no_browser(_url: str) -> bool:
    return True
