"""The host's session core, free of Qt: consent, video, and input behind the control gate.

Rules: nothing is captured before the session is LIVE, and it goes LIVE only by
``accept()`` (the customer's consent, or the policy that needs none); once ended,
nothing starts again. Input from the viewer reaches the injector only through the
ControlGate, only while control is granted, and on an input thread of its own (the
network thread never waits for the X server); everything else is dropped and
counted. Events the UI shows go to ``on_event`` from worker threads.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable

from capture.screen import Monitor
from host_module.input_worker import InputWorker
from host_module.join import machine_description
from host_module.video import VideoPump
from input_injection.gate import ControlGate
from input_injection.injector import Injector
from input_injection.mapping import ScreenMapper
from protocol.events import HandshakeComplete, PeerError, SessionEnded, SessionLive
from protocol.messages import (
    ChatLine,
    ConsentDecision,
    ControlGrant,
    ControlRequest,
    ControlRevoke,
    FrameAck,
    HostInfo,
    KeyframeRequest,
    KeyInput,
    Message,
    PointerButton,
    PointerMove,
    Wheel,
)
from protocol.session import Role
from transport.events import LinkClosed
from transport.link import LinkConfig, SessionLink

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class HostPolicy:
    """What the host asks the customer before acting."""

    pre_consent: bool = True
    control_consent: bool = True


CUSTOMER = "customer"  # the ChatLine sender of the customer's lines
MAX_CHAT_TEXT = 4000
ENDING_EVENTS = (SessionEnded, PeerError, LinkClosed)
UI_EVENTS = (HandshakeComplete, SessionLive, ChatLine, ControlRevoke, *ENDING_EVENTS)


@dataclasses.dataclass(frozen=True, slots=True)
class ControlAsked:
    """The agent asks for control and the customer must answer."""


@dataclasses.dataclass(frozen=True, slots=True)
class ConsentNeeded:
    """The session is secured; the customer must agree before anything is shared."""

    sas: str


class HostSession:
    """One customer-side session; see the module rules."""

    def __init__(self, link_config: LinkConfig, display: str | None, injector: Injector,
                 on_event: Callable[[object], None], policy: HostPolicy) -> None:
        if link_config.role is not Role.HOST:
            raise ValueError("a HostSession needs a host link")
        self._on_event = on_event
        self._policy = policy
        self.gate = ControlGate(injector)
        self.input = InputWorker()
        self.pump = VideoPump(display, self.link_send, on_started=self._on_pump_started,
                              on_failed=self._on_pump_failed)
        self.link = SessionLink(link_config, self._on_link_event)
        self._ended = False
        self._live = False
        self._chat_listeners: list[Callable[[ChatLine], None]] = []

    def start(self) -> None:
        self.input.start()
        self.link.start()

    def link_send(self, message: Message) -> None:
        self.link.send(message)

    def accept(self) -> None:
        """The customer agrees: go live and start sharing."""
        self.link.send(ConsentDecision(True))

    def refuse(self, reason: str = "the customer refused the connection") -> None:
        self.link.send(ConsentDecision(False, reason))

    def grant_control(self) -> None:
        if not self._ended:
            self.gate.grant()
            self.link.send(ControlGrant())

    def revoke_control(self, reason: str = "the customer took back control") -> None:
        self.gate.revoke()
        self.link.send(ControlRevoke(reason))

    def add_chat_listener(self, listener: Callable[[ChatLine], None]) -> None:
        """Also call ``listener(line)`` (from the network thread) for every chat line of the agent."""
        self._chat_listeners.append(listener)

    def send_chat(self, text: str) -> ChatLine | None:
        """Send the customer's chat line while the session is live; None when it cannot go."""
        if not self._live or self._ended or not text.strip() or len(text) > MAX_CHAT_TEXT:
            return None
        line = ChatLine(text, CUSTOMER, int(time.time() * 1000))
        self.link.send(line)
        return line

    def end(self, reason: str = "ended by the customer") -> None:
        self._stop_local()
        self.link.end(reason)

    def close(self) -> None:
        self._stop_local()
        self.pump.stop()
        self.input.stop()
        self.link.close()

    def _on_link_event(self, event: object) -> None:
        handler = self._HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)
        if isinstance(event, ENDING_EVENTS):
            self._stop_local()
        if isinstance(event, ChatLine):
            for listener in self._chat_listeners:
                listener(event)
        if isinstance(event, UI_EVENTS):
            self._on_event(event)

    def _on_handshake(self, event: HandshakeComplete) -> None:
        if self._policy.pre_consent:
            self._on_event(ConsentNeeded(event.sas))
        else:
            self.accept()

    def _on_live(self, _event: SessionLive) -> None:
        if not self._ended:
            self._live = True
            self.pump.start()

    def _on_pump_failed(self, reason: str) -> None:
        self.end(f"the customer's screen could not be shared ({reason})")

    def _on_pump_started(self, monitor: Monitor) -> None:
        self.gate.set_mapper(ScreenMapper(monitor.left, monitor.top, monitor.width, monitor.height))
        pc_name, os_name = machine_description()
        self.link.send(HostInfo(pc_name, os_name, monitor.width, monitor.height))

    def _on_control_request(self, _event: ControlRequest) -> None:
        if self._policy.control_consent:
            self._on_event(ControlAsked())
        else:
            self.grant_control()

    def _on_keyframe_request(self, _event: KeyframeRequest) -> None:
        self.pump.request_keyframe()

    def _on_ack(self, event: FrameAck) -> None:
        self.pump.acknowledge(event.frame_id)

    def _on_pointer_move(self, event: PointerMove) -> None:
        self.input.submit(self.gate.move, event.x, event.y)

    def _on_pointer_button(self, event: PointerButton) -> None:
        self.input.submit(self.gate.button, event.x, event.y, event.button, event.pressed)

    def _on_wheel(self, event: Wheel) -> None:
        self.input.submit(self.gate.wheel, event.dx, event.dy)

    def _on_key(self, event: KeyInput) -> None:
        self.input.submit(self.gate.key_input, event.key, event.pressed, event.modifiers, event.text)

    def _stop_local(self) -> None:
        self._ended = True
        self._live = False
        self.gate.revoke()
        self.pump.stop(wait=False)

    _HANDLERS: dict[type, Callable[[HostSession, object], None]] = {
        HandshakeComplete: _on_handshake,  # type: ignore[dict-item]
        SessionLive: _on_live,  # type: ignore[dict-item]
        ControlRequest: _on_control_request,  # type: ignore[dict-item]
        KeyframeRequest: _on_keyframe_request,  # type: ignore[dict-item]
        FrameAck: _on_ack,  # type: ignore[dict-item]
        PointerMove: _on_pointer_move,  # type: ignore[dict-item]
        PointerButton: _on_pointer_button,  # type: ignore[dict-item]
        Wheel: _on_wheel,  # type: ignore[dict-item]
        KeyInput: _on_key,  # type: ignore[dict-item]
    }
