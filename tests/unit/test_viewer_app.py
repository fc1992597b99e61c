"""The viewer's runners: one watcher for both, and the exit code of every way a session ends."""

from __future__ import annotations

import json

import pytest

from protocol.events import PeerError, SessionEnded, SessionLive
from transport.events import LinkClosed
from transport.link import LinkStats
from viewer.app import SessionWatcher
from viewer.options import EXIT_CODES_HELP, ExitCode, ViewerOptions, parse_options
from viewer.session import ViewerStats

LIVE = SessionLive()
ENDED_BY_HOST = SessionEnded("the customer ended the session", by_peer=True)
CLOSED = LinkClosed("the relay closed the connection")


class FakeSession:
    """What SessionWatcher uses of a ViewerSession."""

    def __init__(self, end_requested: bool = False, failure: str | None = None) -> None:
        self.end_requested = end_requested
        self.failure = failure
        self.control_requests = 0
        self.closed = False
        self.stats = ViewerStats(frames_decoded=3, frames_dropped=2, keyframes=1)
        self.link = type("Link", (), {"stats": LinkStats()})()

    def request_control(self) -> None:
        self.control_requests += 1

    def close(self) -> None:
        self.closed = True


def options(events_stdout: bool = False, request_control: bool = False) -> ViewerOptions:
    return ViewerOptions(server="https://relay.invalid", session_id="s", token="t", secret=bytes(16),
                         fingerprint="ab", ca_cert=None, headless=True, request_control=request_control,
                         events_stdout=events_stdout, frame_tap=None, duration=None)


def outcome(events: list[object], session: FakeSession | None = None) -> ExitCode:
    watcher = SessionWatcher(options())
    watcher.attach(session or FakeSession())  # type: ignore[arg-type]
    for event in events:
        watcher(event)
    return watcher.finish()


@pytest.mark.parametrize("events", [
    [LIVE, ENDED_BY_HOST, CLOSED],
    [LIVE, SessionEnded("the other side left the session (host disconnected)"), CLOSED],  # the host stopped
])
def test_a_session_that_went_live_and_ended_exits_0(events: list[object]) -> None:
    assert outcome(events) == ExitCode.OK == 0


def test_ending_it_here_exits_0_even_before_it_went_live() -> None:
    assert outcome([SessionEnded("the viewer's --duration elapsed"), CLOSED], FakeSession(end_requested=True)) == 0
    assert outcome([LIVE], FakeSession(end_requested=True)) == 0  # the window closed before the end came back


@pytest.mark.parametrize("events", [
    [PeerError("key confirmation failed: wrong secret"), SessionEnded("key confirmation failed"), CLOSED],
    [LIVE, PeerError("a record failed authentication"), SessionEnded("a record failed authentication"), CLOSED],
    [LinkClosed("the relay did not accept this login or code; log in again")],  # refused relay
    [LIVE, LinkClosed("the connection to the relay was lost"), SessionEnded("connection lost")],
    [SessionEnded("the customer declined the session", by_peer=True), CLOSED],  # never live
], ids=["wrong-secret", "peer-error-while-live", "refused", "link-lost", "never-live"])
def test_a_session_that_ended_on_an_error_exits_3(events: list[object]) -> None:
    assert outcome(events) == ExitCode.FAILED == 3


def test_video_the_viewer_could_not_show_exits_3() -> None:
    session = FakeSession(failure="the viewer could not show the video: boom")
    assert outcome([LIVE, SessionEnded("the viewer could not show the video: boom"), CLOSED], session) == 3


def test_the_watcher_asks_for_control_once_live_and_prints_stats_last(capsys: pytest.CaptureFixture[str]) -> None:
    watcher = SessionWatcher(options(events_stdout=True, request_control=True))
    session = FakeSession()
    watcher.attach(session)  # type: ignore[arg-type]
    forwarded: list[object] = []
    watcher.forward = forwarded.append
    for event in (LIVE, ENDED_BY_HOST, CLOSED):
        watcher(event)
    assert watcher.ended.is_set() and session.control_requests == 1 and forwarded == [LIVE, ENDED_BY_HOST, CLOSED]
    assert watcher.finish() == 0 and session.closed
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["event"] for r in records] == ["live", "ended", "stats"]  # one "ended": the first reason
    assert (records[-1]["frames_dropped"], records[-1]["keyframes"]) == (2, 1)


def test_the_help_explains_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_options(["--help"], env={})
    assert EXIT_CODES_HELP in capsys.readouterr().out
    for code in ExitCode:
        assert f"  {code.value}  " in EXIT_CODES_HELP
