"""Build the one-time host executable (``make host-exe``): PyInstaller one-file ``dist/ferry-host``.

The build is skipped when ``dist/ferry-host`` exists and ``dist/ferry-host.sources`` holds the digest
of everything that goes into it (the host's packages, translations, the spec, this script, the lock
file, the Python and PyInstaller versions); ``--force`` rebuilds anyway. The new binary replaces the
old one by a rename, so a server streaming the old file is not disturbed. A lock file keeps two
builds (``make host-exe`` and the e2e test) from running at once. The last line printed is the path.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installers" / "ferry-host.spec"
PACKAGES = ("host_module", "protocol", "transport", "capture", "input_injection", "ui", "resources")
INPUTS = (SPEC, ROOT / "installers" / "ferry_host_entry.py", Path(__file__).resolve(), ROOT / "requirements.lock")
NAME = "ferry-host"


def source_digest() -> str:
    """SHA-256 over the paths and contents of every input of the build, and the tool versions."""
    digest = hashlib.sha256(f"{sys.version}|{metadata.version('pyinstaller')}".encode())
    files = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*"))
             if p.suffix in {".py", ".qm", ".json"} and "__pycache__" not in p.parts]
    for path in [*files, *INPUTS]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def up_to_date(dist: Path, digest: str) -> bool:
    """The binary exists and was built from these sources."""
    stamp = dist / f"{NAME}.sources"
    return (dist / NAME).is_file() and stamp.is_file() and stamp.read_text().strip() == digest


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller into a scratch directory, then move the binary into ``dist``."""
    scratch = work / "dist"
    shutil.rmtree(scratch, ignore_errors=True)
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(scratch), "--workpath", str(work / "build"), str(SPEC)]
    subprocess.run(command, cwd=ROOT, check=True)
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / NAME
    os.replace(scratch / NAME, target)
    return target


def say(line: str) -> None:
    """One line for the person (or test) running the build."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the one-time host executable (PyInstaller one-file).")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where ferry-host goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "host-exe", help="PyInstaller's work folder")
    parser.add_argument("--force", action="store_true", help="rebuild even when the sources did not change")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    with open(args.work / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build finishes first; then this one is usually up to date
        digest = source_digest()
        if args.force or not up_to_date(args.dist, digest):
            build(args.dist, args.work)
            (args.dist / f"{NAME}.sources").write_text(digest + "\n")
        else:
            say(f"{args.dist / NAME} is up to date (sources unchanged; --force rebuilds)")
    say(str(args.dist / NAME))
    return 0


if __name__ == "__main__":
    sys.exit(main())
