"""The server's certificate, its fingerprint banner, and clients that pin it (transport.tls)."""

from __future__ import annotations

import hashlib
import re
import socket
import ssl
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.integration.server_fixture import RunningServer, running_server
from transport.tls import (
    InvalidFingerprintError,
    PinnedCertificateError,
    ServerUnreachableError,
    UnpinnedPeerError,
    normalise_fingerprint,
    pinned_session,
    pinned_ssl_context,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("tls") / "data") as running:
        yield running


def _file_fingerprint(path: Path) -> str:
    der = ssl.PEM_cert_to_DER_cert(path.read_text())
    return normalise_fingerprint(hashlib.sha256(der).hexdigest())


def test_certificate_made_and_fingerprint_printed(server: RunningServer) -> None:
    assert server.cert_path.exists()
    key = server.data_dir / "tls" / "server.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert server.fingerprint == _file_fingerprint(server.cert_path)
    assert f"SHA-256 fingerprint: {server.fingerprint}" in server.stdout_lines
    assert server.stdout_lines[-1] == f"Ferry server ready at {server.url}"
    assert any(line == f"Demo agent: demo / {server.password}" for line in server.stdout_lines)
    credentials = server.data_dir / "demo-credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600


def test_pinned_session_talks_to_the_server(server: RunningServer) -> None:
    with server.session() as http:
        answer = http.get(server.api("/api/v1/health"), timeout=5)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    with pinned_session(server.url, cafile=str(server.cert_path)) as by_file:
        assert by_file.get(server.api("/api/v1/health"), timeout=5).status_code == 200
    lower = server.fingerprint.replace(":", "").lower()
    with pinned_session(server.url, fingerprint=lower) as by_hex:
        assert by_hex.get(server.api("/openapi.json"), timeout=5).json()["info"]["title"] == "Ferry server"


def test_wrong_fingerprint_is_refused_with_a_clear_error(server: RunningServer) -> None:
    wrong = "AB:" * 31 + "AB"
    with pytest.raises(PinnedCertificateError) as caught:
        pinned_session(server.url, fingerprint=wrong)
    message = str(caught.value)
    assert server.url in message and server.fingerprint in message and wrong in message


def test_plain_clients_do_not_trust_the_self_signed_certificate(server: RunningServer) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(server.api("/api/v1/health"), timeout=5)


def test_pinned_context_trusts_only_that_certificate(server: RunningServer, tmp_path: Path) -> None:
    context = pinned_ssl_context(server.url, server.fingerprint)
    assert context.verify_mode == ssl.CERT_REQUIRED and not context.check_hostname
    with running_server(tmp_path / "other", seed_demo=False) as other:
        assert other.fingerprint != server.fingerprint
        with pytest.raises(PinnedCertificateError):
            pinned_ssl_context(other.url, server.fingerprint)
        with socket.create_connection(("127.0.0.1", other.port), timeout=5) as raw, \
                pytest.raises(ssl.SSLCertVerificationError):
            context.wrap_socket(raw, server_hostname="localhost")


def test_token_never_leaves_for_another_origin(server: RunningServer) -> None:
    with server.session() as http, pytest.raises(UnpinnedPeerError):
        http.get("https://127.0.0.1:1/api/v1/health", headers={"Authorization": "Bearer secret"}, timeout=5)
    with server.session() as http, pytest.raises(UnpinnedPeerError):
        http.get(server.url.replace("https://", "http://") + "/api/v1/health", timeout=5)


def test_fingerprint_forms_and_unreachable_server() -> None:
    digits = "0123456789abcdef" * 4
    expected = ":".join(digits.upper()[i:i + 2] for i in range(0, 64, 2))
    assert normalise_fingerprint(digits) == expected
    assert normalise_fingerprint(f"SHA-256 fingerprint: {expected}") == expected
    assert normalise_fingerprint(expected.lower().replace(":", " ")) == expected
    with pytest.raises(InvalidFingerprintError):
        normalise_fingerprint("12:34")
    with pytest.raises(ServerUnreachableError, match=re.escape("127.0.0.1:1")):
        pinned_ssl_context("https://127.0.0.1:1", expected, timeout=2)


def test_restart_keeps_certificate_and_demo_agent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_server(data) as first:
        fingerprint, password = first.fingerprint, first.password
    with running_server(data) as second:
        assert second.fingerprint == fingerprint
        assert second.password == password
        assert not any(line.startswith("Demo agent: ") for line in second.stdout_lines)
        assert any(line.startswith("Demo agent exists: demo") for line in second.stdout_lines)
        assert second.login()
