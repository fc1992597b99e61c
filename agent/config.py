"""The agent's configuration: a frozen dataclass built once in main() from arguments and environment."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from agent.errors import ConfigError
from transport.tls import InvalidFingerprintError, normalise_fingerprint

ENV_SERVER = "FERRY_SERVER"
ENV_FINGERPRINT = "FERRY_FINGERPRINT"
ENV_CA_CERT = "FERRY_CA_CERT"
ENV_LOGIN_ID = "FERRY_LOGIN_ID"
ENV_VIEWER_COMMAND = "FERRY_VIEWER_COMMAND"  # e.g. the packaged ferry-viewer; default: python -m viewer
DEFAULT_SERVER = "https://127.0.0.1:8443"


@dataclasses.dataclass(frozen=True)
class TlsConfig:
    """How the agent trusts the server: a pinned SHA-256 fingerprint, a CA file, or the system store."""

    fingerprint: str | None = None
    cafile: str | None = None

    def viewer_args(self) -> list[str]:
        """The same trust, as command-line arguments for the viewer process."""
        if self.fingerprint:
            return ["--fingerprint", self.fingerprint]
        if self.cafile:
            return ["--ca-cert", self.cafile]
        return []


@dataclasses.dataclass(frozen=True)
class AgentConfig:
    """Everything main() decides before the first window opens."""

    server_url: str
    tls: TlsConfig
    login_id: str = ""
    password: str | None = dataclasses.field(default=None, repr=False)
    auto_login: bool = False
    auto_code: bool = False
    events_stdout: bool = False
    viewer_command: tuple[str, ...] | None = None


def build_parser() -> argparse.ArgumentParser:
    """The ``ferry-agent`` command line."""
    parser = argparse.ArgumentParser(prog="ferry-agent",
                                     description="Ferry agent: log in and support customers.")
    parser.add_argument("--server", help=f"server URL (default: ${ENV_SERVER} or {DEFAULT_SERVER})")
    trust = parser.add_mutually_exclusive_group()
    trust.add_argument("--fingerprint",
                       help=f"pinned SHA-256 fingerprint of the server certificate (${ENV_FINGERPRINT})")
    trust.add_argument("--ca-cert", metavar="PATH",
                       help=f"trust the server certificate through this CA file (${ENV_CA_CERT})")
    parser.add_argument("--login-id", help=f"agent ID to fill in (${ENV_LOGIN_ID})")
    parser.add_argument("--password-file", metavar="PATH", type=Path,
                        help="read the password from this file: one line, or a JSON {login_id, password} "
                             "credentials file (for scripted logins; never pass it on the command line)")
    parser.add_argument("--auto-login", action="store_true",
                        help="log in at start with --login-id and --password-file")
    parser.add_argument("--auto-code", action="store_true",
                        help="request a connection code right after login")
    parser.add_argument("--events-stdout", action="store_true",
                        help="write one JSON line per event to stdout")
    return parser


def config_from_args(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> AgentConfig:
    """Parse ``argv`` with ``env`` as fallback; raises ConfigError with a sentence saying what to fix."""
    env = os.environ if env is None else env
    args = build_parser().parse_args(argv)
    server = (args.server or env.get(ENV_SERVER) or DEFAULT_SERVER).strip()
    if not server.startswith("https://"):
        raise ConfigError(f"The server URL must start with https:// (got {server!r}): "
                          "Ferry never runs without TLS.")
    fingerprint = args.fingerprint
    cafile = args.ca_cert
    if fingerprint is None and cafile is None:
        fingerprint = env.get(ENV_FINGERPRINT) or None
        cafile = None if fingerprint else env.get(ENV_CA_CERT) or None
    if fingerprint:
        try:
            fingerprint = normalise_fingerprint(fingerprint)
        except InvalidFingerprintError as exc:
            raise ConfigError(str(exc)) from exc
    file_id, password = _read_password(args.password_file) if args.password_file else ("", None)
    login_id = args.login_id or env.get(ENV_LOGIN_ID) or file_id
    if args.auto_login and (not login_id or password is None):
        raise ConfigError("--auto-login needs --login-id and --password-file.")
    return AgentConfig(
        server_url=server.rstrip("/"),
        tls=TlsConfig(fingerprint=fingerprint, cafile=cafile),
        login_id=login_id,
        password=password,
        auto_login=args.auto_login,
        auto_code=args.auto_code,
        events_stdout=args.events_stdout,
        viewer_command=_viewer_command(env),
    )


def _viewer_command(env: Mapping[str, str]) -> tuple[str, ...] | None:
    value = env.get(ENV_VIEWER_COMMAND, "").strip()
    return tuple(shlex.split(value)) if value else None


def _read_password(path: Path) -> tuple[str, str]:
    """(login_id, password) from ``path``: the whole file is the password (one line), or it is
    the server's JSON credentials file ``{"login_id", "password"}`` as ``--seed-demo`` writes it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Could not read the password file {path}: {exc.strerror or exc}.") from exc
    login_id, password = "", text.rstrip("\r\n")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("password"), str):
            login_id, password = str(data.get("login_id") or ""), data["password"]
    if not password:
        raise ConfigError(f"The password file {path} is empty.")
    return login_id, password
