"""Runs a viewer: headless (no Qt) or with its window.

Both runners hand the session's events to one SessionWatcher, which prints them, asks
for control once live, notices the end and decides the exit code (viewer.options.ExitCode).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from protocol.events import HandshakeComplete, PeerError, SessionLive
from protocol.messages import (
    ChatLine,
    ControlGrant,
    ControlRevoke,
    HostInfo,
    Message,
    PermissionDecision,
    SharingState,
)
from protocol.session import Role
from transport.events import LinkClosed, LinkReconnecting, LinkResumed
from transport.link import LinkConfig, relay_url
from transport.tls import pinned_ssl_context
from viewer.control import ChatSender, CommandReader, chat_record
from viewer.options import ExitCode, FrameTap, ViewerOptions, load_frame_tap
from viewer.policy import ENV_POLICY, ViewerPolicy
from viewer.session import ENDING_EVENTS, DecodedFrame, ViewerSession

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

    from viewer.window import ViewerWindow


def link_config(options: ViewerOptions) -> LinkConfig:
    """The relay link of the viewer described by ``options``."""
    context = pinned_ssl_context(options.server, fingerprint=options.fingerprint, cafile=options.ca_cert)
    return LinkConfig(relay_url(options.server, options.session_id, Role.VIEWER), options.token,
                      Role.VIEWER, options.session_secret, context)


_SIMPLE: dict[type, str] = {SessionLive: "live", ControlGrant: "control_granted"}


def describe(event: object) -> dict[str, object] | None:
    """A JSON-able description of the events a script cares about."""
    if type(event) in _SIMPLE:
        return {"event": _SIMPLE[type(event)]}
    if isinstance(event, HandshakeComplete):
        return {"event": "secured", "sas": event.sas}
    if isinstance(event, ControlRevoke):
        return {"event": "control_revoked", "reason": event.reason}
    if isinstance(event, HostInfo):
        return {"event": "host_info", "pc_name": event.pc_name, "os": event.os_name,
                "width": event.width, "height": event.height}
    return _describe_more(event)


def _describe_more(event: object) -> dict[str, object] | None:
    if isinstance(event, PermissionDecision):
        return {"event": "permission", "request_id": event.request_id, "kind": event.kind,
                "granted": event.granted, "reason": event.reason}
    if isinstance(event, SharingState):
        return {"event": "sharing", "paused": event.paused, "reason": event.reason}
    if isinstance(event, ChatLine):
        return chat_record(event)
    if isinstance(event, ENDING_EVENTS):
        return {"event": "ended", "reason": event.reason}
    return _describe_link(event)


def _describe_link(event: object) -> dict[str, object] | None:
    if isinstance(event, LinkReconnecting):
        return {"event": "reconnecting", "reason": event.reason, "peer": event.peer, "window_s": event.window_s}
    if isinstance(event, LinkResumed):
        return {"event": "resumed", "sas": event.sas}
    return None


def exit_code(*, was_live: bool, first_ending: object | None, ended_here: bool, failure: str | None) -> ExitCode:
    """The exit code of a finished session (the rules are EXIT_CODES_HELP in viewer.options).

    ``first_ending`` is the first of ENDING_EVENTS seen (None when none came), ``ended_here``
    says this viewer asked for the end, ``failure`` is why the viewer itself gave up.
    """
    if failure is not None or isinstance(first_ending, PeerError | LinkClosed):
        return ExitCode.FAILED  # a broken protocol, a refused or lost link, video we could not show
    return ExitCode.OK if was_live or ended_here else ExitCode.FAILED


class EventPrinter:
    """Prints described events as JSON lines (thread-safe)."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._lock = threading.Lock()
        self._ended = False

    def __call__(self, record: dict[str, object] | None) -> None:
        if self._enabled and record is not None:
            with self._lock:
                if record["event"] == "ended":
                    if self._ended:
                        return  # the first reason is the real one; the link closing follows it
                    self._ended = True
                sys.stdout.write(json.dumps(record) + "\n")
                sys.stdout.flush()


