"""The agent's command line and environment become one frozen AgentConfig."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from agent.config import AgentConfig, TlsConfig, config_from_args
from agent.errors import ConfigError

FP = ":".join(["AB"] * 32)


def test_arguments_win_over_environment() -> None:
    config = config_from_args(["--server", "https://a.example:9443/", "--fingerprint", FP],
                              env={"FERRY_SERVER": "https://b.example", "FERRY_FINGERPRINT": "00" * 32})
    assert config.server_url == "https://a.example:9443"
    assert config.tls == TlsConfig(fingerprint=FP)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.server_url = "https://x"  # type: ignore[misc]


def test_environment_fills_in() -> None:
    config = config_from_args([], env={"FERRY_SERVER": "https://b.example", "FERRY_FINGERPRINT": FP,
                                       "FERRY_VIEWER_COMMAND": "/opt/ferry/ferry-viewer --verbose"})
    assert config == AgentConfig(server_url="https://b.example", tls=TlsConfig(fingerprint=FP),
                                 viewer_command=("/opt/ferry/ferry-viewer", "--verbose"))


def test_ca_cert_instead_of_fingerprint(tmp_path: Path) -> None:
    config = config_from_args(["--server", "https://a", "--ca-cert", str(tmp_path / "ca.pem")], env={})
    assert config.tls.cafile == str(tmp_path / "ca.pem") and config.tls.fingerprint is None
    assert config.tls.viewer_args() == ["--ca-cert", str(tmp_path / "ca.pem")]
    assert TlsConfig(fingerprint=FP).viewer_args() == ["--fingerprint", FP]


def test_fingerprint_and_ca_cert_exclude_each_other() -> None:
    with pytest.raises(SystemExit):
        config_from_args(["--fingerprint", FP, "--ca-cert", "x.pem"], env={})


def test_plain_http_is_refused() -> None:
    with pytest.raises(ConfigError, match="https://"):
        config_from_args(["--server", "http://a.example"], env={})


def test_password_comes_from_a_file_and_is_not_in_repr(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret pass\n", encoding="utf-8")
    config = config_from_args(["--login-id", "agent1", "--password-file", str(secret), "--auto-login",
                               "--auto-code", "--events-stdout"], env={})
    assert config.password == "s3cret pass"
    assert config.auto_login and config.auto_code and config.events_stdout
    assert "s3cret" not in repr(config)


def test_auto_login_needs_id_and_password(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--auto-login"):
        config_from_args(["--auto-login"], env={})
    with pytest.raises(ConfigError, match="Could not read the password file"):
        config_from_args(["--password-file", str(tmp_path / "missing")], env={})
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is empty"):
        config_from_args(["--password-file", str(empty)], env={})


def test_password_file_may_be_the_servers_credentials_json(tmp_path: Path) -> None:
    creds = tmp_path / "demo-credentials.json"
    creds.write_text('{"login_id": "demo", "password": "pw-from-json"}\n', encoding="utf-8")
    config = config_from_args(["--password-file", str(creds), "--auto-login"], env={})
    assert (config.login_id, config.password) == ("demo", "pw-from-json")
    config = config_from_args(["--password-file", str(creds), "--login-id", "other"], env={})
    assert config.login_id == "other"


def test_fingerprint_is_normalised_and_checked() -> None:
    config = config_from_args(["--fingerprint", "ab" * 32], env={})
    assert config.tls.fingerprint == FP
    with pytest.raises(ConfigError, match="not a SHA-256 fingerprint"):
        config_from_args(["--fingerprint", "AB:CD"], env={})
