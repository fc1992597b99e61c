"""The config block the server stamps onto the one-time executable: server, fingerprint, code.

Format (written by ``server.downloads.stamp_block``, read here): the binary, then a UTF-8 JSON object
``{"server": "https://…", "fingerprint": "AB:CD:…", "code": "123456"}`` (``code`` optional), then
a 12-byte trailer: the JSON's length (uint32, little-endian) and the magic ``FERRYCFG``. PyInstaller's
one-file bootloader finds its archive through an ELF section (Linux), so data appended after the end
of the file does not disturb it. Only the last block counts.

Rules: a file without the magic has no stamp (normal for ``python -m host_module``); a block that is
damaged or holds values that do not look right is ignored with one log line, never trusted in part.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import struct
import sys
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"FERRYCFG"
TRAILER = struct.Struct("<I8s")  # length of the JSON block, MAGIC
MAX_BLOCK = 4096
FINGERPRINT_PATTERN = re.compile(r"(?:[0-9A-F]{2}:){31}[0-9A-F]{2}")
CODE_PATTERN = re.compile(r"[0-9]{6}")


@dataclasses.dataclass(frozen=True)
class Stamp:
    """What the download stamped in: where to connect, which certificate to trust, the code if given."""

    server: str
    fingerprint: str
    code: str | None = None

    def as_arguments(self) -> list[str]:
        """Command-line arguments presetting these values (arguments given later override them)."""
        arguments = ["--server", self.server, "--fingerprint", self.fingerprint]
        return arguments + (["--code", self.code] if self.code else [])


class StampError(ValueError):
    """The appended block is damaged; the message says what is wrong with it."""


def stamped_executable() -> Path | None:
    """The one-file binary this process runs from, or None when not frozen (``python -m host_module``)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable)
    return None


def read_stamp(path: Path) -> Stamp | None:
    """The stamp appended to ``path``; None when there is none or it is damaged (logged)."""
    try:
        block = _last_block(path)
        return None if block is None else _parse(block)
    except StampError as exc:
        log.warning("Ignoring the configuration appended to %s: %s", path, exc)
    except OSError as exc:
        log.warning("Could not read the configuration appended to %s: %s", path, exc)
    return None


def _last_block(path: Path) -> bytes | None:
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        if size < TRAILER.size:
            return None
        handle.seek(size - TRAILER.size)
        length, magic = TRAILER.unpack(handle.read(TRAILER.size))
        if magic != MAGIC:
            return None
        if not 0 < length <= min(MAX_BLOCK, size - TRAILER.size):
            raise StampError(f"the block length {length} is out of range")
        handle.seek(size - TRAILER.size - length)
        return handle.read(length)


def _parse(block: bytes) -> Stamp:
    try:
        fields = json.loads(block.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StampError(f"the block is not JSON ({exc})") from exc
    if not isinstance(fields, dict):
        raise StampError("the block is not a JSON object")
    server, fingerprint, code = fields.get("server"), fields.get("fingerprint"), fields.get("code")
    if not (isinstance(server, str) and server.startswith("https://") and len(server) <= 300):
        raise StampError(f"the server address {server!r} is not an https URL")
    if not (isinstance(fingerprint, str) and FINGERPRINT_PATTERN.fullmatch(fingerprint)):
        raise StampError(f"the fingerprint {fingerprint!r} is not a SHA-256 fingerprint")
    if code is not None and not (isinstance(code, str) and CODE_PATTERN.fullmatch(code)):
        raise StampError(f"the code {code!r} is not 6 digits")
    return Stamp(server, fingerprint, code)
