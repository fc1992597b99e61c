"""The chat panel: typed lines, shortcut messages by click and by Alt+digit, favorites, line status."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from ui.chat_panel import COL_STATUS, COL_TEXT, ChatPanel, FavoriteLink, LineStatus, shortcut_key
from ui.theme import WARNING

SHORTCUTS = [f"canned message {n}" for n in range(1, 11)]


@pytest.fixture()
def panel(qtbot: QtBot) -> ChatPanel:
    made = ChatPanel()
    qtbot.addWidget(made)
    made.set_shortcuts(SHORTCUTS)
    with qtbot.waitActive(made):
        made.show()
        made.activateWindow()
    made.input.setFocus()
    return made


def sent(panel: ChatPanel) -> list[str]:
    texts: list[str] = []
    panel.message_submitted.connect(texts.append)
    return texts


def test_enter_sends_the_typed_line_and_clears_the_input(panel: ChatPanel, qtbot: QtBot) -> None:
    texts = sent(panel)
    qtbot.keyClicks(panel.input, "hello there")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)  # an empty line is not sent
    assert texts == ["hello there"] and panel.input.text() == ""


@pytest.mark.parametrize(("key", "slot"), [(Qt.Key.Key_3, 3), (Qt.Key.Key_0, 10)])
def test_alt_digit_sends_that_shortcut_message(panel: ChatPanel, qtbot: QtBot, key: Qt.Key, slot: int) -> None:
    texts = sent(panel)
    qtbot.keyClick(panel.input, key, Qt.KeyboardModifier.AltModifier)
    assert texts == [SHORTCUTS[slot - 1]]
    assert panel.input.text() == ""  # Alt+digit is no typing


def test_shortcut_buttons_show_the_text_and_send_it(panel: ChatPanel, qtbot: QtBot) -> None:
    texts = sent(panel)
    button = panel.shortcut_buttons[4]
    assert SHORTCUTS[4] in button.toolTip() and shortcut_key(5).toString() in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert texts == [SHORTCUTS[4]]


def test_without_shortcuts_the_row_is_hidden_and_alt_digit_does_nothing(panel: ChatPanel, qtbot: QtBot) -> None:
    texts = sent(panel)
    panel.set_shortcuts([])
    qtbot.keyClick(panel.input, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert texts == [] and panel.shortcut_row.isHidden()


def test_nothing_is_sent_while_input_is_disabled(panel: ChatPanel, qtbot: QtBot) -> None:
    texts = sent(panel)
    panel.set_input_enabled(False, "not live yet")
    panel.send_shortcut(1)
    assert texts == [] and panel.input.placeholderText() == "not live yet"
    panel.set_input_enabled(True)
    panel.send_shortcut(1)
    assert texts == [SHORTCUTS[0]]


def test_a_favorite_sends_its_url(panel: ChatPanel) -> None:
    texts = sent(panel)
    assert panel.favorites_button.isHidden()
    panel.set_favorites([FavoriteLink("Manual", "https://example.com/manual"), FavoriteLink("", "https://x.test")])
    assert not panel.favorites_button.isHidden()
    assert panel.favorite_actions() == [("Manual", "https://example.com/manual"), ("https://x.test", "https://x.test")]
    menu = panel.favorites_button.menu()
    assert menu is not None
    menu.actions()[0].trigger()
    assert texts == ["https://example.com/manual"]


def test_line_status_moves_on_and_a_failure_is_plain_to_see(panel: ChatPanel) -> None:
    panel.add_line("a", "You", "first", 1_700_000_000_000, LineStatus.SENDING)
    panel.add_line("b", "Customer", "second", 1_700_000_001_000, LineStatus.RECEIVED)
    panel.add_line("a", "You", "duplicate", 0, LineStatus.SENT)  # same id: ignored
    assert panel.line_ids() == ["a", "b"] and panel.line("a") == ("You", "first", "sending…")
    panel.set_status("a", LineStatus.SENT)
    panel.set_status("a", LineStatus.SAVED)
    assert panel.line("a")[2] == "saved on server"
    panel.set_status("b", LineStatus.FAILED, "Not saved on the server: no answer")
    assert panel.status("b") is LineStatus.FAILED
    item = panel.conversation.topLevelItem(1)
    assert item is not None
    assert "failed" in item.text(COL_STATUS) and item.toolTip(COL_STATUS) == "Not saved on the server: no answer"
    assert item.font(COL_STATUS).bold()
    assert item.foreground(COL_TEXT) == QBrush(WARNING)  # the whole line turns red, not just the status
