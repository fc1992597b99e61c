"""Translators: Qt's and Ferry's .qm files are installed for a locale, and the widgets' self.tr uses them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from ui.i18n import install_translators
from ui.widgets import CountdownLabel

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>CountdownLabel</name>
    <message><source>Expired</source><translation>만료됨</translation></message>
    <message><source>Expires in {0}</source><translation>{0} 후 만료</translation></message>
</context>
</TS>
"""


def _lrelease() -> str:
    found = shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    if not Path(found).exists():
        pytest.skip("pyside6-lrelease is not installed")
    return found


def test_missing_files_are_skipped(qapp, tmp_path: Path) -> None:
    installed = install_translators(qapp, tmp_path, QLocale(QLocale.Language.English))
    try:
        assert all(not t.filePath().startswith(str(tmp_path)) for t in installed)  # only Qt's own, if any
    finally:
        for translator in installed:
            QCoreApplication.removeTranslator(translator)


def test_korean_translations_reach_the_widgets(qtbot, qapp, tmp_path: Path) -> None:
    source = tmp_path / "ferry_ko.ts"
    source.write_text(TS, encoding="utf-8")
    subprocess.run([_lrelease(), str(source), "-qm", str(tmp_path / "ferry_ko.qm")], check=True,
                   capture_output=True)
    korean = QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)
    installed = install_translators(qapp, tmp_path, korean)
    try:
        assert [Path(t.filePath()).name for t in installed] == ["qtbase_ko.qm", "ferry_ko.qm"]
        now = [0.0]
        label = CountdownLabel(clock=lambda: now[0])
        qtbot.addWidget(label)
        label.start(90)
        assert label.text() == "01:30 후 만료"
        now[0] = 100
        with qtbot.waitSignal(label.expired):
            pass
        assert label.text() == "만료됨"
    finally:
        for translator in installed:
            QCoreApplication.removeTranslator(translator)
