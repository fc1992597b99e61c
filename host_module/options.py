"""Command line and environment of ``ferry-host``, as one frozen dataclass."""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Sequence


class HostOptionsError(ValueError):
    """The command line is incomplete; the message says what to pass."""


@dataclasses.dataclass(frozen=True)
class HostOptions:
    server: str
    fingerprint: str | None
    ca_cert: str | None
    code: str | None
    display: str | None
    accept: bool
    grant_control: bool
    events_stdout: bool
    session_password: str | None = None  # FERRY_SESSION_PASSWORD (scripts, tests); else the customer types it
    browser: bool = True  # open the end pages in the customer's browser (--no-browser: only report them)


def parse_options(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> HostOptions:
    """Build HostOptions from the command line and FERRY_* variables."""
    env = dict(os.environ) if env is None else env
    args = _parser().parse_args(argv)
    server = args.server or env.get("FERRY_SERVER")
    fingerprint = args.fingerprint or env.get("FERRY_FINGERPRINT") or None
    if not server:
        raise HostOptionsError("pass --server https://host:port (or set FERRY_SERVER)")
    if not (fingerprint or args.ca_cert):
        raise HostOptionsError("pass --fingerprint (the server's certificate fingerprint) or --ca-cert")
    return HostOptions(server=server, fingerprint=fingerprint, ca_cert=args.ca_cert, code=args.code,
                       display=args.display or env.get("DISPLAY"), accept=args.accept,
                       grant_control=args.grant_control, events_stdout=args.events_stdout,
                       session_password=env.get("FERRY_SESSION_PASSWORD") or None, browser=not args.no_browser)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ferry-host", description="Share this screen with a Ferry agent.")
    parser.add_argument("--server", help="support server URL, https://host:port")
    parser.add_argument("--fingerprint", help="SHA-256 fingerprint of the server certificate")
    parser.add_argument("--ca-cert", help="the server's certificate file (instead of --fingerprint)")
    parser.add_argument("--code", help="the 6-digit connection code (asked in a window when absent)")
    parser.add_argument("--display", help="X display to share (default: $DISPLAY)")
    parser.add_argument("--accept", action="store_true",
                        help="the customer agrees in advance: share as soon as the session is secured")
    parser.add_argument("--grant-control", action="store_true",
                        help="the customer grants control requests in advance")
    parser.add_argument("--events-stdout", action="store_true", help="print one JSON line per event")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open the end pages in a browser (they are still reported as events)")
    return parser
