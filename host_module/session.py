"""The host's session core, free of Qt: consent, video, and input behind the control gate.

Rules: nothing is captured before the session is LIVE, and it goes LIVE only by
``accept()`` (the customer's consent, or the policy that needs none); once ended,
nothing starts again. Input from the viewer reaches the injector only through the
ControlGate, only while control is granted, and on an input thread of its own (the
network thread never waits for the X server); everything else is dropped and
counted. Events the UI shows go to ``on_event`` from worker threads.
The policy (host_module.policy) decides control and every PermissionRequest: granted, refused or
asked of the customer; answers go out as PermissionDecision and every grant and revoke goes to
``grants`` (the customer's log and the event stream). While the customer pauses sharing no
VideoFrame leaves (``link_send`` drops them, whatever the pump does); while a consent box is
open under customer_alert_lock (``hold_input``) the agent's input is dropped, so it cannot
answer the box.
Auto-reconnect (policy.auto_reconnect; transport.link does the reconnecting): a dropped link is not an
end. While it is restored (LinkReconnecting) nothing is sent, tools' ``send`` returns False, the agent's
held keys are released but control stays granted. The resumed link runs a fresh handshake; its consent
is the customer's earlier answer, sent again by the host itself (never asked twice). On LinkResumed the
grant is said again (ControlGrant) and the first VideoFrame that leaves is a keyframe.
Transfer (another agent takes the session over; the customer agreed): the next HostSession ``follows`` the one
in charge on a link of its own and shares its VideoRoute, the one VideoPump (capture and blinders never stop).
Until that link is LIVE the session in charge goes on as before. On LIVE (network thread, before any message of
the new link is handled) the new session takes over: the route's frames go to it (the first is a keyframe),
every tool handler, chat listener and answer listener moves to it, and the old session is handed over — its
agent's input and messages reach nothing any more; the app then ends its link. Nothing the agent was granted
carries over: the new agent asks again (control as the policy says).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable

from capture.blinders import BlinderSet
from capture.screen import Monitor
from host_module.input_worker import InputWorker
from host_module.join import machine_description
from host_module.permissions import GrantLog, PendingRequests, PermissionAsked
from host_module.policy import HostPolicy, Rule, refusal_reason
from host_module.video import VideoPump
from input_injection.gate import ControlGate
from input_injection.injector import Injector
from input_injection.mapping import ScreenMapper
from protocol.events import HandshakeComplete, PeerError, SessionEnded, SessionLive
from protocol.messages import (
    BlinderRegions,
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
    PermissionDecision,
    PermissionRequest,
    PointerButton,
    PointerMove,
    SharingState,
    VideoFrame,
    Wheel,
)
from protocol.session import Role
from transport.events import LinkClosed, LinkReconnecting, LinkResumed
from transport.link import LinkConfig, SessionLink
from transport.reconnect import RECONNECT_WINDOW_S

log = logging.getLogger(__name__)


__all__ = ["ConsentNeeded", "ControlAsked", "ControlState", "HostPolicy", "HostSession", "PermissionAsked",
           "VideoRoute"]
CUSTOMER = "customer"  # the ChatLine sender of the customer's lines
CUSTOMER_HOLD_S = 0.5  # without simultaneous_control, the agent's input waits this long after the customer's
MAX_CHAT_TEXT = 4000
ENDING_EVENTS = (SessionEnded, PeerError, LinkClosed)
UI_EVENTS = (HandshakeComplete, SessionLive, ChatLine, ControlRevoke, LinkReconnecting, LinkResumed,
             *ENDING_EVENTS)


@dataclasses.dataclass(frozen=True, slots=True)
class ControlAsked:
    """The agent asks for control and the customer must answer."""


@dataclasses.dataclass(frozen=True, slots=True)
class ControlState:
    """Control was granted or taken back (by the customer, the agent or the policy)."""

    granted: bool
    reason: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ConsentNeeded:
    """The session is secured; the customer must agree before anything is shared."""

    sas: str


class VideoRoute:
    """The customer's one VideoPump and the session in charge, which its frames and reports go to.

    A transfer moves the route to the session that follows (see the module rules); the pump never stops for it.
    ``monitor`` is the shared monitor (video thread); the input mapping of the session in charge follows it.
    ``regions`` is the last BlinderRegions the pump sent (said again to the session that takes over).
    """

    def __init__(self, session: HostSession, display: str | None, blinders: BlinderSet | None) -> None:
        self.session = session
        self.monitor: Monitor | None = None
        self.regions: BlinderRegions | None = None
        self.pump = VideoPump(display, self._send, on_started=self._on_started, on_failed=self._on_failed,
                              blinders=blinders)
        self.pump.add_monitor_listener(self._on_monitor)

    def _send(self, message: Message) -> None:
        if isinstance(message, BlinderRegions):
            self.regions = message
        self.session.link_send(message)

    def _on_started(self, monitor: Monitor) -> None:
        self.monitor = monitor
        self.session.pump_started(monitor)

    def _on_failed(self, reason: str) -> None:
        self.session.pump_failed(reason)

    def _on_monitor(self, shared: Monitor, _monitors: tuple[Monitor, ...]) -> None:
        self.monitor = shared
        self.session.gate.set_mapper(_mapper(shared))


class HostSession:
    """One customer-side session; see the module rules."""

    def __init__(self, link_config: LinkConfig, display: str | None, injector: Injector,
                 on_event: Callable[[object], None], policy: HostPolicy, *, grants: GrantLog | None = None,
                 blinders: BlinderSet | None = None, follows: HostSession | None = None) -> None:
        if link_config.role is not Role.HOST:
            raise ValueError("a HostSession needs a host link")
        link_config = _with_reconnect(link_config, policy.auto_reconnect)
        self._on_event = on_event
        self._policy = policy
        self.grants = grants or GrantLog("", None)
        self.pending = PendingRequests()
        self.granted_kinds: set[str] = set()  # PermissionRequest kinds granted in this session
        self.gate = ControlGate(injector)
        self.input = InputWorker()
        self.video: VideoRoute = VideoRoute(self, display, blinders) if follows is None else follows.video
        self.pump = self.video.pump
        self.link = SessionLink(link_config, self._on_link_event)
        self.on_sharing_paused: Callable[[bool], None] | None = self.pump.set_paused
        self.paused = False
        self.frames_withheld = 0  # frames the pump made while sharing was paused (never sent)
        self._lock = threading.Lock()
        self._ended = False
        self._live = False
        self._input_held = False
        self._customer_until = 0.0
        self._consent: ConsentDecision | None = None  # the customer's answer (said again on a resumed link)
        self._consent_asked = False
        self._secured = False  # the first HandshakeComplete went to the UI; later ones show as LinkResumed
        self._was_live = False
        self._handed_over = False  # another session took over: this one's link only waits to be ended
        self._keyframe_first = False  # after LinkResumed or a take-over, until a keyframe has left
        self._chat_listeners: list[Callable[[ChatLine], None]] = []
        self._tool_handlers: dict[type, list[Callable[[object], None]]] = {}
        self._details: dict[int, str] = {}  # the detail of each waiting PermissionRequest
        self.answer_listeners: list[Callable[[int, bool], object]] = []  # (request_id, granted), before it leaves

    @property
    def policy(self) -> HostPolicy:
        return self._policy

    @property
    def live(self) -> bool:
        return self._live and not self._ended

    @property
    def in_charge(self) -> bool:
        """The customer's screen goes to this session (False before a transfer's take-over and after it)."""
        return self.video.session is self

    def start(self) -> None:
        self.input.start()
        self.link.start()

    def link_send(self, message: Message) -> None:
        if isinstance(message, VideoFrame) and self.paused:
            self.frames_withheld += 1
            return  # the customer paused sharing: no picture leaves, whatever the pump does
        if isinstance(message, VideoFrame) and self._keyframe_first:
            if not message.keyframe:
                return  # the viewer's fresh decoder needs the keyframe the pump was asked for
            self._keyframe_first = False
        self.link.send(message)

    def accept(self) -> None:
        """The customer agrees: go live and start sharing."""
        self._consent = ConsentDecision(True)
        self.link.send(self._consent)

    def refuse(self, reason: str = "the customer refused the connection") -> None:
        self._consent = ConsentDecision(False, reason)
        self.link.send(self._consent)

    def grant_control(self, by: str = "customer") -> None:
        if self._ended or not self._policy.control_allowed:
            return
        self.gate.grant()
        self.link.send(ControlGrant())
        self.grants.record("control", True, by)
        self._on_event(ControlState(True))

    def revoke_control(self, reason: str = "the customer took back control", by: str = "customer") -> None:
        self.gate.revoke()
        self.link.send(ControlRevoke(reason))
        self.grants.record("control", False, by, reason)
        self._on_event(ControlState(False, reason))

    def answer_permission(self, request_id: int, granted: bool, by: str = "customer", reason: str = "") -> bool:
        """Answer a waiting PermissionRequest once; False when none waits with this id or the session is over."""
        kind = self.pending.take(request_id)
        detail = self._details.pop(request_id, "")
        if kind is None or self._ended:
            return False
        for listener in self.answer_listeners:
            listener(request_id, granted)
        if not granted and not reason:
            reason = "the customer refused"
        if granted:
            self.granted_kinds.add(kind)
        self.link.send(PermissionDecision(request_id, kind, granted, "" if granted else reason))
        self.grants.record(kind, granted, by, "" if granted else reason, detail=detail)
        return True

    def pause_sharing(self, paused: bool, reason: str = "") -> bool:
        """Pause or resume sharing the screen while live; False when nothing changed."""
        with self._lock:
            if not self.live or self.paused == paused:
                return False
            self.paused = paused
        self.link.send(SharingState(paused, reason))
        if self.on_sharing_paused is not None:
            self.on_sharing_paused(paused)
        if not paused:
            self.pump.request_keyframe()  # the viewer's decoder lost its references meanwhile
        return True

    def hold_input(self, held: bool) -> None:
        """Drop the agent's input while ``held`` (a consent box is open under customer_alert_lock)."""
        self._input_held = held
        if held and self.gate.granted:
            self.input.submit(self._release_held)

    def note_customer_input(self) -> None:
        """The customer moved the mouse or typed: without simultaneous_control the agent's input waits."""
        if not self._policy.simultaneous_control:
            self._customer_until = time.monotonic() + CUSTOMER_HOLD_S

    def add_handler(self, message_type: type, handler: Callable[[object], None]) -> None:
        """Also call ``handler(message)`` (from the network thread) for every ``message_type`` the viewer sends.

        Tools (host_module.tools) register here; a handler must not block (hand work to a thread or the
        GUI through the app's bridge) and must enforce the policy and the customer's grants itself.
        """
        self._tool_handlers.setdefault(message_type, []).append(handler)

    def send(self, message: Message) -> bool:
        """Send ``message`` to the viewer while the session is live; False when it cannot go."""
        if not self.live:
            return False
        self.link_send(message)
        return True

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
        if self.in_charge:
            self.pump.stop()
        self.input.stop()
        self.link.close()

    def _release_held(self) -> None:
        """Release keys and buttons the agent holds down, keeping control granted."""
        if self.gate.granted:
            self.gate.revoke()
            if not self._ended:
                self.gate.grant()

    def _on_link_event(self, event: object) -> None:
        if self._handed_over:
            if isinstance(event, ENDING_EVENTS):
                self._on_event(event)  # the app knows this session is over: it ignores it
            return
        handler = self._HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)
        if isinstance(event, ENDING_EVENTS):
            self._stop_local()
        if isinstance(event, ChatLine):
            for listener in self._chat_listeners:
                listener(event)
        for tool_handler in self._tool_handlers.get(type(event), ()):
            tool_handler(event)
        if isinstance(event, UI_EVENTS) and self._shown(event):
            self._on_event(event)

    def _shown(self, event: object) -> bool:
        """Whether the UI gets ``event``: a resumed link's handshake shows as LinkResumed (with its new SAS)."""
        if not isinstance(event, HandshakeComplete):
            return True
        first, self._secured = not self._secured, True
        return first

    def _on_handshake(self, event: HandshakeComplete) -> None:
        if self._consent is not None:
            self.link.send(self._consent)  # a resumed link: the customer answered already, never ask twice
        elif self._consent_asked:
            return  # a resumed link while the consent box is open: its answer goes to this link
        elif self._policy.pre_consent:
            self._consent_asked = True
            self._on_event(ConsentNeeded(event.sas))
        else:
            self.accept()

    def _on_live(self, _event: SessionLive) -> None:
        if self._ended or self._was_live:
            return
        self._was_live = True
        self._live = True
        if self.in_charge:
            self.pump.start()
        else:
            self._take_over(self.video.session)
        if self._policy.control_auto_enable and self._policy.control_allowed:
            # the pre-consent text named control; without it, control_consent still asks
            if self._policy.pre_consent or not self._policy.control_consent:
                self.grant_control(by="policy")
            else:
                self._on_event(ControlAsked())

    def _take_over(self, old: HostSession) -> None:
        """A transfer's link is live: take the customer's screen, the tools and the chat over from ``old``."""
        old._hand_over()
        self._tool_handlers, old._tool_handlers = old._tool_handlers, {}
        self._chat_listeners, old._chat_listeners = old._chat_listeners, []
        self.answer_listeners, old.answer_listeners = old.answer_listeners, []
        self.on_sharing_paused = old.on_sharing_paused
        self.paused, self._input_held = old.paused, old._input_held
        monitor = self.video.monitor
        if monitor is not None:
            self.gate.set_mapper(_mapper(monitor))
            self.link.send(HostInfo(*machine_description(), monitor.width, monitor.height))
        if self.video.regions is not None:
            self.link.send(self.video.regions)  # where the new viewer's picture is blacked out
        if self.paused:
            self.link.send(SharingState(True, "the customer paused sharing"))
        self._keyframe_first = True  # the new viewer's decoder starts at a keyframe
        self.video.session = self
        self.pump.request_keyframe()

    def _hand_over(self) -> None:
        """Another session took over: this one's agent reaches nothing any more (its link is ended by the app)."""
        with self._lock:
            self._handed_over = True
            self._ended = True
            self._live = False
        self.gate.revoke()

    def _on_reconnecting(self, _event: LinkReconnecting) -> None:
        self._live = False
        if self.gate.granted:
            self.input.submit(self._release_held)  # keys held down must not stay down for the outage

    def _on_resumed(self, _event: LinkResumed) -> None:
        if self._ended:
            return
        if not self._was_live:
            return  # the outage came before the first live (the link reported SessionLive just before this)
        self._live = True
        self._keyframe_first = True
        self.pump.request_keyframe()
        if self.gate.granted:
            self.link.send(ControlGrant())  # the grant stands; the viewer hears it again

    def pump_failed(self, reason: str) -> None:
        """The VideoPump stopped (video thread): the session ends."""
        self.end(f"the customer's screen could not be shared ({reason})")

    def pump_started(self, monitor: Monitor) -> None:
        """The VideoPump shares ``monitor`` (video thread): map input onto it and tell the viewer its size."""
        self.gate.set_mapper(_mapper(monitor))
        pc_name, os_name = machine_description()
        self.link.send(HostInfo(pc_name, os_name, monitor.width, monitor.height))
        self._on_event(monitor)  # the blinder editor covers the shared monitor

    def _on_control_request(self, _event: ControlRequest) -> None:
        rule = self._policy.control_rule()
        if self.gate.granted:
            self.link.send(ControlGrant())  # already granted: say so again
        elif rule is Rule.ASK:
            self._on_event(ControlAsked())
        elif rule is Rule.GRANT:
            self.grant_control(by="policy")
        else:
            self.revoke_control("the policy of this session does not allow control", by="policy")

    def _on_control_revoke(self, event: ControlRevoke) -> None:
        if self.gate.granted:
            self.gate.revoke()
            self.grants.record("control", False, "agent", event.reason)
            self._on_event(ControlState(False, event.reason))

    def _on_permission_request(self, event: PermissionRequest) -> None:
        if not self.pending.add(event.request_id, event.kind):
            return  # the same question again while the customer answers: one answer will come
        self._details[event.request_id] = event.detail
        rule = self._policy.permission_rule(event.kind, event.detail)
        if rule is Rule.ASK:
            self._on_event(PermissionAsked(event.request_id, event.kind, event.detail))
        elif rule is Rule.GRANT:
            self.answer_permission(event.request_id, True, by="policy")
        else:
            self.answer_permission(event.request_id, False, by="policy", reason=refusal_reason(event.kind))

    def _on_keyframe_request(self, _event: KeyframeRequest) -> None:
        self.pump.request_keyframe()

    def _on_ack(self, event: FrameAck) -> None:
        self.pump.acknowledge(event.frame_id)

    def _input_allowed(self, keyboard: bool) -> bool:
        if self._input_held or time.monotonic() < self._customer_until:
            self.gate.dropped += 1
            return False
        return self._policy.keyboard_control if keyboard else self._policy.mouse_control

    def _on_pointer_move(self, event: PointerMove) -> None:
        if self._input_allowed(keyboard=False):
            self.input.submit(self.gate.move, event.x, event.y)

    def _on_pointer_button(self, event: PointerButton) -> None:
        if self._input_allowed(keyboard=False) or (not event.pressed and not self._input_held):
            self.input.submit(self.gate.button, event.x, event.y, event.button, event.pressed)

    def _on_wheel(self, event: Wheel) -> None:
        if self._input_allowed(keyboard=False):
            self.input.submit(self.gate.wheel, event.dx, event.dy)

    def _on_key(self, event: KeyInput) -> None:
        if self._input_allowed(keyboard=True) or (not event.pressed and not self._input_held):
            self.input.submit(self.gate.key_input, event.key, event.pressed, event.modifiers, event.text)

    def _stop_local(self) -> None:
        self._ended = True
        self._live = False
        self.gate.revoke()
        if self.in_charge:
            self.pump.stop(wait=False)

    _HANDLERS: dict[type, Callable[[HostSession, object], None]] = {
        HandshakeComplete: _on_handshake,  # type: ignore[dict-item]
        SessionLive: _on_live,  # type: ignore[dict-item]
        ControlRequest: _on_control_request,  # type: ignore[dict-item]
        ControlRevoke: _on_control_revoke,  # type: ignore[dict-item]
        PermissionRequest: _on_permission_request,  # type: ignore[dict-item]
        KeyframeRequest: _on_keyframe_request,  # type: ignore[dict-item]
        FrameAck: _on_ack,  # type: ignore[dict-item]
        PointerMove: _on_pointer_move,  # type: ignore[dict-item]
        PointerButton: _on_pointer_button,  # type: ignore[dict-item]
        Wheel: _on_wheel,  # type: ignore[dict-item]
        KeyInput: _on_key,  # type: ignore[dict-item]
        LinkReconnecting: _on_reconnecting,  # type: ignore[dict-item]
        LinkResumed: _on_resumed,  # type: ignore[dict-item]
    }


def _mapper(monitor: Monitor) -> ScreenMapper:
    return ScreenMapper(monitor.left, monitor.top, monitor.width, monitor.height)


def _with_reconnect(config: LinkConfig, auto_reconnect: bool) -> LinkConfig:
    """The link config with the policy's auto_reconnect: a window given by the caller is kept (tests)."""
    if not auto_reconnect:
        return dataclasses.replace(config, reconnect_window_s=0.0)
    if config.reconnect_window_s > 0:
        return config
    return dataclasses.replace(config, reconnect_window_s=RECONNECT_WINDOW_S)
