"""Names from the other side are sanitised; download folders; placing a finished file without overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from transport.file_names import (
    MAX_NAME_BYTES,
    downloads_folder,
    numbered,
    part_paths,
    place,
    resume_offset,
    sanitise_name,
    write_sidecar,
)


@pytest.mark.parametrize(("offered", "safe"), [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\System32\\drivers\\hosts", "hosts"),
    ("C:\\Users\\me\\evil.exe", "evil.exe"),
    ("/absolute/path.txt", "path.txt"),
    ("..", "file"),
    ("....", "file"),
    ("", "file"),
    ("dir/", "file"),
    (".bashrc", "bashrc"),
    ("name.", "name"),
    ("bell\x07\x1b[31mred\x00.txt", "bell[31mred.txt"),
    ("new\nline\r.txt", "newline.txt"),
    ("right\u202etxt.exe", "righttxt.exe"),  # no right-to-left override hiding the real extension
    ("a<b>c:d\"e|f?g*h.txt", "abcdefgh.txt"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("LPT1.tar.gz", "_LPT1.tar.gz"),
    ("console.txt", "console.txt"),
    ("보고서.hwp", "보고서.hwp"),
])
def test_sanitise_name(offered: str, safe: str) -> None:
    assert sanitise_name(offered) == safe


def test_a_long_name_keeps_its_extension_within_the_limit() -> None:
    name = sanitise_name("가" * 300 + ".docx")
    assert name.endswith(".docx") and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    name.encode("utf-8").decode("utf-8")  # not cut inside a character


def test_numbered() -> None:
    assert numbered("report.pdf", 1) == "report (1).pdf"
    assert numbered("archive.tar.gz", 2) == "archive.tar (2).gz"
    assert numbered("README", 3) == "README (3)"


def test_downloads_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert downloads_folder("FERRY_X", {"FERRY_X": "/tmp/here", "HOME": str(home)}) == Path("/tmp/here")
    assert downloads_folder("FERRY_X", {"HOME": str(home)}) == home / "Downloads"
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DOWNLOAD_DIR="$HOME/내려받기"\n')
    assert downloads_folder("FERRY_X", {"HOME": str(home)}) == home / "내려받기"


def test_place_never_overwrites_unless_told(tmp_path: Path) -> None:
    final = tmp_path / "a.txt"
    final.write_text("mine")
    (tmp_path / "a (1).txt").write_text("mine too")
    part = tmp_path / "a.txt.part"
    part.write_text("new")
    assert place(part, final, replace=False) == tmp_path / "a (2).txt"
    assert final.read_text() == "mine" and (tmp_path / "a (2).txt").read_text() == "new" and not part.exists()
    part.write_text("newer")
    assert place(part, final, replace=True) == final
    assert final.read_text() == "newer"


def test_resume_offset_needs_a_matching_sidecar(tmp_path: Path) -> None:
    sha = bytes(range(32))
    part, sidecar = part_paths(tmp_path, "a.bin", sha)
    assert resume_offset(part, sidecar, "a.bin", 100, sha) == 0
    part.write_bytes(b"x" * 40)
    assert resume_offset(part, sidecar, "a.bin", 100, sha) == 0  # no sidecar: not ours
    write_sidecar(sidecar, "a.bin", 100, sha)
    assert resume_offset(part, sidecar, "a.bin", 100, sha) == 40
    assert resume_offset(part, sidecar, "a.bin", 101, sha) == 0
    assert resume_offset(part, sidecar, "a.bin", 100, bytes(32)) == 0
    sidecar.write_text("not json")
    assert resume_offset(part, sidecar, "a.bin", 100, sha) == 0
