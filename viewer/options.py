"""Command line and environment of ``ferry-viewer``, as one frozen dataclass."""

from __future__ import annotations

import argparse
import dataclasses
import enum
import importlib
import os
from collections.abc import Callable, Sequence

import numpy as np

from protocol.crypto import password_secret

FrameTap = Callable[[np.ndarray, int], None]


class ExitCode(enum.IntEnum):
    """What ``ferry-viewer`` exits with; EXIT_CODES_HELP says the same for ``--help``."""

    OK = 0  # the session went live and ended normally
    USAGE = 2  # the command line or the environment is incomplete
    FAILED = 3  # the session ended on an error, or never went live


EXIT_CODES_HELP = """exit codes:
  0  the session went live, then ended normally: ended by either side (the
     agent, --duration, the customer, the host program stopping or leaving)
  2  the command line or the environment is incomplete (also a bad --frame-tap)
  3  the session ended on an error: a protocol error (for instance a wrong
     secret), the relay refused or could not be reached, the connection failed
     before the session ended, the video could not be shown, the server's
     certificate did not match; or the session never went live (declined, or
     the customer never came) and this viewer had not ended it"""


ENV_PASSWORD = "FERRY_SESSION_PASSWORD"  # the 4-digit session password, when the agent's policy uses one
ENV_STDIO = "FERRY_VIEWER_STDIO"  # "1": the same as --events-stdout --commands-stdin (set by the agent app)


class ViewerOptionsError(ValueError):
    """The command line or environment is incomplete; the message says what to pass."""


@dataclasses.dataclass(frozen=True)
class ViewerOptions:
    server: str
    session_id: str
    token: str
    secret: bytes
    fingerprint: str | None
    ca_cert: str | None
    headless: bool
    request_control: bool
    events_stdout: bool
    frame_tap: str | None
    duration: float | None
    commands_stdin: bool = False  # read the agent app's commands (viewer.control) from stdin
    password: str | None = dataclasses.field(default=None, repr=False)  # the session password (4 digits)

    @property
    def session_secret(self) -> bytes:
        """The secret the handshake uses: the server's, or with a password, both together."""
        return self.secret if self.password is None else password_secret(self.secret, self.password)




def parse_options(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> ViewerOptions:
    """Build ViewerOptions; ViewerOptionsError names what is missing."""
    env = dict(os.environ) if env is None else env
    args = _parser().parse_args(argv)
    token = env.get("FERRY_TOKEN", "")
    secret_hex = env.get("FERRY_SESSION_SECRET", "")
    if not token:
        raise ViewerOptionsError("set FERRY_TOKEN to the agent's bearer token (from POST /api/v1/auth/login)")
    try:
        secret = bytes.fromhex(secret_hex)
    except ValueError as exc:
        raise ViewerOptionsError("FERRY_SESSION_SECRET must be the hex secret of the session") from exc
    if len(secret) < 16:
        raise ViewerOptionsError("set FERRY_SESSION_SECRET to the session's secret (from POST /api/v1/sessions)")
    fingerprint = args.fingerprint or env.get("FERRY_FINGERPRINT") or None
    password = env.get(ENV_PASSWORD) or None
    if password is not None and not (len(password) == 4 and password.isascii() and password.isdigit()):
        raise ViewerOptionsError(f"{ENV_PASSWORD} must be the 4-digit session password")
    stdio = env.get(ENV_STDIO, "") == "1"  # the agent app's launcher: events out, commands in
    if not (fingerprint or args.ca_cert):
        raise ViewerOptionsError("pass --fingerprint (printed by ferry-server at start) or --ca-cert")
    return ViewerOptions(
        server=args.server, session_id=args.session, token=token, secret=secret,
        fingerprint=fingerprint, ca_cert=args.ca_cert, headless=args.headless,
        request_control=args.request_control, events_stdout=args.events_stdout or stdio,
        frame_tap=args.frame_tap, duration=args.duration, commands_stdin=args.commands_stdin or stdio,
        password=password,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ferry-viewer",
        description="Show and control a customer's screen. The token and the session secret come from\n"
        "the environment (FERRY_TOKEN, FERRY_SESSION_SECRET, and FERRY_SESSION_PASSWORD when the session\n"
        "uses a password) so they never appear in a process list.",
        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--server", required=True, help="server base URL, https://host:port")
    parser.add_argument("--session", required=True, help="session id from POST /api/v1/sessions")
    parser.add_argument("--fingerprint", help="SHA-256 fingerprint of the server certificate")
    parser.add_argument("--ca-cert", help="the server's certificate file (instead of --fingerprint)")
    parser.add_argument("--headless", action="store_true", help="decode without a window")
    parser.add_argument("--request-control", action="store_true", help="ask for control once live")
    parser.add_argument("--events-stdout", action="store_true", help="print one JSON line per event")
    parser.add_argument("--commands-stdin", action="store_true",
                        help='read JSON commands from stdin, e.g. {"cmd": "chat", "id": "1", "text": "Hello"}')
    parser.add_argument("--frame-tap", metavar="MODULE:FUNCTION",
                        help="call FUNCTION(frame, t_decoded_ns) for every decoded frame (BGRA H×W×4 uint8)")
    parser.add_argument("--duration", type=float, help="end the session after this many seconds")
    return parser


def load_frame_tap(spec: str) -> FrameTap:
    """Import ``module:function``; ViewerOptionsError when it is not there."""
    module_name, _, function_name = spec.partition(":")
    if not module_name or not function_name:
        raise ViewerOptionsError(f"--frame-tap takes MODULE:FUNCTION, got {spec!r}")
    try:
        function: FrameTap = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as exc:
        raise ViewerOptionsError(f"--frame-tap {spec}: {exc}") from exc
    return function
