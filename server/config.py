"""Server settings: one frozen dataclass built in ``main()`` and passed down.

Test knobs come from the environment so a test can start the real server with short timers:
``FERRY_DATABASE_URL`` (PostgreSQL instead of the SQLite file), ``FERRY_CODE_TTL_S`` (connection code
lifetime, default 600), ``FERRY_JOIN_DELAY_BASE_S`` (first lock-out after too many wrong codes,
default 2), ``FERRY_END_GRACE_S`` (how long the relay lets both legs close by themselves after
``POST /sessions/{id}/end``, default 1), ``FERRY_PURGE_INTERVAL_S`` (how often history past the company's
retention is purged, default 3600). ``FERRY_SMTP_HOST``/``_PORT``/``_FROM``/``_STARTTLS``/``_USER``/
``_PASSWORD`` name the mail server that sends two-step admin login codes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from pathlib import Path

from protocol.wire import MAX_PAYLOAD
from server.errors import StartupError

CODE_TTL_S = 600.0
TOKEN_TTL_S = 12 * 3600.0
JOIN_FREE_FAILURES = 5
JOIN_DELAY_BASE_S = 2.0
JOIN_DELAY_CAP_S = 300.0
JOIN_WINDOW_S = 900.0
END_GRACE_S = 1.0
RELAY_MAX_MESSAGE = MAX_PAYLOAD + 64  # 16 MiB of payload plus header and tag, with room to spare
MAX_REQUEST_BODY = 64 * 1024
PURGE_INTERVAL_S = 3600.0


@dataclasses.dataclass(frozen=True)
class JoinLimits:
    """How wrong connection codes from one client address are slowed down (see ``ratelimit``)."""

    free_failures: int = JOIN_FREE_FAILURES
    delay_base_s: float = JOIN_DELAY_BASE_S
    delay_cap_s: float = JOIN_DELAY_CAP_S
    window_s: float = JOIN_WINDOW_S


@dataclasses.dataclass(frozen=True)
class SmtpSettings:
    """Where two-step admin login codes are mailed from (``FERRY_SMTP_*``); no host: two-step cannot send."""

    host: str | None = None
    port: int = 25
    sender: str = "ferry@localhost"
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout_s: float = 10.0


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything the server needs to know to run."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8443
    public_name: str | None = None
    seed_demo: bool = False
    database_url: str = ""
    code_ttl_s: float = CODE_TTL_S
    token_ttl_s: float = TOKEN_TTL_S
    join_limits: JoinLimits = dataclasses.field(default_factory=JoinLimits)
    end_grace_s: float = END_GRACE_S
    relay_max_message: int = RELAY_MAX_MESSAGE
    relay_capture_dir: Path | None = None  # FERRY_RELAY_CAPTURE_DIR: write every relayed message (tests, audits)
    smtp: SmtpSettings = dataclasses.field(default_factory=SmtpSettings)
    purge_interval_s: float = PURGE_INTERVAL_S  # FERRY_PURGE_INTERVAL_S: how often old history is purged

    @property
    def tls_dir(self) -> Path:
        """Where the certificate and its key live."""
        return self.data_dir / "tls"

    @property
    def demo_credentials_path(self) -> Path:
        """Where ``--seed-demo`` writes the demo agent's login."""
        return self.data_dir / "demo-credentials.json"


def default_database_url(data_dir: Path) -> str:
    """The embedded SQLite database under the data directory."""
    return f"sqlite:///{(data_dir / 'ferry.db').as_posix()}"


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise StartupError(f"{name}={raw!r} is not a positive number of seconds: fix or unset it.")
    return value


def _smtp(env: Mapping[str, str]) -> SmtpSettings:
    raw_port = env.get("FERRY_SMTP_PORT") or "25"
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise StartupError(f"FERRY_SMTP_PORT={raw_port!r} is not a TCP port: use 1..65535.")
    return SmtpSettings(
        host=env.get("FERRY_SMTP_HOST") or None,
        port=int(raw_port),
        sender=env.get("FERRY_SMTP_FROM") or "ferry@localhost",
        starttls=env.get("FERRY_SMTP_STARTTLS", "").lower() in {"1", "yes", "true", "on"},
        user=env.get("FERRY_SMTP_USER") or None,
        password=env.get("FERRY_SMTP_PASSWORD") or None,
    )


def build_settings(
    *, data_dir: Path, host: str, port: int, public_name: str | None, seed_demo: bool,
    env: Mapping[str, str],
) -> Settings:
    """Settings from the command-line options and the ``FERRY_*`` environment variables."""
    if not 0 <= port <= 65535:
        raise StartupError(f"--port {port} is not a TCP port: use 0..65535 (0 picks a free one).")
    data_dir = data_dir.expanduser().resolve()
    limits = JoinLimits(delay_base_s=_positive_float(env, "FERRY_JOIN_DELAY_BASE_S", JOIN_DELAY_BASE_S))
    return Settings(
        data_dir=data_dir,
        host=host,
        port=port,
        public_name=public_name or None,
        seed_demo=seed_demo,
        database_url=env.get("FERRY_DATABASE_URL") or default_database_url(data_dir),
        code_ttl_s=_positive_float(env, "FERRY_CODE_TTL_S", CODE_TTL_S),
        join_limits=limits,
        end_grace_s=_positive_float(env, "FERRY_END_GRACE_S", END_GRACE_S),
        relay_capture_dir=Path(env["FERRY_RELAY_CAPTURE_DIR"]) if env.get("FERRY_RELAY_CAPTURE_DIR") else None,
        smtp=_smtp(env),
        purge_interval_s=_positive_float(env, "FERRY_PURGE_INTERVAL_S", PURGE_INTERVAL_S),
    )
