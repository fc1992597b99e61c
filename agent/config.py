"""The agent's configuration: a frozen dataclass built once in main() from arguments, environment and files.

Rules: each setting is taken from the first place that sets it, in this order: the command line, the
environment (FERRY_*), the user's file (``~/.config/ferry/agent.toml``), the system's file
(``/etc/ferry/agent.toml``, written by the installers). The trust (fingerprint or CA file) is taken
whole from the first place that names either. ``FERRY_AGENT_CONFIG`` names one file to use instead of
both (read, and written by ``save_language``). A file that cannot be read or holds a bad key or value is
a ConfigError naming the file and the key; a missing file is normal.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shlex
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from agent.errors import ConfigError
from transport.tls import InvalidFingerprintError, normalise_fingerprint

ENV_SERVER = "FERRY_SERVER"
ENV_FINGERPRINT = "FERRY_FINGERPRINT"
ENV_CA_CERT = "FERRY_CA_CERT"
ENV_LOGIN_ID = "FERRY_LOGIN_ID"
ENV_LANGUAGE = "FERRY_LANGUAGE"
ENV_CONFIG = "FERRY_AGENT_CONFIG"  # one file instead of the user's and the system's (tests, portable installs)
ENV_VIEWER_COMMAND = "FERRY_VIEWER_COMMAND"  # e.g. the packaged ferry-viewer; default: python -m viewer
DEFAULT_SERVER = "https://127.0.0.1:8443"
SYSTEM_CONFIG = Path("/etc/ferry/agent.toml")
LANGUAGES = ("ko", "en")
FILE_KEYS = ("server", "fingerprint", "ca_cert", "language", "login_id")
_EXAMPLES = {"server": "https://ferry.example.com:8443", "fingerprint": "AB:CD:…", "ca_cert": "/etc/ferry/ca.pem",
             "language": "ko", "login_id": "agent1"}


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
    """Everything main() decides before the first window opens; ``language`` None means the system's."""

    server_url: str
    tls: TlsConfig
    login_id: str = ""
    password: str | None = dataclasses.field(default=None, repr=False)
    auto_login: bool = False
    auto_code: bool = False
    events_stdout: bool = False
    viewer_command: tuple[str, ...] | None = None
    language: str | None = None


def build_parser() -> argparse.ArgumentParser:
    """The ``ferry-agent`` command line."""
    parser = argparse.ArgumentParser(prog="ferry-agent",
                                     description="Ferry agent: log in and support customers.")
    parser.add_argument("--server", help=f"server URL (default: ${ENV_SERVER}, the config file or {DEFAULT_SERVER})")
    trust = parser.add_mutually_exclusive_group()
    trust.add_argument("--fingerprint",
                       help=f"pinned SHA-256 fingerprint of the server certificate (${ENV_FINGERPRINT})")
    trust.add_argument("--ca-cert", metavar="PATH",
                       help=f"trust the server certificate through this CA file (${ENV_CA_CERT})")
    parser.add_argument("--login-id", help=f"agent ID to fill in (${ENV_LOGIN_ID})")
    parser.add_argument("--language", choices=LANGUAGES, help=f"language of the windows (${ENV_LANGUAGE})")
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


def config_from_args(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
                     files: Sequence[Path] | None = None) -> AgentConfig:
    """Parse ``argv`` with ``env`` and the config ``files`` (lowest precedence first; default:
    ``config_files(env)``) as fallbacks; raises ConfigError with a sentence saying what to fix."""
    env = os.environ if env is None else env
    args = build_parser().parse_args(argv)
    stored = [read_config_file(path) for path in reversed(config_files(env) if files is None else files)]
    layers = [_argument_layer(args), _environment_layer(env), *stored]  # highest precedence first
    server = _first(layers, "server") or DEFAULT_SERVER
    if not server.startswith("https://"):
        raise ConfigError(f"The server URL must start with https:// (got {server!r}): "
                          "Ferry never runs without TLS.")
    file_id, password = _read_password(args.password_file) if args.password_file else ("", None)
    login_id = args.login_id or env.get(ENV_LOGIN_ID) or file_id or _first(stored, "login_id")
    if args.auto_login and (not login_id or password is None):
        raise ConfigError("--auto-login needs --login-id and --password-file.")
    return AgentConfig(
        server_url=server.rstrip("/"),
        tls=_trust(layers),
        login_id=login_id,
        password=password,
        auto_login=args.auto_login,
        auto_code=args.auto_code,
        events_stdout=args.events_stdout,
        viewer_command=_viewer_command(env),
        language=_first(layers, "language") or None,
    )


def _argument_layer(args: argparse.Namespace) -> dict[str, str]:
    given = {"server": args.server, "fingerprint": args.fingerprint, "ca_cert": args.ca_cert,
             "language": args.language}
    return {key: value.strip() for key, value in given.items() if value and value.strip()}


def _environment_layer(env: Mapping[str, str]) -> dict[str, str]:
    names = {"server": ENV_SERVER, "fingerprint": ENV_FINGERPRINT, "ca_cert": ENV_CA_CERT, "language": ENV_LANGUAGE}
    layer = {key: env[name].strip() for key, name in names.items() if env.get(name, "").strip()}
    if layer.get("language", LANGUAGES[0]) not in LANGUAGES:
        raise ConfigError(f"{ENV_LANGUAGE} must be ko or en (got {layer['language']!r}).")
    return layer


def _first(layers: Sequence[Mapping[str, str]], key: str) -> str:
    return next((layer[key] for layer in layers if layer.get(key)), "")


