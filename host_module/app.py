"""The customer program's Qt side: code dialog, consent boxes, notice window.

Rules: the HostSession (no Qt) does the work; this module only asks the customer
and shows state. Events reach it through the EventBridge on the GUI thread.
"""

from __future__ import annotations

import json
import sys
import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from host_module.dialogs import CodeDialog, consent_box, control_box
from host_module.errors import JoinError
from host_module.join import JoinTicket, join_by_code
from host_module.notice import NoticeWindow
from host_module.options import HostOptions
from host_module.session import ENDING_EVENTS, ConsentNeeded, ControlAsked, HostPolicy, HostSession
from input_injection.injector import PynputInjector
from protocol.events import HandshakeComplete, SessionEnded, SessionLive
from protocol.session import Role
from transport.link import LinkConfig, relay_url
from ui.bridge import EventBridge


def emit_json(enabled: bool, record: dict[str, object]) -> None:
    if enabled:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


class HostApp:
    """Runs one support session for the customer."""

    def __init__(self, options: HostOptions, ticket: JoinTicket) -> None:
        self.options = options
        self.ticket = ticket
        self.bridge = EventBridge()
        self.bridge.connect_handler(self._on_bridge_posted)
        self.notice = NoticeWindow(ticket.agent_name, ticket.company)
        self.notice.end_requested.connect(self._on_notice_end_requested)
        self.notice.revoke_requested.connect(self._on_notice_revoke_requested)
        config = LinkConfig(relay_url(options.server, ticket.session_id, Role.HOST), ticket.host_token,
                            Role.HOST, ticket.secret, ticket.ssl_context)
        self.injector = PynputInjector(options.display or "")
        self.session = HostSession(config, options.display, self.injector, self.bridge.post, HostPolicy())
        self.notice.attach_chat(self.session)
        self._boxes: list[QMessageBox] = []
        self.ended_reason: str | None = None
        self.ended_on_error = False

    def start(self) -> None:
        self.notice.show()
        self.notice.place_top_right()
        self.session.start()
        emit_json(self.options.events_stdout, {"event": "joined", "session_id": self.ticket.session_id})

    def _on_bridge_posted(self, event: object) -> None:
        if isinstance(event, ConsentNeeded):
            self._ask_consent(event.sas)
        elif isinstance(event, ControlAsked):
            self._ask_control()
        elif isinstance(event, HandshakeComplete):
            self.notice.set_sas(event.sas)
            self.notice.show_secured()
            emit_json(self.options.events_stdout, {"event": "secured", "sas": event.sas})
        elif isinstance(event, SessionLive):
            self.notice.show_live()
            emit_json(self.options.events_stdout, {"event": "live"})
        elif isinstance(event, ENDING_EVENTS):
            self._finish(event.reason, failed=not isinstance(event, SessionEnded))

    def _ask_consent(self, sas: str) -> None:
        if self.options.accept:
            self.session.accept()
            return
        box = consent_box(self.ticket.agent_name, self.ticket.company, sas, self.notice)
        box.finished.connect(lambda _r: self._on_consent_answered(box))
        self._open(box)

    def _on_consent_answered(self, box: QMessageBox) -> None:
        accepted = box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole
        if accepted:
            self.session.accept()
        else:
            self.session.refuse()

    def _ask_control(self) -> None:
        if self.session.gate.granted or any(box.isVisible() for box in self._boxes):
            return  # already granted, or the customer is still answering the last request
        if self.options.grant_control:
            self._grant()
            return
        box = control_box(self.ticket.agent_name, self.notice)
        box.finished.connect(lambda _r: self._on_control_answered(box))
        self._open(box)

    def _on_control_answered(self, box: QMessageBox) -> None:
        if box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole:
            self._grant()
        else:
            self.session.revoke_control("the customer refused control")

    def _grant(self) -> None:
        self.session.grant_control()
        self.notice.set_control(True)
        emit_json(self.options.events_stdout, {"event": "control_granted"})

    def _open(self, box: QMessageBox) -> None:
        box.setWindowModality(Qt.WindowModality.NonModal)  # End and Take back stay usable meanwhile
        box.finished.connect(lambda _r: self._boxes.remove(box) if box in self._boxes else None)
        self._boxes.append(box)
        box.show()

    def _on_notice_revoke_requested(self) -> None:
        self.session.revoke_control()
        self.notice.set_control(False)

    def _on_notice_end_requested(self) -> None:
        self.end_now("ended by the customer")

    def end_now(self, reason: str) -> None:
        """End the session for both sides and quit."""
        self.session.end(reason)
        self._finish(reason)

    def _finish(self, reason: str, failed: bool = False) -> None:
        if self.ended_reason is not None:
            return
        self.ended_reason = reason
        self.ended_on_error = failed
        self.session.close()
        self.injector.close()
        for box in list(self._boxes):
            box.close()
        self.notice.show_ended(reason)
        emit_json(self.options.events_stdout, {
            "event": "ended", "reason": reason, "frames_sent": self.session.pump.frames_sent,
            "video_bytes": self.session.pump.bytes_sent, "input_dropped": self.session.gate.dropped})
        QTimer.singleShot(800, QApplication.quit)


def obtain_ticket(options: HostOptions) -> JoinTicket | None:
    """Join with --code, or ask for the code until it works or the customer cancels."""
    if options.code:
        return join_by_code(options.server, options.code, options.fingerprint, options.ca_cert)
    error = ""
    while True:
        dialog = CodeDialog(error=error)
        if dialog.exec() != CodeDialog.DialogCode.Accepted:
            return None
        try:
            return _join_in_background(options, dialog.code)
        except JoinError as exc:
            error = str(exc)


def _join_in_background(options: HostOptions, code: str) -> JoinTicket:
    """Run the join request off the GUI thread while keeping the GUI responsive."""
    result: list[JoinTicket | Exception] = []
    done = threading.Event()

    def work() -> None:
        try:
            result.append(join_by_code(options.server, code, options.fingerprint, options.ca_cert))
        except Exception as exc:  # handed to the GUI thread, which shows it or raises it
            result.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, daemon=True).start()
    while not done.wait(0.02):
        QApplication.processEvents()
    outcome = result[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome
