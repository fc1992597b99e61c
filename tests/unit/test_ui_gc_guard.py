"""The collector runs on the GUI thread's timer, with automatic collection off while it does."""

from __future__ import annotations

import gc

from pytestqt.qtbot import QtBot

from ui.gc_guard import GuiThreadCollector


def test_collection_moves_to_the_gui_thread(qtbot: QtBot) -> None:
    collector = GuiThreadCollector(interval_ms=10)
    collector.start()
    try:
        assert not gc.isenabled()
        kept = [[] for _ in range(gc.get_threshold()[0] + 10)]  # live containers past the young threshold
        qtbot.waitUntil(lambda: collector.runs > 0, timeout=2000)
        assert kept
    finally:
        collector.stop()
    assert gc.isenabled()
