"""The one-time host executable, served with this server's address, fingerprint and code stamped in.

The binary is built once (``make host-exe``) and never rebuilt per customer: each download is the
built file followed by a config block (the format ``host_module.stamp`` reads):

    <the binary> <UTF-8 JSON {"server", "fingerprint"[, "code"]}> <uint32 LE length of the JSON> b"FERRYCFG"

The file is streamed in chunks and the block sent last; it is never read into memory whole.
Where the binary is: ``FERRY_HOST_EXE`` when set, else ``<data-dir>/host/ferry-host``.
"""

from __future__ import annotations

import functools
import json
import os
import struct
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from server.config import Settings
from server.errors import NotFoundError
from server.tls import ensure_certificate

HOST_EXE_ENV = "FERRY_HOST_EXE"
MAGIC = b"FERRYCFG"
TRAILER = struct.Struct("<I8s")  # length of the JSON block, MAGIC
CHUNK = 1024 * 1024
NOT_BUILT = ("The Ferry support program has not been built on this server yet: ask the administrator to run "
             "make host-exe (and set FERRY_HOST_EXE or copy dist/ferry-host to <data-dir>/host/ferry-host).")


def host_exe_path(settings: Settings, env: Mapping[str, str] | None = None) -> Path:
    """Where the built host executable is expected."""
    env = os.environ if env is None else env
    configured = env.get(HOST_EXE_ENV)
    return Path(configured).expanduser() if configured else settings.data_dir / "host" / "ferry-host"


def public_base_url(settings: Settings, request_base: str, port: int | None) -> str:
    """The https address the customer's program connects to (the public name when one is set)."""
    if settings.public_name:
        return f"https://{settings.public_name}:{port or 443}"
    return request_base.rstrip("/")


def server_fingerprint(settings: Settings) -> str:
    """SHA-256 fingerprint of the server's certificate (it never changes while the server runs)."""
    return _fingerprint(settings.tls_dir, settings.public_name)


@functools.lru_cache(maxsize=4)
def _fingerprint(tls_dir: Path, public_name: str | None) -> str:
    return ensure_certificate(tls_dir, public_name).fingerprint


def stamp_block(server: str, fingerprint: str, code: str | None) -> bytes:
    """The config block appended to the binary (JSON, its length, the magic)."""
    fields = {"server": server, "fingerprint": fingerprint} | ({"code": code} if code else {})
    payload = json.dumps(fields, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return payload + TRAILER.pack(len(payload), MAGIC)


def open_host_exe(path: Path) -> tuple[int, Iterator[bytes]]:
    """The binary's size and an iterator over its bytes (NotFoundError with the sentence when not built)."""
    try:
        handle = path.open("rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise NotFoundError(NOT_BUILT) from exc
    size = os.fstat(handle.fileno()).st_size
    return size, _chunks(handle, size)


def _chunks(handle: BinaryIO, size: int) -> Iterator[bytes]:
    """Exactly ``size`` bytes of the open file, one chunk at a time; the file is closed at the end."""
    try:
        left = size
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break  # the file shrank under us: the length header already promised more, the client sees it
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def stamped_download(path: Path, block: bytes) -> tuple[int, Iterator[bytes]]:
    """Length and body of the binary at ``path`` with ``block`` appended."""
    size, body = open_host_exe(path)

    def with_block() -> Iterator[bytes]:
        yield from body
        yield block

    return size + len(block), with_block()
