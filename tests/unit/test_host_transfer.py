"""The take-over of a session transfer inside HostSession (no network, no screen): the links are fakes at their
seam and the pump is never started; everything else (the route, the gate, the input worker) is real."""

from __future__ import annotations

import dataclasses
import ssl
import threading
from collections.abc import Iterator

import pytest

from capture.screen import Monitor
from host_module.session import HostPolicy, HostSession
from protocol.events import HandshakeComplete, SessionLive
from protocol.messages import (
    BlinderRegions,
    ChatLine,
    ConsentDecision,
    HostInfo,
    Message,
    PermissionRequest,
    PointerMove,
    ToolRequest,
    VideoFrame,
    pack_rects,
)
from protocol.session import Role
from tests.unit.test_injection_gate import FakeInjector
from transport.events import LinkClosed
from transport.link import LinkConfig


class FakeLink:
    """What a HostSession does with its SessionLink: messages sent, the end reason, closing."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.ended: str | None = None
        self.closed = False

    def start(self) -> None:
        pass

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def end(self, reason: str) -> None:
        self.ended = reason

    def close(self, timeout: float = 2.0) -> None:
        self.closed = True

    def of(self, kind: type) -> list[Message]:
        return [m for m in self.sent if isinstance(m, kind)]


@dataclasses.dataclass
class Pair:
    first: HostSession
    second: HostSession
    injector: FakeInjector
    seen: list[object]  # what the tool handler, chat listener and answer listener got

    def link(self, session: HostSession) -> FakeLink:
        assert isinstance(session.link, FakeLink)
        return session.link


def config() -> LinkConfig:
    return LinkConfig("wss://127.0.0.1:1/relay/x?role=host", "token", Role.HOST, b"s" * 32,
                      ssl.create_default_context())


def settle(session: HostSession) -> None:
    """Wait until the session's input worker has done what it was given."""
    done = threading.Event()
    session.input.submit(done.set)
    assert done.wait(5)


@pytest.fixture
def pair(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    injector = FakeInjector()
    policy = HostPolicy.from_answer({"pre_consent": False})
    first = HostSession(config(), None, injector, lambda _e: None, policy)
    second = HostSession(config(), None, injector, lambda _e: None, policy, follows=first)
    seen: list[object] = []
    for session in (first, second):
        monkeypatch.setattr(session, "link", FakeLink())
        session.input.start()
    monkeypatch.setattr(first.pump, "start", lambda: None)  # no screen here: the pump's own tests cover it
    first.add_handler(ToolRequest, seen.append)
    first.add_chat_listener(seen.append)
    first.answer_listeners.append(lambda request_id, granted: seen.append((request_id, granted)))
    first._on_link_event(SessionLive())
    first.grant_control()
    first.video._on_started(Monitor(1, 0, 0, 800, 600))
    yield Pair(first, second, injector, seen)
    for session in (first, second):
        session.input.stop()


def test_the_next_session_takes_over_only_once_live(pair: Pair) -> None:
    first, second = pair.first, pair.second
    assert second.pump is first.pump and first.in_charge and not second.in_charge
    second._on_link_event(HandshakeComplete("123456"))
    assert pair.link(second).of(ConsentDecision) == [ConsentDecision(True)]  # the customer agreed to the transfer
    assert first.in_charge and first.live and first.gate.granted  # the old session goes on meanwhile
    second._on_link_event(SessionLive())
    assert second.in_charge and not first.in_charge and second.live
    assert not first.live and not first.gate.granted  # control is the new agent's to ask for
    assert not second.gate.granted
    info = pair.link(second).of(HostInfo)
    assert len(info) == 1 and (info[0].width, info[0].height) == (800, 600)  # type: ignore[attr-defined]


def test_frames_go_to_the_new_link_from_a_keyframe_on(pair: Pair) -> None:
    second = pair.second
    regions = BlinderRegions(pack_rects([(10, 10, 100, 50)]))
    pair.first.video._send(regions)  # a blinder in force before the transfer
    second._on_link_event(SessionLive())
    assert pair.link(second).of(BlinderRegions) == [regions]  # the new viewer is told where it is blacked out
    route = second.video
    route._send(VideoFrame(1, False, 800, 600, 0, b"delta"))
    assert pair.link(second).of(VideoFrame) == [] and pair.link(pair.first).of(VideoFrame) == []
    route._send(VideoFrame(2, True, 800, 600, 0, b"key"))
    route._send(VideoFrame(3, False, 800, 600, 0, b"delta"))
    assert [m.frame_id for m in pair.link(second).of(VideoFrame)] == [2, 3]  # type: ignore[attr-defined]
    assert pair.link(pair.first).of(VideoFrame) == []


def test_tools_chat_and_answers_move_and_the_old_agent_reaches_nothing(pair: Pair) -> None:
    first, second = pair.first, pair.second
    second._on_link_event(SessionLive())
    request = ToolRequest(1, "system_info", "")
    first._on_link_event(request)
    first._on_link_event(ChatLine("hello", "agent", 0))
    first._on_link_event(PointerMove(10, 10))
    settle(first)
    assert pair.seen == [] and pair.injector.calls == []
    second._on_link_event(request)
    second._on_link_event(ChatLine("hi", "agent", 0))
    assert pair.seen == [request, ChatLine("hi", "agent", 0)]
    second._on_link_event(PermissionRequest(3, "system_info", ""))
    assert second.answer_permission(3, True) and pair.seen[-1] == (3, True)
    assert second.granted_kinds == {"system_info"} and first.granted_kinds == set()
    second.grant_control()
    second._on_link_event(PointerMove(10, 20))
    settle(second)
    assert pair.injector.calls == [("move", 10, 20)]


def test_ending_the_old_session_leaves_the_pump_to_the_new_one(pair: Pair) -> None:
    first, second = pair.first, pair.second
    second._on_link_event(SessionLive())
    first.end("the session was handed to Agent B (b)")
    first._on_link_event(LinkClosed("the relay closed the connection"))
    assert pair.link(first).ended == "the session was handed to Agent B (b)"
    assert not first.pump._stop.is_set() and second.live


def test_a_transfer_that_fails_before_live_changes_nothing(pair: Pair) -> None:
    first, second = pair.first, pair.second
    second._on_link_event(LinkClosed("the invited agent declined"))
    second.close()
    assert first.in_charge and first.live and first.gate.granted and not first.pump._stop.is_set()
    request = ToolRequest(2, "system_info", "")
    first._on_link_event(request)
    assert pair.seen == [request]