class SessionWatcher:
    """The ``on_event`` of both runners: prints events, asks for control once live, notices the end.

    Called from the session's worker threads; ``forward`` (the window's ``deliver``) gets every event.
    ``chat`` sends the agent app's chat commands (viewer.control) while the session is live.
    """

    def __init__(self, options: ViewerOptions) -> None:
        self.printer = EventPrinter(options.events_stdout)
        self.chat = ChatSender(self._send, self.printer)
        self._commands_stdin = options.commands_stdin
        self.ended = threading.Event()
        self.forward: Callable[[object], None] | None = None
        self._request_control = options.request_control
        self._session: ViewerSession | None = None
        self._live = False
        self._first_ending: object | None = None

    def attach(self, session: ViewerSession) -> ViewerSession:
        """Watch ``session`` (built with this watcher as its ``on_event``); returns it."""
        self._session = session
        return session

    def read_commands(self) -> None:
        """With --commands-stdin, start reading the agent app's commands (on a thread of their own)."""
        if self._commands_stdin:
            CommandReader(sys.stdin, self.chat.handle_line).start()

    def _send(self, message: Message) -> None:
        if self._session is not None:
            self._session.send(message)

    def __call__(self, event: object) -> None:
        if self.forward is not None:
            self.forward(event)
        if isinstance(event, DecodedFrame):
            return
        self.printer(describe(event))
        self.chat.observe(event, isinstance(event, ENDING_EVENTS))
        if isinstance(event, SessionLive):
            self._live = True
            if self._request_control and self._session is not None:
                self._session.request_control()
        elif isinstance(event, ENDING_EVENTS):
            if self._first_ending is None:
                self._first_ending = event
            self.ended.set()

    def print_stats(self) -> None:
        """Print the session's figures so far."""
        if self._session is not None:
            self.printer(stats_record(self._session))

    def finish(self) -> ExitCode:
        """Close the session, print its last figures; the exit code."""
        session = self._session
        if session is None:
            raise RuntimeError("SessionWatcher.finish() before attach()")
        session.close()
        self.print_stats()
        return exit_code(was_live=self._live, first_ending=self._first_ending,
                         ended_here=session.end_requested, failure=session.failure)


def run_headless(options: ViewerOptions, tap: FrameTap | None = None) -> int:
    """Decode without a window until the session ends; returns the exit code."""
    watcher = SessionWatcher(options)
    session = watcher.attach(ViewerSession(link_config(options), watcher, tap or _tap(options),
                                           auto_reconnect=headless_reconnect(os.environ)))
    session.start()
    watcher.read_commands()
    _wait(watcher.ended, options.duration, session.end, watcher.print_stats)
    watcher.ended.wait(5)
    return watcher.finish()


def headless_reconnect(env: Mapping[str, str]) -> bool:
    """A headless viewer (scripts, benchmarks) reconnects only when FERRY_VIEWER_POLICY is given and allows it.

    Without the agent's options a script wants a dropped peer reported at once, not a minute later.
    """
    return bool(env.get(ENV_POLICY)) and ViewerPolicy.from_env(env).allows("auto_reconnect")


def stats_record(session: ViewerSession) -> dict[str, object]:
    """The viewer's figures so far, as a JSON-able record."""
    stats, link = session.stats, session.link.stats
    return {"event": "stats", "t_ns": time.monotonic_ns(), "frames": stats.frames_decoded,
            "frames_dropped": stats.frames_dropped, "keyframes": stats.keyframes,
            "fps": round(stats.fps(), 1), "bytes_in": link.bytes_in, "bytes_out": link.bytes_out,
            "latency_p50_ms": stats.latency_ms(50), "reconnects": link.reconnects}


def _wait(ended: threading.Event, duration: float | None, end: Callable[[str], None],
          tick: Callable[[], None]) -> None:
    deadline = None if duration is None else time.monotonic() + duration
    while not ended.wait(1.0):
        tick()
        if deadline is not None and time.monotonic() >= deadline:
            end("the viewer's --duration elapsed")
            return


def _tap(options: ViewerOptions) -> FrameTap | None:
    return load_frame_tap(options.frame_tap) if options.frame_tap else None


def run_window(options: ViewerOptions) -> int:
    """Run the viewer window until it is closed; returns the exit code."""
    from ui.signals import stop_on_signals
    from viewer.window import ViewerWindow

    app = _application()
    watcher = SessionWatcher(options)
    policy = ViewerPolicy.from_env()
    config = link_config(options)
    session = watcher.attach(ViewerSession(config, watcher, _tap(options),
                                           auto_reconnect=policy.allows("auto_reconnect")))
    window = ViewerWindow(session, policy=policy)
    _connect_tools(window, options, config)
    window.geometry_reported.connect(lambda rect: watcher.printer({"event": "view_geometry", **rect}))
    watcher.forward = window.deliver
    stop_on_signals(window.close)
    window.show()
    session.start()
    watcher.read_commands()
    app.exec()
    return watcher.finish()


def _connect_tools(window: ViewerWindow, options: ViewerOptions, config: LinkConfig) -> None:
    """Tell the tools that call the server (session share) where it is and who the agent is."""
    from viewer.tools.handover import ViewerHandover

    handover = window.tools.get("handover")
    if isinstance(handover, ViewerHandover):
        handover.connect_server(options.server, options.session_id, options.token, config.ssl_context)


def _application() -> QCoreApplication:
    """The QApplication, with the translations installed."""
    from PySide6.QtWidgets import QApplication

    import resources
    from ui.gc_guard import GuiThreadCollector
    from ui.i18n import install_translators

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    if existing is None:
        GuiThreadCollector(app).start()  # Qt objects are never destroyed by the collector on a worker thread
    install_translators(app, Path(resources.__path__[0]) / "translations")
    return app
