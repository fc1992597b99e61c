"""Runs a viewer: headless (no Qt) or with its window."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from protocol.events import HandshakeComplete, PeerError, SessionEnded, SessionLive
from protocol.messages import ControlGrant, ControlRevoke, HostInfo
from protocol.session import Role
from transport.events import LinkClosed
from transport.link import LinkConfig, relay_url
from transport.tls import pinned_ssl_context
from viewer.options import FrameTap, ViewerOptions, load_frame_tap
from viewer.session import DecodedFrame, ViewerSession

ENDING_EVENTS = (SessionEnded, PeerError, LinkClosed)


def link_config(options: ViewerOptions) -> LinkConfig:
    """The relay link of the viewer described by ``options``."""
    context = pinned_ssl_context(options.server, fingerprint=options.fingerprint, cafile=options.ca_cert)
    return LinkConfig(relay_url(options.server, options.session_id, Role.VIEWER), options.token,
                      Role.VIEWER, options.secret, context)


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
    if isinstance(event, ENDING_EVENTS):
        return {"event": "ended", "reason": event.reason}
    return None


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


def run_headless(options: ViewerOptions, tap: FrameTap | None = None) -> int:
    """Decode without a window until the session ends; returns the exit code."""
    printer = EventPrinter(options.events_stdout)
    ended = threading.Event()
    holder: list[ViewerSession] = []

    def on_event(event: object) -> None:
        if isinstance(event, DecodedFrame):
            return
        printer(describe(event))
        if isinstance(event, SessionLive) and options.request_control:
            holder[0].request_control()
        if isinstance(event, ENDING_EVENTS):
            ended.set()

    session = ViewerSession(link_config(options), on_event, tap or _tap(options))
    holder.append(session)
    session.start()
    _wait(ended, options.duration, session.end, lambda: printer(stats_record(session)))
    ended.wait(5)
    session.close()
    printer(stats_record(session))
    return 0


def stats_record(session: ViewerSession) -> dict[str, object]:
    """The viewer's figures so far, as a JSON-able record."""
    stats, link = session.stats, session.link.stats
    return {"event": "stats", "t_ns": time.monotonic_ns(), "frames": stats.frames_decoded,
            "fps": round(stats.fps(), 1), "bytes_in": link.bytes_in, "bytes_out": link.bytes_out,
            "latency_p50_ms": stats.latency_ms(50)}


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
    from PySide6.QtWidgets import QApplication

    import resources
    from ui.i18n import install_translators
    from ui.signals import stop_on_signals
    from viewer.window import ViewerWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_translators(app, Path(resources.__path__[0]) / "translations")
    printer = EventPrinter(options.events_stdout)
    holder: list[ViewerWindow] = []

    def on_event(event: object) -> None:
        if not isinstance(event, DecodedFrame):
            printer(describe(event))
        if isinstance(event, SessionLive) and options.request_control:
            session.request_control()
        if holder:
            holder[0].deliver(event)

    session = ViewerSession(link_config(options), on_event, _tap(options))
    window = ViewerWindow(session)
    window.geometry_reported.connect(lambda rect: printer({"event": "view_geometry", **rect}))
    holder.append(window)
    stop_on_signals(window.close)
    window.show()
    session.start()
    code = app.exec()
    session.close()
    printer(stats_record(session))
    return code