def _trust(layers: Sequence[Mapping[str, str]]) -> TlsConfig:
    """The trust of the first layer that names a fingerprint or a CA file (a fingerprint wins within one)."""
    for layer in layers:
        if layer.get("fingerprint"):
            try:
                return TlsConfig(fingerprint=normalise_fingerprint(layer["fingerprint"]))
            except InvalidFingerprintError as exc:
                raise ConfigError(str(exc)) from exc
        if layer.get("ca_cert"):
            return TlsConfig(cafile=layer["ca_cert"])
    return TlsConfig()


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


# --- configuration files ---------------------------------------------------------------------------------


def user_config_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The user's own file (``FERRY_AGENT_CONFIG``, else ``$XDG_CONFIG_HOME`` or ``~/.config``
    ``/ferry/agent.toml``); None when the environment names no home."""
    env = os.environ if env is None else env
    if env.get(ENV_CONFIG, "").strip():
        return Path(env[ENV_CONFIG].strip()).expanduser()
    xdg = env.get("XDG_CONFIG_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "ferry" / "agent.toml"
    home = env.get("HOME", "")
    return Path(home) / ".config" / "ferry" / "agent.toml" if home else None


def config_files(env: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """The files read, lowest precedence first: the system's then the user's, or only FERRY_AGENT_CONFIG."""
    env = os.environ if env is None else env
    user = user_config_path(env)
    if env.get(ENV_CONFIG, "").strip() or user is None:
        return (user,) if user is not None else (SYSTEM_CONFIG,)
    return (SYSTEM_CONFIG, user)


def read_config_file(path: Path) -> dict[str, str]:
    """The settings in ``path`` (checked; empty values left out); {} when it does not exist."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"Could not read the configuration file {path}: {exc.strerror or exc}. "
                          "Check that it is a readable file, or remove it.") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"The configuration file {path} is not UTF-8 text: save it as UTF-8.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The configuration file {path} is not valid TOML ({exc}): fix it or remove it.") from exc
    return _checked(path, data)


def _checked(path: Path, data: Mapping[str, object]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in FILE_KEYS:
            raise ConfigError(f"The configuration file {path} has an unknown key {key!r}: "
                              f"the keys are {', '.join(FILE_KEYS)}.")
        if not isinstance(value, str):
            raise ConfigError(f'In the configuration file {path}, {key} must be text in quotes, '
                              f'such as {key} = "{_EXAMPLES[key]}".')
        if value.strip():
            values[key] = _checked_value(path, key, value.strip())
    if "fingerprint" in values and "ca_cert" in values:
        raise ConfigError(f"The configuration file {path} sets both fingerprint and ca_cert: keep only one.")
    return values


def _checked_value(path: Path, key: str, value: str) -> str:
    where = f"In the configuration file {path}, {key}"
    if key == "server" and not value.startswith("https://"):
        raise ConfigError(f"{where} must start with https:// (got {value!r}): Ferry never runs without TLS.")
    if key == "language" and value not in LANGUAGES:
        raise ConfigError(f"{where} must be ko or en (got {value!r}).")
    if key == "ca_cert":
        return str(path.parent / Path(value).expanduser())  # relative to the file's folder
    if key == "fingerprint":
        try:
            return normalise_fingerprint(value)
        except InvalidFingerprintError as exc:
            raise ConfigError(f"{where} is wrong: {exc}") from exc
    return value


def save_language(language: str, path: Path | None = None) -> Path:
    """Keep ``language`` ("ko" or "en") in the user's file (``path``, default ``user_config_path()``),
    for the next start; returns the file written."""
    if language not in LANGUAGES:
        raise ConfigError(f"The language must be ko or en (got {language!r}).")
    return save_user_settings({"language": language}, path)


def save_login_id(login_id: str, path: Path | None = None) -> Path:
    """Keep the ID that asked to be remembered in the user's file, so the next start fills it in."""
    return save_user_settings({"login_id": login_id.strip() or None}, path)


def save_user_settings(changes: Mapping[str, str | None], path: Path | None = None) -> Path:
    """Set (or, for None, remove) keys of the user's file, keeping its other lines and comments."""
    target = path or user_config_path()
    if target is None:
        raise ConfigError("Ferry has no place to keep your settings: set HOME, or FERRY_AGENT_CONFIG to a file.")
    read_config_file(target)  # never rewrite a file we would refuse to read
    try:
        text = target.read_text(encoding="utf-8") if target.exists() else ""
    except OSError as exc:
        raise ConfigError(f"Could not read the configuration file {target}: {exc.strerror or exc}.") from exc
    for key, value in changes.items():
        text = _with_line(text, key, value)
    try:
        _checked(target, tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Could not update the configuration file {target} ({exc}): "
                          "fix or remove it.") from exc
    _write(target, text)
    return target


def _with_line(text: str, key: str, value: str | None) -> str:
    """``text`` with the line ``key = "value"`` set, replaced or (value None) removed."""
    if key not in FILE_KEYS:
        raise ConfigError(f"Unknown setting {key!r}: the keys are {', '.join(FILE_KEYS)}.")
    pattern = re.compile(rf"^[ \t]*{key}[ \t]*=.*(?:\n|$)", re.MULTILINE)
    line = "" if value is None else f"{key} = {_toml_string(value)}\n"
    if pattern.search(text):
        return pattern.sub(lambda _: line, text, count=1)
    if text and not text.endswith("\n"):
        text += "\n"
    return text + line


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _write(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise ConfigError(f"Could not save the settings in {path}: {exc.strerror or exc}. "
                          "Check that the folder is writable.") from exc
