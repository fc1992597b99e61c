"""Refresh every ``ferry_*.ts`` here from the Qt programs' sources (lupdate), keeping the translations.

    python -m resources.translations.update [--check]

Strings are found by lupdate as ``self.tr("…")`` in QObject classes (context: the class name) or
``QCoreApplication.translate("Context", "…")`` with literal text. ``--check`` exits 1 while some
message is untranslated.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from resources.translations.build import HERE, PATTERN, BuildError, find_tool

ROOT = HERE.parent.parent
SOURCE_GLOBS = ("agent/*.py", "ui/*.py", "host_module/*.py", "viewer/*.py", "host_module/tools/*.py",
                "viewer/tools/*.py")
_DROPPED = ("vanished", "obsolete")


@dataclass(frozen=True)
class Counts:
    """Messages of one .ts file that the sources still use, and how many of those lack a translation."""

    current: int
    unfinished: int
    vanished: int


def sources(root: Path = ROOT) -> list[Path]:
    return sorted(path for pattern in SOURCE_GLOBS for path in root.glob(pattern))


def _translated(translation: ET.Element) -> bool:
    forms = translation.findall("numerusform") or [translation]
    return all((form.text or "").strip() for form in forms)


def count(root: ET.Element) -> Counts:
    """How many messages are in use, untranslated, and no longer used."""
    current = unfinished = vanished = 0
    for translation in root.iter("translation"):
        kind = translation.get("type")
        if kind in _DROPPED:
            vanished += 1
            continue
        current += 1
        if kind == "unfinished" or not _translated(translation):
            unfinished += 1
    return Counts(current, unfinished, vanished)


def update(ts: Path, files: Sequence[Path]) -> Counts:
    """lupdate ``files`` into ``ts`` (created when missing); the counts after it."""
    result = subprocess.run([find_tool("lupdate"), *map(str, files), "-ts", str(ts)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise BuildError(f"lupdate failed on {ts} (exit {result.returncode}): {output}")
    return count(ET.parse(ts).getroot())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m resources.translations.update",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 while some message has no translation")
    args = parser.parse_args(argv)
    files = sources()
    incomplete = False
    try:
        for ts in sorted(HERE.glob(PATTERN)):
            counts = update(ts, files)
            incomplete |= counts.unfinished > 0
            sys.stdout.write(f"translations: {ts}: {counts.current} messages, {counts.unfinished} untranslated, "
                             f"{counts.vanished} no longer used\n")
    except BuildError as exc:
        sys.stderr.write(f"translations: {exc}\n")
        return 1
    return 1 if args.check and incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
