"""Chat files on disk: ``<data dir>/queue_files/<random name>``, at most ``MAX_FILE`` bytes each.

Uploads are ``multipart/form-data`` with one part named ``file`` (parsed with the standard library's
e-mail parser, so the server needs no multipart package). A name on disk is 32 random hex digits; the
customer's file name is kept only in the database and sent back in ``Content-Disposition``.
"""

from __future__ import annotations

import dataclasses
import email.parser
import email.policy
import logging
import os
import secrets
import time
from collections.abc import Collection
from pathlib import Path

logger = logging.getLogger(__name__)

MAX_FILE = 10 * 1024 * 1024
BODY_LIMIT = MAX_FILE + 64 * 1024  # the multipart envelope around one file
ORPHAN_AGE_S = 300.0
NAME_CHARS = 200


class UploadError(ValueError):
    """An upload that cannot be taken; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class Upload:
    """One uploaded file."""

    name: str
    data: bytes


def files_dir(data_dir: Path) -> Path:
    """Where chat files live."""
    return data_dir / "queue_files"


def parse_upload(content_type: str, body: bytes) -> Upload:
    """The ``file`` part of a multipart body (``UploadError`` otherwise)."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise UploadError("Send the file as multipart/form-data with a part named \"file\".")
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    for part in message.iter_parts() if message.is_multipart() else ():
        if part.get_param("name", header="content-disposition") == "file":
            data = part.get_payload(decode=True)
            name = clean_name(str(part.get_filename() or "file"))
            if not isinstance(data, bytes):
                break
            if len(data) > MAX_FILE:
                raise UploadError(f"The file is larger than {MAX_FILE // (1024 * 1024)} MB: send a smaller one.")
            return Upload(name, data)
    raise UploadError("The upload has no part named \"file\": send the file in a form field named file.")


def clean_name(name: str) -> str:
    """A file name without folders or control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"')
    return base.strip()[:NAME_CHARS] or "file"


def save(folder: Path, data: bytes) -> str:
    """Write ``data`` under a new random name; the name."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored = secrets.token_hex(16)
    path = folder / stored
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(data)
    return stored


def path_of(folder: Path, stored: str) -> Path:
    """The path of a stored file (names are hex: no way out of the folder)."""
    if not stored.isalnum():
        raise UploadError("bad stored name")
    return folder / stored


def remove(folder: Path, names: Collection[str]) -> None:
    """Delete stored files (missing ones are fine)."""
    for stored in names:
        try:
            path_of(folder, stored).unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("Could not delete chat file %s: %s", stored, exc)


def sweep(folder: Path, known: Collection[str], now: float | None = None) -> int:
    """Delete files on disk with no database row (the chat was deleted or purged) older than a few minutes."""
    if not folder.is_dir():
        return 0
    moment = time.time() if now is None else now
    gone = [p.name for p in folder.iterdir() if p.name not in known and moment - p.stat().st_mtime > ORPHAN_AGE_S]
    remove(folder, gone)
    return len(gone)
