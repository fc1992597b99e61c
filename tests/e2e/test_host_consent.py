"""The host's guarantees, with the real HostSession and a real relay: nothing leaves before consent.

The customer's side runs in-process (HostSession with a fake injector — a collaborator at the seam)
so the test can hold the consent answer back; the viewer side is a real ViewerSession. The
pre-consent box tests run the whole HostApp in-process (its windows on the test's Qt display,
capture on the customer's Xvfb); ``CustomerSide`` builds it for tests/e2e/test_host_permissions.py too.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from host_module.app import HostApp
from host_module.join import join_by_code
from host_module.options import HostOptions
from host_module.session import ConsentNeeded, HostPolicy, HostSession
from protocol.events import SessionEnded, SessionLive
from protocol.session import Role
from tests.unit.test_injection_gate import FakeInjector
from tests.xvfb import XvfbDisplay
from tools.harness import IssuedCode, issue_code
from tools.server_process import RunningServer
from transport.link import LinkConfig, relay_url
from viewer.session import DecodedFrame, ViewerSession

pytestmark = pytest.mark.e2e


class Recorder:
    """Collects events from worker threads; ``wait_for`` blocks until one of a type arrives."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self.arrived = threading.Condition()

    def __call__(self, event: object) -> None:
        with self.arrived:
            self.events.append(event)
            self.arrived.notify_all()

    def wait_for(self, kind: type, timeout: float = 20.0) -> object:
        with self.arrived:
            self.arrived.wait_for(lambda: any(isinstance(e, kind) for e in self.events), timeout)
            found = [e for e in self.events if isinstance(e, kind)]
        assert found, f"no {kind.__name__} within {timeout} s; got {self.events}"
        return found[0]

    def count(self, kind: type) -> int:
        with self.arrived:
            return sum(isinstance(e, kind) for e in self.events)


def viewer_for(server: RunningServer, issued: IssuedCode, recorder: Recorder,
               secret: bytes | None = None) -> ViewerSession:
    return ViewerSession(LinkConfig(relay_url(server.url, issued.session_id, Role.VIEWER), issued.token,
                                    Role.VIEWER, secret or bytes.fromhex(issued.secret), server.ssl_context()),
                         recorder)


