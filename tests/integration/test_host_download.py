"""GET /download/host on the real server: the built host program with address, fingerprint and code stamped in.

A small fake binary stands in for the PyInstaller build (FERRY_HOST_EXE); the host's own reader
(host_module.stamp) checks what the server appended.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from host_module.stamp import Stamp, read_stamp
from tests.integration.server_fixture import RunningServer, running_server

pytestmark = pytest.mark.integration

FAKE_SIZE = 5 * 1024 * 1024 + 123  # several stream chunks and a ragged end


@pytest.fixture(scope="module")
def fake_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("build") / "ferry-host"
    path.write_bytes(b"\x7fELF" + os.urandom(FAKE_SIZE - 4))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, fake_binary: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("download") / "data",
                        env={"FERRY_HOST_EXE": str(fake_binary)}) as running:
        yield running


def download(server: RunningServer, query: str, target: Path) -> Path:
    with server.session() as http, http.get(server.api(f"/download/host{query}"), stream=True, timeout=30) as reply:
        assert reply.status_code == 200, reply.text
        assert reply.headers["Content-Type"] == "application/octet-stream"
        assert 'filename="ferry-host"' in reply.headers["Content-Disposition"]
        with target.open("wb") as out:
            for chunk in reply.iter_content(256 * 1024):
                out.write(chunk)
        assert int(reply.headers["Content-Length"]) == target.stat().st_size
    return target


def test_the_download_carries_the_server_fingerprint_and_code(
        server: RunningServer, fake_binary: Path, tmp_path: Path) -> None:
    got = download(server, "?code=123456", tmp_path / "ferry-host")
    assert read_stamp(got) == Stamp(server.url, server.fingerprint, "123456")
    with got.open("rb") as handle:  # the binary itself arrives unchanged, the block follows it
        assert hashlib.sha256(handle.read(FAKE_SIZE)).digest() == hashlib.sha256(fake_binary.read_bytes()).digest()


def test_without_a_code_the_program_asks_for_it(server: RunningServer, tmp_path: Path) -> None:
    got = download(server, "", tmp_path / "ferry-host")
    assert read_stamp(got) == Stamp(server.url, server.fingerprint, None)


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", "12 456"])
def test_a_bad_code_is_refused_with_a_sentence(server: RunningServer, code: str) -> None:
    with server.session() as http:
        reply = http.get(server.api("/download/host"), params={"code": code}, timeout=10)
    assert reply.status_code == 422
    assert "connection code in the download link has 6 digits" in reply.json()["detail"]


def test_without_a_built_program_the_answer_says_what_to_do(tmp_path: Path) -> None:
    with running_server(tmp_path / "data") as bare, bare.session() as http:
        reply = http.get(bare.api("/download/host?code=123456"), timeout=10)
        assert reply.status_code == 404
        assert "ask the administrator to run make host-exe" in reply.json()["detail"]
        host_dir = bare.data_dir / "host"  # the default place: <data-dir>/host/ferry-host
        host_dir.mkdir()
        (host_dir / "ferry-host").write_bytes(b"\x7fELF tiny")
        reply = http.get(bare.api("/download/host"), timeout=10)
        assert reply.status_code == 200 and reply.content.startswith(b"\x7fELF tiny")


def test_the_connection_page_links_the_stamped_download_in_the_customers_language(server: RunningServer) -> None:
    with server.session() as http:
        korean = http.get(server.api("/connect?code=123456"), headers={"Accept-Language": "ko-KR,ko;q=0.9"},
                          timeout=10).text
        english = http.get(server.api("/connect"), headers={"Accept-Language": "en"}, timeout=10).text
    assert "href='/download/host?code=123456'" in korean and "Ferry 지원 프로그램 내려받기" in korean
    assert '<html lang="ko">' in korean
    assert "href='/download/host'" in english and "Download the Ferry support program" in english
