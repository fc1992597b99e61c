"""File names and places for file transfers: sanitising, download folders, ``.part`` files and their sidecars.

Rules: a name from the other side is never trusted — ``sanitise_name`` keeps only a bare, printable file
name (no path separators, no ``..``, no control characters, no reserved Windows names, length-limited).
A file being received lives at a ``.part`` name next to its final name, with a small sidecar (JSON: the
offered name, size and SHA-256) that lets a re-offer of the same file resume from the bytes the ``.part``
holds. ``place`` moves a finished ``.part`` to its final name and never overwrites unless told to.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import unicodedata
from collections.abc import Mapping
from pathlib import Path

MAX_NAME_BYTES = 180  # leaves room for " (99)" and the ".ferry-xxxxxxxx.part" suffix within 255 bytes
FORBIDDEN_CHARS = frozenset('<>:"/\\|?*')
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", *(f"COM{i}" for i in range(10)),
                      *(f"LPT{i}" for i in range(10))})
FALLBACK_NAME = "file"
PART_SUFFIX = ".part"


def sanitise_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """A safe bare file name for ``name`` as the other side sent it (its last path component, cleaned)."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if ch not in FORBIDDEN_CHARS and _printable(ch))
    name = name.strip(" .")  # no "..", no hidden dot-files, no trailing dots or spaces (Windows drops them)
    if not name:
        return FALLBACK_NAME
    if name.partition(".")[0].rstrip(" ").upper() in RESERVED:
        name = "_" + name
    return _shorten(name, limit)


def _printable(ch: str) -> bool:
    return ch.isprintable() and unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")


def _shorten(name: str, limit: int) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > limit // 4:
        stem, dot, ext = name, "", ""
    room = limit - len((dot + ext).encode("utf-8"))
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" .")
    return (stem or FALLBACK_NAME) + dot + ext


def numbered(name: str, number: int) -> str:
    """``name`` with `` (number)`` before its extension: "report (1).pdf"."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({number})"
    return f"{stem} ({number}).{ext}"


def downloads_folder(env_key: str, env: Mapping[str, str] | None = None) -> Path:
    """Where received files go: ``env_key`` when set (tests), else the XDG download folder, else ~/Downloads."""
    env = os.environ if env is None else env
    if env.get(env_key):
        return Path(env[env_key])
    home = Path(env.get("HOME") or Path.home())
    xdg = env.get("XDG_DOWNLOAD_DIR") or _user_dirs_download(home, env)
    return Path(xdg) if xdg else home / "Downloads"


def _user_dirs_download(home: Path, env: Mapping[str, str]) -> str:
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
    try:
        text = config.read_text(encoding="utf-8")
    except OSError:
        return ""
    for line in text.splitlines():
        if line.startswith("XDG_DOWNLOAD_DIR="):
            value = " ".join(shlex.split(line.partition("=")[2]))
            value = value.replace("$HOME", str(home))
            return value if value.rstrip("/") != str(home) else ""  # "the home folder" means: not set
    return ""


def part_paths(folder: Path, name: str, sha256: bytes) -> tuple[Path, Path]:
    """The ``.part`` file and its sidecar for receiving ``name`` (already sanitised) with this digest."""
    part = folder / f"{name}.ferry-{sha256[:4].hex()}{PART_SUFFIX}"
    return part, folder / f".{part.name}.json"


def write_sidecar(sidecar: Path, name: str, size: int, sha256: bytes) -> None:
    """Describe the ``.part`` next to it (what a re-offer must match to resume)."""
    sidecar.write_text(json.dumps({"name": name, "size": size, "sha256": sha256.hex()}), encoding="utf-8")


def resume_offset(part: Path, sidecar: Path, name: str, size: int, sha256: bytes) -> int:
    """The bytes a matching ``.part`` already holds (0 when none matches: nothing to resume)."""
    try:
        described = json.loads(sidecar.read_text(encoding="utf-8"))
        held = part.stat().st_size
    except (OSError, ValueError):
        return 0
    if not isinstance(described, dict) or described != {"name": name, "size": size, "sha256": sha256.hex()}:
        return 0
    return held if held <= size else 0


def remove_quietly(*paths: Path) -> None:
    """Delete files that may or may not be there."""
    for path in paths:
        path.unlink(missing_ok=True)


def place(part: Path, final: Path, replace: bool) -> Path:
    """Move the finished ``part`` to ``final`` (or "final (n)" when taken and not ``replace``); the path used."""
    if replace:
        os.replace(part, final)
        return final
    for number in range(0, 1000):
        candidate = final if number == 0 else final.with_name(numbered(final.name, number))
        if _claim(part, candidate):
            return candidate
    raise FileExistsError(f"no free name for {final.name} in {final.parent}; clear some space in that folder")


def _claim(part: Path, candidate: Path) -> bool:
    """Give ``part`` the name ``candidate`` unless that name is taken (atomically where links exist)."""
    try:
        os.link(part, candidate)
    except FileExistsError:
        return False
    except OSError:  # no hard links here (some file systems): check, then rename
        if candidate.exists():
            return False
        os.rename(part, candidate)
        return True
    part.unlink()
    return True
