"""Refresh every ``ferry_*.ts`` here from the Qt programs' sources (lupdate), keeping the translations.

    python -m resources.translations.update [--check]

Besides running lupdate, this puts each message that lupdate could not give a context (a module's own
``tr(text)`` helper returning ``QCoreApplication.translate("Context", text)``: lupdate files those calls
under the empty context, where no runtime lookup finds them) into the context its helper passes,
reusing the translation already there. ``--check`` exits 1 while some message is untranslated.
"""

from __future__ import annotations

import argparse
import copy
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from resources.translations.build import HERE, PATTERN, BuildError, find_tool

ROOT = HERE.parent.parent
SOURCE_GLOBS = ("agent/*.py", "ui/*.py", "host_module/*.py", "viewer/*.py")
_HELPER = re.compile(
    r"^def\s+tr\(\s*(\w+)\s*(?::[^)]*)?\)[^:\n]*:\s*\n"
    r"(?:\s*(?:\"\"\"|''').*?(?:\"\"\"|''')\s*\n)?"
    r"\s+return\s+QCoreApplication\.translate\(\s*[\"']([^\"']+)[\"']\s*,\s*\1\s*\)",
    re.MULTILINE | re.DOTALL,
)
_DROPPED = ("vanished", "obsolete")


@dataclass(frozen=True)
class Counts:
    """Messages of one .ts file that the sources still use, and how many of those lack a translation."""

    current: int
    unfinished: int
    vanished: int


def sources(root: Path = ROOT) -> list[Path]:
    return sorted(path for pattern in SOURCE_GLOBS for path in root.glob(pattern))


def helper_contexts(files: Iterable[Path]) -> dict[Path, str]:
    """File → the context its module-level ``tr(text)`` helper translates in, for the files that have one."""
    found = {}
    for path in files:
        match = _HELPER.search(path.read_text(encoding="utf-8"))
        if match:
            found[path.resolve()] = match.group(2)
    return found


def rehome(root: ET.Element, ts_dir: Path, helpers: dict[Path, str]) -> int:
    """Move the empty context's messages into their files' helper contexts; returns how many moved."""
    contexts = {(ctx.findtext("name") or ""): ctx for ctx in root.findall("context")}
    empty = contexts.get("")
    if empty is None:
        return 0
    moved = 0
    for message in empty.findall("message"):
        groups = _by_helper(message, ts_dir, helpers)
        for name, locations in groups.items():
            if name not in contexts:
                contexts[name] = ET.SubElement(root, "context")
                ET.SubElement(contexts[name], "name").text = name
            _place(contexts[name], message, locations)
            for location in locations:
                message.remove(location)
        if groups:
            moved += 1
            if message.find("location") is None:
                empty.remove(message)
    if empty.find("message") is None:
        root.remove(empty)
    _sort(root)
    return moved


def _by_helper(message: ET.Element, ts_dir: Path, helpers: dict[Path, str]) -> dict[str, list[ET.Element]]:
    """The message's locations in files with a helper, grouped by the helper's context."""
    groups: dict[str, list[ET.Element]] = {}
    for location in message.findall("location"):
        name = helpers.get((ts_dir / location.get("filename", "")).resolve())
        if name:
            groups.setdefault(name, []).append(location)
    return groups


def _place(context: ET.Element, message: ET.Element, locations: list[ET.Element]) -> None:
    """Give ``locations`` to the same message in ``context`` (reviving a vanished one), or add a copy there."""
    key = (message.findtext("source"), message.findtext("comment"))
    target = next((m for m in context.findall("message") if (m.findtext("source"), m.findtext("comment")) == key),
                  None)
    if target is None:
        target = copy.deepcopy(message)
        context.append(target)
    for old in target.findall("location"):
        target.remove(old)
    for index, location in enumerate(locations):
        target.insert(index, copy.deepcopy(location))
    translation = target.find("translation")
    if translation is not None and translation.get("type") in _DROPPED:
        if _translated(translation):
            del translation.attrib["type"]
        else:
            translation.set("type", "unfinished")


def _translated(translation: ET.Element) -> bool:
    forms = translation.findall("numerusform") or [translation]
    return all((form.text or "").strip() for form in forms)


def _sort(root: ET.Element) -> None:
    """Contexts by name; in each, messages in source order, vanished ones last (as lupdate does)."""
    def message_key(message: ET.Element) -> tuple[int, str, int]:
        location = message.find("location")
        if location is None:
            return (1, "", 0)
        return (0, location.get("filename", ""), int(location.get("line", "0")))

    contexts = sorted(root.findall("context"), key=lambda ctx: ctx.findtext("name") or "")
    for ctx in root.findall("context"):
        root.remove(ctx)
    for ctx in contexts:
        messages = sorted(ctx.findall("message"), key=message_key)
        for message in messages:
            ctx.remove(message)
        ctx.extend(messages)
        root.append(ctx)


def count(root: ET.Element) -> Counts:
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
    """lupdate ``files`` into ``ts`` (created when missing), then re-home helper-translated messages."""
    result = subprocess.run([find_tool("lupdate"), *map(str, files), "-ts", str(ts)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise BuildError(f"lupdate failed on {ts} (exit {result.returncode}): {output}")
    tree = ET.parse(ts)
    rehome(tree.getroot(), ts.resolve().parent, helper_contexts(files))
    ts.write_text(serialize(tree.getroot()), encoding="utf-8")
    return count(tree.getroot())


def serialize(root: ET.Element) -> str:
    """The .ts layout lupdate writes, so that lupdate and this script do not fight over whitespace."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>", f"<TS{_attributes(root)}>"]
    for context in root:
        lines.append("<context>")
        for child in context:
            _element(child, 1, lines)
        lines.append("</context>")
    lines.append("</TS>")
    return "\n".join(lines) + "\n"


def _element(element: ET.Element, depth: int, lines: list[str]) -> None:
    pad = "    " * depth
    tag = f"{element.tag}{_attributes(element)}"
    if len(element):
        lines.append(f"{pad}<{tag}>")
        for child in element:
            _element(child, depth + 1, lines)
        lines.append(f"{pad}</{element.tag}>")
    elif element.tag == "location":
        lines.append(f"{pad}<{tag}/>")
    else:
        lines.append(f"{pad}<{tag}>{_escape(element.text or '')}</{element.tag}>")


def _attributes(element: ET.Element) -> str:
    return "".join(f' {name}="{_escape(value)}"' for name, value in element.attrib.items())


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&apos;").replace('"', "&quot;"))


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
