"""The host's guarantees, with the real HostSession and a real relay: nothing leaves before consent.

The customer's side runs in-process (HostSession with a fake injector — a collaborator at the seam)
so the test can hold the consent answer back; the viewer side is a real ViewerSession.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from host_module.join import join_by_code
from host_module.session import ConsentNeeded, HostPolicy, HostSession
from protocol.events import SessionEnded, SessionLive
from protocol.session import Role
from tests.unit.test_injection_gate import FakeInjector
from tests.xvfb import XvfbDisplay
from tools.harness import issue_code
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
