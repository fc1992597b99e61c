"""Auto-reconnect with the real HostSession on Xvfb (real capture and encode) and a real ViewerSession.

The host's TCP connection runs through a loopback proxy the test cuts mid-session. The session must come
back by itself: same session, no new code, no second consent, control still granted, and the first
picture after the resume a keyframe that the viewer's fresh decoder shows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from host_module.join import join_by_code
from host_module.session import ConsentNeeded, HostPolicy, HostSession
from protocol.events import SessionEnded, SessionLive
from protocol.messages import ControlGrant
from protocol.session import Role
from tests.e2e.test_host_consent import Recorder
from tests.integration.server_fixture import wait_until
from tests.integration.test_relay_reconnect import CutProxy
from tests.unit.test_injection_gate import FakeInjector
from tests.xvfb import XvfbDisplay
from tools.harness import issue_code
from tools.server_process import RunningServer
from transport.events import LinkClosed, LinkReconnecting, LinkResumed
from transport.link import LinkConfig, relay_url
from viewer.session import DecodedFrame, ViewerSession

pytestmark = pytest.mark.e2e
WINDOW_S = 10.0  # the test seam: shorter than the minute of the product


class Sides:
    """Both ends of one session; the host's leg goes through ``proxy``."""

    def __init__(self, server: RunningServer, display: str, policy: HostPolicy) -> None:
        issued = issue_code(server)
        ticket = join_by_code(server.url, issued.code, server.fingerprint, None)
        self.server, self.issued, self.proxy = server, issued, CutProxy(server.port)
        self.host_events, self.viewer_events = Recorder(), Recorder()
        self.timeline: list[tuple[str, bool]] = []  # ("frame", keyframe) / ("resumed", True), network thread order
        self._lock = threading.Lock()
        host_config = LinkConfig(relay_url(self.proxy.url, ticket.session_id, Role.HOST), ticket.host_token,
                                 Role.HOST, ticket.secret, server.ssl_context(), reconnect_window_s=WINDOW_S)
        self.host = HostSession(host_config, display, FakeInjector(), self.host_events, policy)
        viewer_config = LinkConfig(relay_url(server.url, issued.session_id, Role.VIEWER), issued.token,
                                   Role.VIEWER, bytes.fromhex(issued.secret), server.ssl_context(),
                                   reconnect_window_s=WINDOW_S)
        self.viewer = ViewerSession(viewer_config, self._on_viewer_event, auto_reconnect=True)
        self.viewer.add_packet_listener(lambda frame: self._note("frame", frame.keyframe))
        self.host.start()
        self.viewer.start()

    def _note(self, what: str, flag: bool) -> None:
        with self._lock:
            self.timeline.append((what, flag))

    def _on_viewer_event(self, event: object) -> None:
        if isinstance(event, LinkResumed):
            self._note("resumed", True)
        self.viewer_events(event)

    def after_resume(self) -> list[bool]:
        """The keyframe flags of the VideoFrames received after LinkResumed."""
        with self._lock:
            names = [name for name, _ in self.timeline]
            start = names.index("resumed") + 1 if "resumed" in names else len(names)
            return [flag for _name, flag in self.timeline[start:]]

    def record(self) -> dict[str, Any]:
        with self.server.session() as http:
            answer = http.get(self.server.api(f"/api/v1/sessions/{self.issued.session_id}"), timeout=5,
                              headers={"Authorization": f"Bearer {self.issued.token}"})
        return dict(answer.json())

    def close(self) -> None:
        self.viewer.close()
        self.host.close()
        self.proxy.close()


@pytest.fixture()
def sides(server: RunningServer, xvfb: XvfbDisplay) -> Iterator[Sides]:
    running = Sides(server, xvfb.name, HostPolicy(pre_consent=True))
    yield running
    running.close()


def test_a_cut_link_resumes_with_a_keyframe_without_asking_again(sides: Sides) -> None:
    sides.host_events.wait_for(ConsentNeeded)
    sides.host.accept()
    sides.viewer_events.wait_for(SessionLive)
    sides.host.grant_control()
    sides.viewer_events.wait_for(ControlGrant)
    sides.viewer_events.wait_for(DecodedFrame)
    started_at = sides.record()["started_at"]

    sides.proxy.cut()
    sides.host_events.wait_for(LinkReconnecting)
    sides.viewer_events.wait_for(LinkReconnecting)
    resumed = sides.viewer_events.wait_for(LinkResumed, timeout=WINDOW_S)
    sides.host_events.wait_for(LinkResumed)
    decoded_before = sides.viewer_events.count(DecodedFrame)
    assert wait_until(lambda: sides.viewer_events.count(DecodedFrame) > decoded_before, 15)

    frames = sides.after_resume()
    assert frames and frames[0], f"the first picture after the resume must be a keyframe: {frames[:5]}"
    assert sides.host_events.count(ConsentNeeded) == 1  # the customer was not asked again
    assert sides.host_events.count(SessionLive) == 1 and sides.viewer_events.count(SessionLive) == 1
    assert wait_until(lambda: sides.viewer_events.count(ControlGrant) == 2, 5)  # the grant stands, said again
    assert sides.host.gate.granted and sides.host.live
    assert isinstance(resumed, LinkResumed) and len(resumed.sas) == 6
    record = sides.record()
    assert record["state"] == "live" and record["started_at"] == started_at
    assert sides.proxy.accepted == 2  # the host came back with its token: no new code
    assert sides.host_events.count(SessionEnded) == 0 == sides.viewer_events.count(SessionEnded)


def test_auto_reconnect_off_in_the_policy_ends_the_session_as_before(server: RunningServer,
                                                                     xvfb: XvfbDisplay) -> None:
    running = Sides(server, xvfb.name, HostPolicy(pre_consent=False, auto_reconnect=False))
    try:
        running.viewer_events.wait_for(SessionLive)
        running.proxy.cut()
        ended = running.viewer_events.wait_for(SessionEnded)
        assert isinstance(ended, SessionEnded) and "host disconnected" in ended.reason
        running.host_events.wait_for(LinkClosed)
        assert running.viewer_events.count(LinkReconnecting) == 0 == running.host_events.count(LinkReconnecting)
        assert wait_until(lambda: running.record()["state"] == "ended", 5)
        assert not running.host.live
    finally:
        running.close()
