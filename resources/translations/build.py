"""Compile every ``ferry_*.ts`` in this directory into the ``.qm`` next to it.

    python -m resources.translations.build [--out-dir DIR]

Prints one line per file (lrelease's counts) and exits non-zero when a file cannot be compiled.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
PATTERN = "ferry_*.ts"


class BuildError(RuntimeError):
    """lrelease is missing or rejected a file."""


def find_tool(name: str) -> str:
    """``pyside6-<name>`` next to this Python (the virtualenv's bin), on PATH, or PySide6's own binary."""
    script = f"pyside6-{name}"
    found = shutil.which(script, path=str(Path(sys.executable).parent)) or shutil.which(script)
    if found:
        return found
    try:
        import PySide6
    except ImportError:  # pragma: no cover - Ferry always has PySide6
        pass
    else:
        for folder in map(Path, PySide6.__path__):
            binary = shutil.which(name, path=str(folder))
            if binary:
                return binary
    raise BuildError(f"{script} was not found (is PySide6 installed?)")


def compile_ts(ts: Path, qm: Path | None = None) -> tuple[Path, str]:
    """Compile ``ts`` into ``qm`` (default: same name, .qm, same folder); returns it and lrelease's summary."""
    qm = qm or ts.with_suffix(".qm")
    result = subprocess.run([find_tool("lrelease"), str(ts), "-qm", str(qm)],
                            capture_output=True, text=True, check=False)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or not qm.is_file():
        raise BuildError(f"lrelease failed on {ts} (exit {result.returncode}): {output}")
    summary = next((line.strip() for line in output.splitlines() if "translation(s)" in line), output)
    return qm, summary


def compile_all(directory: Path = HERE, out_dir: Path | None = None) -> list[tuple[Path, str]]:
    """Compile every ``ferry_*.ts`` in ``directory`` (into ``out_dir`` when given); returns (qm, summary) pairs."""
    sources = sorted(directory.glob(PATTERN))
    if not sources:
        raise BuildError(f"no {PATTERN} in {directory}")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    return [compile_ts(ts, None if out_dir is None else out_dir / ts.with_suffix(".qm").name) for ts in sources]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m resources.translations.build", description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, help="write the .qm files here instead of next to the .ts files")
    args = parser.parse_args(argv)
    try:
        built = compile_all(HERE, args.out_dir)
    except BuildError as exc:
        sys.stderr.write(f"translations: {exc}\n")
        return 1
    for qm, summary in built:
        sys.stdout.write(f"translations: {qm}: {summary}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
