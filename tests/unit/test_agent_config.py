"""The agent's command line, environment and configuration files become one frozen AgentConfig; the user's
file keeps the language and the remembered ID."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from agent import config as config_module
from agent.config import (
    AgentConfig,
    TlsConfig,
    config_files,
    config_from_args,
    read_config_file,
    save_language,
    save_login_id,
    user_config_path,
)
from agent.errors import ConfigError

FP = ":".join(["AB"] * 32)


@pytest.fixture(autouse=True)
def no_system_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own (absent) system file: a real /etc/ferry/agent.toml never leaks in."""
    path = tmp_path / "etc" / "agent.toml"
    monkeypatch.setattr(config_module, "SYSTEM_CONFIG", path)
    return path


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


# --- configuration files: command line > environment > user file > system file ---------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_files_fill_in_below_environment_and_arguments(tmp_path: Path) -> None:
    system = _write(tmp_path / "system.toml", f'server = "https://system.example"\nfingerprint = "{"ab" * 32}"\n'
                                              'language = "en"\nlogin_id = "from-system"\n')
    user = _write(tmp_path / "user.toml", 'server = "https://user.example/"\nlanguage = "ko"\n')
    files = [system, user]
    config = config_from_args([], env={}, files=files)
    assert (config.server_url, config.language, config.login_id) == ("https://user.example", "ko", "from-system")
    assert config.tls == TlsConfig(fingerprint=FP)
    config = config_from_args([], env={"FERRY_SERVER": "https://env.example", "FERRY_LANGUAGE": "en"}, files=files)
    assert (config.server_url, config.language) == ("https://env.example", "en")
    config = config_from_args(["--server", "https://arg.example", "--language", "ko", "--login-id", "me"],
                              env={"FERRY_SERVER": "https://env.example", "FERRY_LANGUAGE": "en"}, files=files)
    assert (config.server_url, config.language, config.login_id) == ("https://arg.example", "ko", "me")
    assert config_from_args([], env={}, files=[]).language is None


def test_the_trust_comes_whole_from_one_place(tmp_path: Path) -> None:
    system = _write(tmp_path / "etc" / "agent.toml", f'fingerprint = "{FP}"\n')
    user = _write(tmp_path / "home" / "agent.toml", 'ca_cert = "certs/ca.pem"\n')
    config = config_from_args([], env={}, files=[system, user])
    assert config.tls == TlsConfig(cafile=str(tmp_path / "home" / "certs" / "ca.pem"))  # relative to its file
    config = config_from_args([], env={"FERRY_FINGERPRINT": "cd" * 32}, files=[system, user])
    assert config.tls == TlsConfig(fingerprint=":".join(["CD"] * 32))
    config = config_from_args(["--ca-cert", "/x/ca.pem"], env={"FERRY_FINGERPRINT": FP}, files=[system, user])
    assert config.tls == TlsConfig(cafile="/x/ca.pem")


def test_the_default_files_and_ferry_agent_config(tmp_path: Path, no_system_file: Path) -> None:
    assert config_files({"HOME": "/home/kim"}) == (no_system_file, Path("/home/kim/.config/ferry/agent.toml"))
    assert user_config_path({"HOME": "/home/kim", "XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/ferry/agent.toml")
    assert user_config_path({"HOME": "/home/kim", "XDG_CONFIG_HOME": "relative"}) == Path(
        "/home/kim/.config/ferry/agent.toml")
    assert user_config_path({}) is None and config_files({}) == (no_system_file,)
    named = tmp_path / "mine.toml"
    assert config_files({"HOME": "/home/kim", "FERRY_AGENT_CONFIG": str(named)}) == (named,)
    _write(no_system_file, 'server = "https://system.example"\n')
    _write(named, 'server = "https://named.example"\n')
    assert config_from_args([], env={"HOME": str(tmp_path)}).server_url == "https://system.example"
    assert config_from_args([], env={"FERRY_AGENT_CONFIG": str(named)}).server_url == "https://named.example"


@pytest.mark.parametrize(("text", "expected"), [
    ("server = ", r"is not valid TOML"),
    ('sever = "https://a"', r"unknown key 'sever': the keys are server, fingerprint"),
    ("server = 8443", r'server must be text in quotes, such as server = "https://'),
    ('server = "http://plain.example"', r"server must start with https://"),
    ('language = "fr"', r"language must be ko or en"),
    ('fingerprint = "AB:CD"', r"fingerprint is wrong: .*not a SHA-256 fingerprint"),
    (f'fingerprint = "{FP}"\nca_cert = "/ca.pem"', r"sets both fingerprint and ca_cert"),
])
def test_a_bad_file_names_the_file_and_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path / "agent.toml", text + "\n")
    with pytest.raises(ConfigError, match=expected) as refused:
        config_from_args([], env={"FERRY_AGENT_CONFIG": str(path)})
    assert str(path) in str(refused.value)


def test_an_unreadable_file_is_a_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "agent.toml"
    folder.mkdir()
    with pytest.raises(ConfigError, match=r"Could not read the configuration file .*agent.toml"):
        read_config_file(folder)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"server = \"\xff\"\n")
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        read_config_file(binary)
    assert read_config_file(tmp_path / "missing.toml") == {}
    assert read_config_file(_write(tmp_path / "empty-values.toml", 'server = ""\n')) == {}


def test_a_bad_language_in_the_environment() -> None:
    with pytest.raises(ConfigError, match="FERRY_LANGUAGE must be ko or en"):
        config_from_args([], env={"FERRY_LANGUAGE": "de"}, files=[])


def test_save_language_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "agent.toml", '# written by the installer\nserver = "https://a.example"\n'
                                           'language = "en"  # the first choice\n')
    assert save_language("ko", path) == path
    assert path.read_text(encoding="utf-8") == '# written by the installer\nserver = "https://a.example"\n' \
                                               'language = "ko"\n'
    fresh = tmp_path / "new" / "dir" / "agent.toml"
    save_language("en", fresh)
    assert read_config_file(fresh) == {"language": "en"}
    with pytest.raises(ConfigError, match="ko or en"):
        save_language("fr", fresh)


def test_save_language_goes_to_the_user_file_of_the_environment(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    named = tmp_path / "mine.toml"
    monkeypatch.setenv("FERRY_AGENT_CONFIG", str(named))
    save_language("ko")
    assert config_from_args([]).language == "ko"
    monkeypatch.delenv("FERRY_AGENT_CONFIG")
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    with pytest.raises(ConfigError, match="no place to keep your settings"):
        save_language("en")


def test_the_remembered_id_is_kept_and_removed(tmp_path: Path) -> None:
    path = _write(tmp_path / "agent.toml", 'language = "ko"')  # no newline at the end
    save_login_id("김상담", path)
    assert read_config_file(path) == {"language": "ko", "login_id": "김상담"}
    assert config_from_args([], env={}, files=[path]).login_id == "김상담"
    assert config_from_args(["--login-id", "other"], env={}, files=[path]).login_id == "other"
    save_login_id('odd "id"\\', path)
    assert read_config_file(path)["login_id"] == 'odd "id"\\'
    save_login_id("", path)
    assert read_config_file(path) == {"language": "ko"}


def test_a_broken_file_is_not_rewritten(tmp_path: Path) -> None:
    path = _write(tmp_path / "agent.toml", "server = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        save_language("ko", path)
    assert path.read_text(encoding="utf-8") == "server = [\n"