def wait_qt(qtbot: QtBot, condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Wait while the GUI thread keeps running (the HostApp answers on it)."""
    qtbot.waitUntil(lambda: bool(condition()), timeout=int(timeout * 1000))


_KEEP: list[object] = []


@dataclasses.dataclass
class CustomerSide:
    """An in-process HostApp and a real ViewerSession of one session."""

    app: HostApp
    viewer: ViewerSession
    viewer_events: Recorder
    opened: list[str]

    def close(self) -> None:
        self.viewer.close()
        if self.app.ended_reason is None:
            self.app.end_now("the test is over")
        self.app.session.close()
        self.app.bridge.posted.disconnect()  # no late event reaches an app the test let go
        self.app.notice.close()
        _KEEP.append(self)  # Qt objects stay alive until the process ends: no deletion under a queued event


def customer_side(server: RunningServer, display: str, policy: dict[str, object] | None = None,
                  **options: object) -> CustomerSide:
    """Join a fresh code with ``policy`` (the host enforces what the join answer says) and start both ends."""
    issued = issue_code(server)
    ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
    if policy is not None:
        ticket = dataclasses.replace(ticket, policy={**ticket.policy, **policy})
    settings: dict[str, object] = {"server": server.url, "fingerprint": server.fingerprint, "ca_cert": None,
                                   "code": None, "display": display, "accept": False, "grant_control": False,
                                   "events_stdout": False, "browser": True, **options}
    opened: list[str] = []
    app = HostApp(HostOptions(**settings), ticket, open_url=opened.append,  # type: ignore[arg-type]
                  quit_app=lambda: None)
    viewer_events = Recorder()
    viewer = viewer_for(server, issued, viewer_events)
    app.start()
    viewer.start()
    return CustomerSide(app, viewer, viewer_events, opened)


@pytest.fixture()
def sides(server: RunningServer, xvfb: XvfbDisplay) -> Iterator[tuple[HostSession, Recorder, Recorder]]:
    issued = issue_code(server)
    ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
    host_events, viewer_events = Recorder(), Recorder()
    host = HostSession(LinkConfig(relay_url(server.url, ticket.session_id, Role.HOST), ticket.host_token,
                                  Role.HOST, ticket.secret, server.ssl_context()),
                       xvfb.name, FakeInjector(), host_events, HostPolicy())
    viewer = ViewerSession(LinkConfig(relay_url(server.url, issued.session_id, Role.VIEWER), issued.token,
                                      Role.VIEWER, bytes.fromhex(issued.secret), server.ssl_context()),
                           viewer_events)
    host.start()
    viewer.start()
    yield host, host_events, viewer_events
    viewer.close()
    host.close()


def test_nothing_is_captured_or_sent_while_the_customer_has_not_answered(
        sides: tuple[HostSession, Recorder, Recorder]) -> None:
    host, host_events, viewer_events = sides
    asked = host_events.wait_for(ConsentNeeded)
    time.sleep(1.5)  # the customer reads the question; the host must stay silent meanwhile
    assert host.pump.frames_sent == 0
    assert viewer_events.count(DecodedFrame) == 0 and viewer_events.count(SessionLive) == 0
    host.accept()
    viewer_events.wait_for(SessionLive)
    viewer_events.wait_for(DecodedFrame)
    assert len(asked.sas) == 6  # type: ignore[attr-defined]


def test_a_refusal_ends_the_session_for_the_agent_with_the_reason(
        sides: tuple[HostSession, Recorder, Recorder]) -> None:
    host, host_events, viewer_events = sides
    host_events.wait_for(ConsentNeeded)
    host.refuse("the customer refused the connection")
    ended = viewer_events.wait_for(SessionEnded)
    assert ended.reason == "the customer refused the connection"  # type: ignore[attr-defined]
    assert host.pump.frames_sent == 0 and viewer_events.count(DecodedFrame) == 0


def test_after_end_a_late_consent_starts_nothing(sides: tuple[HostSession, Recorder, Recorder]) -> None:
    host, host_events, viewer_events = sides
    host_events.wait_for(ConsentNeeded)
    host.end("ended by the customer")
    host.accept()
    host.grant_control()
    viewer_events.wait_for(SessionEnded)
    time.sleep(0.5)
    assert host.pump.frames_sent == 0 and not host.gate.granted


def test_the_pre_consent_box_names_company_agent_and_recording(server: RunningServer, xvfb: XvfbDisplay,
                                                               qtbot: QtBot) -> None:
    side = customer_side(server, xvfb.name, {"recording_customer": True, "recording_notice_in_consent": True})
    try:
        wait_qt(qtbot, lambda: side.app.consent_box is not None)
        box = side.app.consent_box
        assert box is not None and box.isVisible()
        text = box.text()
        assert side.app.ticket.agent_name in text and side.app.ticket.company in text
        assert "recorded" in text and "sees your whole screen" in text
        assert side.app.session.pump.frames_sent == 0 and side.viewer_events.count(SessionLive) == 0
    finally:
        side.close()


def test_no_recording_notice_when_the_notice_option_is_off(server: RunningServer, xvfb: XvfbDisplay,
                                                          qtbot: QtBot) -> None:
    side = customer_side(server, xvfb.name, {"recording_customer": True, "recording_notice_in_consent": False})
    try:
        wait_qt(qtbot, lambda: side.app.consent_box is not None)
        assert side.app.consent_box is not None and "recorded" not in side.app.consent_box.text()
    finally:
        side.close()


def test_refusing_in_the_box_ends_the_session_and_the_viewer_gets_the_reason(
        server: RunningServer, xvfb: XvfbDisplay, qtbot: QtBot) -> None:
    side = customer_side(server, xvfb.name)
    try:
        wait_qt(qtbot, lambda: side.app.consent_box is not None)
        box = side.app.consent_box
        assert box is not None
        refuse = next(b for b in box.buttons() if b.text() == "Refuse")
        QTest.mouseClick(refuse, Qt.MouseButton.LeftButton)
        wait_qt(qtbot, lambda: side.viewer_events.count(SessionEnded))
        ended = side.viewer_events.wait_for(SessionEnded)
        assert ended.reason == "the customer refused the connection"  # type: ignore[attr-defined]
        assert side.viewer_events.count(DecodedFrame) == 0 and side.opened == []  # never live: no end pages
    finally:
        side.close()


def test_without_pre_consent_the_host_goes_live_at_once(server: RunningServer, xvfb: XvfbDisplay) -> None:
    issued = issue_code(server)
    ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
    host_events, viewer_events = Recorder(), Recorder()
    host = HostSession(LinkConfig(relay_url(server.url, ticket.session_id, Role.HOST), ticket.host_token,
                                  Role.HOST, ticket.secret, server.ssl_context()),
                       xvfb.name, FakeInjector(), host_events, HostPolicy(pre_consent=False))
    viewer = viewer_for(server, issued, viewer_events)
    host.start()
    viewer.start()
    try:
        viewer_events.wait_for(SessionLive)
        viewer_events.wait_for(DecodedFrame)
        assert host_events.count(ConsentNeeded) == 0
    finally:
        viewer.close()
        host.close()
