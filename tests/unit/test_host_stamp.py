"""The stamp the server appends to the host executable, read back by the host (host_module.stamp).

The writer is the server's (server.downloads.stamp_block): these tests are the contract between both.
"""

from __future__ import annotations

import json
import logging
import struct
from pathlib import Path

import pytest

from host_module.__main__ import _with_stamp
from host_module.options import parse_options
from host_module.stamp import MAGIC, Stamp, read_stamp
from server.downloads import stamp_block

FINGERPRINT = ":".join(["AB"] * 32)
BINARY = b"\x7fELF" + bytes(range(256)) * 40  # stands in for the one-file executable


def stamped(tmp_path: Path, block: bytes, binary: bytes = BINARY) -> Path:
    path = tmp_path / "ferry-host"
    path.write_bytes(binary + block)
    return path


def raw_block(payload: bytes) -> bytes:
    return payload + struct.pack("<I", len(payload)) + MAGIC


def test_round_trip_with_a_code(tmp_path: Path) -> None:
    path = stamped(tmp_path, stamp_block("https://support.example:8443", FINGERPRINT, "123456"))
    assert read_stamp(path) == Stamp("https://support.example:8443", FINGERPRINT, "123456")
    assert path.read_bytes().startswith(BINARY)  # the binary itself is untouched


def test_round_trip_without_a_code(tmp_path: Path) -> None:
    path = stamped(tmp_path, stamp_block("https://127.0.0.1:5000", FINGERPRINT, None))
    assert read_stamp(path) == Stamp("https://127.0.0.1:5000", FINGERPRINT, None)


def test_only_the_last_block_counts(tmp_path: Path) -> None:
    first = stamp_block("https://old.example", FINGERPRINT, "111111")
    path = stamped(tmp_path, first + stamp_block("https://new.example", FINGERPRINT, "222222"))
    assert read_stamp(path) == Stamp("https://new.example", FINGERPRINT, "222222")


def test_a_file_without_a_block_has_no_stamp(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert read_stamp(stamped(tmp_path, b"")) is None
    assert read_stamp(stamped(tmp_path, b"", binary=b"tiny")) is None
    assert not caplog.records  # normal case: nothing to log


@pytest.mark.parametrize("block", [
    raw_block(b"{not json"),
    raw_block(b"\xff\xfe"),
    raw_block(b"[1, 2]"),
    raw_block(json.dumps({"server": "http://plain.example", "fingerprint": FINGERPRINT}).encode()),
    raw_block(json.dumps({"server": "https://x.example", "fingerprint": "AB:CD"}).encode()),
    raw_block(json.dumps({"server": "https://x.example", "fingerprint": FINGERPRINT, "code": "12345"}).encode()),
    raw_block(json.dumps({"fingerprint": FINGERPRINT}).encode()),
    b"{}" + struct.pack("<I", 10**6) + MAGIC,  # length past the start of the file
    b"" + struct.pack("<I", 0) + MAGIC,
], ids=["not-json", "not-utf8", "not-object", "http", "short-fingerprint", "five-digits", "no-server",
        "length-out-of-range", "empty"])
def test_a_damaged_block_is_ignored_with_a_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, block: bytes) -> None:
    with caplog.at_level(logging.WARNING, logger="host_module.stamp"):
        assert read_stamp(stamped(tmp_path, block)) is None
    assert len(caplog.records) == 1 and "Ignoring the configuration appended to" in caplog.records[0].getMessage()


def test_a_truncated_download_is_not_trusted(tmp_path: Path) -> None:
    block = stamp_block("https://support.example", FINGERPRINT, "123456")
    path = stamped(tmp_path, block[:-1])  # the last byte did not arrive: no magic at the end
    assert read_stamp(path) is None


def test_the_stamp_presets_the_options_and_the_command_line_overrides_them(tmp_path: Path) -> None:
    path = stamped(tmp_path, stamp_block("https://support.example", FINGERPRINT, "123456"))
    preset = parse_options(_with_stamp(["--accept"], path), env={})
    assert (preset.server, preset.fingerprint, preset.code, preset.accept) == (
        "https://support.example", FINGERPRINT, "123456", True)
    overridden = parse_options(_with_stamp(["--code", "654321"], path), env={})
    assert overridden.code == "654321" and overridden.server == "https://support.example"


def test_not_frozen_reads_no_stamp() -> None:
    assert _with_stamp(["--server", "https://a"], None) == ["--server", "https://a"]
